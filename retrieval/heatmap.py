"""Concept heatmaps: a coarse evidence map drawn over the product photo."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from PIL import Image


def overlay(photo: Path, evidence: np.ndarray, scale: int = 4, alpha: float = 0.5) -> Image.Image:
    """The photo (upscaled ``scale`` times) with ``evidence`` (h, w) as a jet overlay; the
    strongest evidence is red, none is transparent."""
    with Image.open(photo) as img:
        base = img.convert("RGB")
    size = (base.width * scale, base.height * scale)
    base = base.resize(size, Image.BICUBIC)
    span = float(evidence.max() - evidence.min())
    norm = (evidence - evidence.min()) / span if span > 1e-9 else np.zeros_like(evidence)
    heat = Image.fromarray((norm * 255).astype(np.uint8)).resize(size, Image.BICUBIC)
    heat = np.asarray(heat, dtype=np.float32) / 255.0  # (H, W) in [0, 1]
    colours = colormaps["jet"](heat)[..., :3]  # (H, W, 3)
    weight = (alpha * heat)[..., None]  # (H, W, 1): transparent where there is no evidence
    blended = np.asarray(base, dtype=np.float32) / 255.0 * (1 - weight) + colours * weight
    return Image.fromarray((blended * 255).clip(0, 255).astype(np.uint8))
