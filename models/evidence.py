"""Concept evidence maps: where in a photo the model sees a concept.

This is the one definition that the served heatmap (``GET /items/{id}/heatmap``) and the case
studies (``fashionbot eval case-studies``) share.

A concept layer applied at every location of a feature map gives one logit map per concept. The
served heatmap takes them from the design ``models/heatmaps.py`` names (the served model's concept
layer on the last feature map of a 256x192 input, 8x6), chosen by measurement over the served
model's own 4x3 map, a distilled heatmap head (``models/heatmap_head.py``) and other designs
(``evaluation/resolution.py``, reports/case_studies.md). The **evidence** for a concept is its logit map minus the mean of its
exclusive siblings' maps. A softmax does not change when the same map is added to every sibling,
so only this contrast is identified ("a round neck rather than another neckline here"). An
independent tag (a print) has no siblings and keeps its own logit map.

The **mass** of an evidence map is its excess over its own mean, normalised to sum 1: the mean is
the concept's pooled score, so the mass spreads the above-average part of the score over the
locations that carry it. The heatmap's opacity is the mass over its maximum (transparent at or
below the mean). Locations are grid cells over the image in normalised coordinates: x from
0 (left) to 1 (right), y from 0 (top) to 1 (bottom).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .tree import EITree


def contrast_matrix(tree: EITree) -> np.ndarray:
    """(K, K) matrix C such that the evidence maps are ``C @ maps`` over the concept axis: row k is
    e_k minus the mean of e_s over k's exclusive siblings s (just e_k without siblings)."""
    matrix = np.eye(len(tree.order), dtype=np.float32)
    for members in tree.exclusive_groups:
        for dim in members:
            rivals = [m for m in members if m != dim]
            if rivals:
                matrix[dim, rivals] = -1.0 / len(rivals)
    return matrix


