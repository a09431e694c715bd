"""The served concept heatmap: which design draws it, and the designs it was chosen among.

A design turns photos and concepts (``evidence.contrast_matrix`` rows) into evidence maps
(``models/evidence.py``). ``evaluation/resolution.py`` measures every design in ``DESIGNS`` and
its rule picks one (reports/case_studies.md, section 1); ``SERVED`` is that pick. The engine's
``GET /items/{id}/heatmap`` and the case studies both draw with ``served_maps``, so the report
measures the maps the shopper sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from .encoders import BackboneConfig, ImageBackbone, load_image
from .evidence import evidence_maps, head_evidence
from .heatmap_head import HeatmapHead


@dataclass(frozen=True)
class Design:
    """One way of drawing concept evidence maps."""

    key: str
    title: str
    image_size: tuple[int, int] = (128, 96)  # (H, W) of the network input
    output_stride: int = 32  # of the backbone (``BackboneConfig.output_stride``)
    upsample: int = 1  # bilinear upsampling factor of the evidence maps
    gradcam_block: int | None = None  # Grad-CAM of the served score at this block instead of CAM
    head: str | None = None  # a concept head on block 10: "labels" (trained here), "served" (the heatmap head)


DESIGNS = (
    Design("a", "(a) served model, CAM on its last feature map"),
    Design("a_up", "(a') the same, upsampled 4x (bilinear)", upsample=4),
    Design("b16", "(b) served model, a trous: last stride-2 stage at stride 1", output_stride=16),
    Design("b8", "(b') served model, a trous: last two stride-2 stages at stride 1", output_stride=8),
    Design("c", "(c) served model on a 256x192 input", image_size=(256, 192)),
    Design("d", "(d) linear EI-tree head on block 10, trained on labels", head="labels"),
    Design("e", "(e) Grad-CAM of the served score at block 10", gradcam_block=10),
    Design("f", "(f) heatmap head: block 10, hidden layer, distilled from the served model", head="served"),
)


SERVED = "c"  # the rule's pick on the committed report (seed 1, 600 photos; the seed-0 pilot picked "f")


def design(key: str) -> Design:
    return next(d for d in DESIGNS if d.key == key)


class DesignMaps:
    """Photos and one concept each (its contrast row) -> (B, h, w) evidence, for one design; and
    the pooled evidence the map itself implies (its mean over locations)."""

    def __init__(self, design: Design, model, head: HeatmapHead | None = None, device: str | torch.device = "cpu"):
        self.design, self.model, self.head, self.device = design, model, head, torch.device(device)
        self.backbone = ImageBackbone(BackboneConfig(image_size=design.image_size,
                                                     output_stride=design.output_stride)).to(self.device).eval()
        if design.head and head is None:
            raise ValueError(f"design {design.key} needs its concept head")

    def photo(self, path: Path | str) -> torch.Tensor:
        """(3, H, W): one photo as this design's input."""
        return load_image(path, self.design.image_size)

    @property
    def image_size(self) -> tuple[int, int]:
        return self.design.image_size

    def __call__(self, images: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) photos and contrast rows (B, K) or (B, S, K) -> (B, h, w) or (B, S, h, w) evidence."""
        design = self.design
        images, rows = images.to(self.device), rows.to(self.device)
        if design.head:
            with torch.no_grad():
                block_maps = self.backbone.block_map(images, self.head.config.block)
            evidence = head_evidence(self.head, block_maps, rows)
        else:
            evidence, _ = evidence_maps(self.model, self.backbone, images, rows, design.gradcam_block)
        if design.upsample > 1:
            flat = evidence.reshape(-1, 1, *evidence.shape[-2:])
            flat = F.interpolate(flat, scale_factor=design.upsample, mode="bilinear", align_corners=False)
            evidence = flat.reshape(*evidence.shape[:-2], *flat.shape[-2:])
        return evidence.float().cpu()

    def many(self, images: torch.Tensor, rows: torch.Tensor, batch_size: int = 32) -> np.ndarray:
        """Evidence of many photos, in batches: ``rows`` (N, K) -> (N, h, w); (N, S, K) -> (N, S, h, w)."""
        return torch.cat([self(images[i:i + batch_size], rows[i:i + batch_size])
                          for i in range(0, len(images), batch_size)]).numpy()


def served_maps(model, head: HeatmapHead | None = None, device: str | torch.device = "cpu") -> DesignMaps:
    """The maps the engine serves and the case studies measure (``SERVED``); ``head`` is needed only
    when that design is a concept head's."""
    return DesignMaps(design(SERVED), model, head, device)
