"""The heatmap head: a small EI-tree concept head on an earlier, finer block of the image backbone.

The served model's concept layer reads the last feature map (4x3 for a 128x96 photo), whose
features each depend on nearly the whole photo, so its per-location logits cannot tell the parts
of a product apart. This head reads block 10 of EfficientNet-Lite0 (112 channels, 8x6), whose
features are local, through one hidden layer applied at every location (1x1 convolutions), and
its concept logits are the mean of its per-location logits, so its maps are CAM-style by
construction. It is distilled from the served model (``models/train_heatmap.py``): trained with
the EI-tree loss against the served model's image-only predictions, it learns to say what the
served model says, from local features. Only the heatmaps use it; search never does.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from .ei_tree import EIConceptLayer
from .model import Standardise
from .tree import EITree

HEAD_FILE = "heatmap_head.pt"  # next to the served checkpoint


@dataclass
class HeatmapHeadConfig:
    """The head's shape."""

    block: int = 10  # backbone block it reads (EfficientNet-Lite0 block 10: 112 channels at 1/16 of the input)
    channels: int = 112  # that block's output channels
    hidden: int = 256  # width of the hidden layer applied at every location; 0: a linear head


class HeatmapHead(nn.Module):
    """(B, C, h, w) block features -> (B, K, h, w) concept logit maps; their mean over locations is
    the head's concept logits, turned into tree probabilities like the served model's."""

    def __init__(self, config: HeatmapHeadConfig, tree: EITree):
        super().__init__()
        self.config = config
        self.norm = Standardise(config.channels)
        width = config.hidden or config.channels
        self.hidden = (nn.Sequential(nn.Conv2d(config.channels, width, kernel_size=1), nn.GELU())
                       if config.hidden else nn.Identity())
        self.concepts = EIConceptLayer(tree, width)

    def concept_maps(self, block_maps: torch.Tensor) -> torch.Tensor:
        """(B, C, h, w) -> (B, K, h, w) concept logits at every location."""
        return self.concepts.concept_maps(self.hidden(self.norm(block_maps.float(), dim=1)))

    def forward(self, block_maps: torch.Tensor) -> dict[str, torch.Tensor]:
        """``concept_maps`` and, from their mean, ``concept_logits``, ``concept_cond_log_probs``,
        ``concept_log_probs`` and ``concept_probs`` (B, K)."""
        maps = self.concept_maps(block_maps)
        logits = maps.mean(dim=(2, 3))
        structure = self.concepts.structure
        cond = structure.conditional_log_probs(logits)
        log_probs = structure.path_log_probs(cond)
        return {"concept_maps": maps, "concept_logits": logits, "concept_cond_log_probs": cond,
                "concept_log_probs": log_probs, "concept_probs": log_probs.exp()}


def save_heatmap_head(head: HeatmapHead, path: Path | str, tree: EITree, meta: dict | None = None) -> Path:
    """Write the head, its config and the concept order to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": asdict(head.config), "state_dict": {k: v.detach().cpu() for k, v in head.state_dict().items()},
                "concept_order": list(tree.order), "meta": meta or {}}, path)
    return path


def load_heatmap_head(path: Path | str, tree: EITree) -> HeatmapHead:
    """The head stored at ``path``, in eval mode (``head.meta``: its metadata). FileNotFoundError
    when absent; ValueError when it was trained on another tree."""
    payload = torch.load(Path(path), map_location="cpu", weights_only=False)
    if list(tree.order) != payload["concept_order"]:
        raise ValueError(f"{path}: trained on a different EI tree; retrain with `fashionbot train-heatmap`")
    head = HeatmapHead(HeatmapHeadConfig(**payload["config"]), tree)
    head.load_state_dict(payload["state_dict"])
    head.meta = payload.get("meta", {})
    return head.eval()