@torch.no_grad()
def head_evidence(head, block_maps: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """The served evidence: the heatmap head on (B, C, h, w) block features (``ImageBackbone.block_map``
    at ``head.config.block``), concepts as ``contrast_matrix`` rows, (B, K) one per photo or (B, S, K)
    S per photo -> (B, h, w) or (B, S, h, w)."""
    maps = head.concept_maps(block_maps)  # (B, K, h, w)
    return torch.einsum("b...k,bkhw->b...hw", rows, maps)


def evidence_maps(model, backbone, images: torch.Tensor, rows: torch.Tensor,
                  block: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Evidence maps of the served model itself (the designs the heatmap head was measured against):
    photos (B, 3, H, W), concepts as ``contrast_matrix`` rows, (B, K) or (B, S, K); and the model's
    image outputs (the indexed image representation: embedding, concept probabilities).

    A concept's score is its image logit minus the mean of its siblings' (``row . logits``). With
    ``block`` None the map is that contrast of the concept layer applied at every location of the
    last feature map (CAM). With a block index it is Grad-CAM at that block: the block's channels
    weighted by the mean gradient of the score, summed, times the number of locations (the CAM's
    scale: for a linear head on the pooled map the two coincide). Returns ((B, h, w) or
    (B, S, h, w) evidence, outputs)."""
    single = rows.dim() == 2
    rows = rows[:, None] if single else rows  # (B, S, K)
    with torch.set_grad_enabled(block is not None):  # CAM needs no gradients
        feats = backbone(images, tap=block)
        out = model(image_maps=feats["feature_map"], image_colour=feats["colour"])
        if block is None:
            maps = model.concept_maps(feats["feature_map"], feats["colour"])  # (B, K, h, w)
            evidence = torch.einsum("bsk,bkhw->bshw", rows, maps)
        else:
            tapped = feats["tap"]
            slots = []
            for slot in range(rows.shape[1]):
                score = (out["concept_logits"] * rows[:, slot]).sum()
                grad, = torch.autograd.grad(score, tapped, retain_graph=slot < rows.shape[1] - 1)
                weights = grad.mean(dim=(2, 3), keepdim=True)  # (B, C, 1, 1)
                slots.append((weights * tapped.detach()).sum(1))  # (B, h, w)
            evidence = torch.stack(slots, 1) * (tapped.shape[-2] * tapped.shape[-1])  # (B, S, h, w)
    evidence = evidence.detach()
    return (evidence[:, 0] if single else evidence), {k: v.detach() for k, v in out.items()}


def concept_evidence(maps: np.ndarray, tree: EITree, concept: str) -> np.ndarray:
    """The CAM evidence of one concept from all concepts' logit maps: (..., K, h, w) -> (..., h, w)."""
    dim = tree.index[concept]
    rivals = [tree.index[s.id] for s in tree.exclusive_siblings(concept)]
    own = maps[..., dim, :, :]
    return own - maps[..., rivals, :, :].mean(axis=-3) if rivals else own


def evidence_mass(evidence: np.ndarray) -> np.ndarray:
    """(..., h, w) evidence -> (..., h, w) mass: the evidence above its mean over the locations,
    normalised to sum 1 (a flat map: uniform). The map's mean is the concept's pooled score, so a
    location's excess is how much it raises the score above an average location; being a ratio of
    excesses, the mass does not depend on the logits' scale."""
    evidence = np.asarray(evidence, dtype=np.float64)
    flat = evidence.reshape(*evidence.shape[:-2], -1)  # (..., h*w)
    excess = np.clip(flat - flat.mean(axis=-1, keepdims=True), 0, None)
    total = excess.sum(axis=-1, keepdims=True)
    mass = np.where(total > 1e-9, excess / np.maximum(total, 1e-12), 1.0 / flat.shape[-1])
    return mass.reshape(evidence.shape)


def display_weights(evidence: np.ndarray) -> np.ndarray:
    """(h, w) evidence -> (h, w) in [0, 1], the strongest location 1: the heatmap's opacity."""
    mass = evidence_mass(evidence)
    return mass / max(float(mass.max()), 1e-12)


def cell_centres(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Normalised (y (h,), x (w,)) coordinates of the grid cells' centres."""
    return (np.arange(height) + 0.5) / height, (np.arange(width) + 0.5) / width


def centroid(mass: np.ndarray) -> np.ndarray:
    """(..., h, w) mass -> (..., 2) centre of mass (x, y), normalised."""
    ys, xs = cell_centres(*mass.shape[-2:])
    x = (mass.sum(axis=-2) * xs).sum(axis=-1)
    y = (mass.sum(axis=-1) * ys).sum(axis=-1)
    return np.stack([x, y], axis=-1)


def spread(mass: np.ndarray) -> np.ndarray:
    """(..., h, w) mass -> (...,) root-mean-square distance of the mass from its centroid (normalised
    units; a uniform map over the unit square has 0.408)."""
    ys, xs = cell_centres(*mass.shape[-2:])
    centre = centroid(mass)
    dx2 = (xs - centre[..., :1]) ** 2  # (..., w)
    dy2 = (ys - centre[..., 1:]) ** 2  # (..., h)
    return np.sqrt((mass.sum(axis=-2) * dx2).sum(axis=-1) + (mass.sum(axis=-1) * dy2).sum(axis=-1))


def _overlap(cells: int, low: float, high: float) -> np.ndarray:
    """Share of each of ``cells`` equal intervals of [0, 1] that lies inside [low, high]."""
    edges = np.arange(cells + 1) / cells
    return np.clip(np.minimum(edges[1:], high) - np.maximum(edges[:-1], low), 0, None) * cells


def region_weights(height: int, width: int, x: tuple[float, float] = (0, 1),
                   y: tuple[float, float] = (0, 1)) -> np.ndarray:
    """(h, w) share of each grid cell's area inside the box ``x`` by ``y`` (normalised image
    coordinates): a cell straddling the border counts with the part inside."""
    return np.outer(_overlap(height, *y), _overlap(width, *x))


def region_share(mass: np.ndarray, x: tuple[float, float] = (0, 1), y: tuple[float, float] = (0, 1)) -> np.ndarray:
    """(..., h, w) mass -> (...,) share of the mass inside a box, cells counted by area inside."""
    return (mass * region_weights(*mass.shape[-2:], x, y)).sum(axis=(-2, -1))


# The regions the paper's spatial claims name, as (x range, y range) boxes
REGIONS = {
    "upper third": ((0, 1), (0, 1 / 3)),
    "side thirds": None,  # left third + right third: see ``named_share``
    "centre": ((1 / 3, 2 / 3), (1 / 3, 2 / 3)),
    "lower third": ((0, 1), (2 / 3, 1)),
}


def named_share(mass: np.ndarray, region: str) -> np.ndarray:
    """(..., h, w) mass -> (...,) share inside one of ``REGIONS``."""
    if region == "side thirds":
        return region_share(mass, (0, 1 / 3)) + region_share(mass, (2 / 3, 1))
    x, y = REGIONS[region]
    return region_share(mass, x, y)


def area_share(region: str) -> float:
    """The share a uniform map puts inside a named region (its area)."""
    return float(named_share(np.full((12, 12), 1 / 144), region))


def overlay(photo: Path, evidence: np.ndarray, scale: int = 4, alpha: float = 0.5) -> Image.Image:
    """The photo (upscaled ``scale`` times) with ``evidence`` (h, w) drawn over it as a jet overlay
    whose opacity is ``display_weights``: the strongest evidence red, none transparent."""
    from matplotlib import colormaps

    with Image.open(photo) as img:
        base = img.convert("RGB")
    size = (base.width * scale, base.height * scale)
    base = base.resize(size, Image.BICUBIC)
    weights = display_weights(evidence)
    heat = Image.fromarray((weights * 255).astype(np.uint8)).resize(size, Image.BICUBIC)
    heat = np.asarray(heat, dtype=np.float32) / 255.0  # (H, W) in [0, 1]
    colours = colormaps["jet"](heat)[..., :3]  # (H, W, 3)
    weight = (alpha * heat)[..., None]  # (H, W, 1)
    blended = np.asarray(base, dtype=np.float32) / 255.0 * (1 - weight) + colours * weight
    return Image.fromarray((blended * 255).clip(0, 255).astype(np.uint8))
