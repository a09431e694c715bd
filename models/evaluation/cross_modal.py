"""Section 2 of the evaluation: cross-modal retrieval in the joint embedding space."""
from __future__ import annotations

import torch

from ..metrics import recall_at_k


def cross_modal(image_emb: torch.Tensor, text_emb: torch.Tensor) -> dict[str, float]:
    """Text-to-image and image-to-text R@1/5/10: each product's photo against every text, and
    each text against every photo (rows aligned: product i's photo matches its text i)."""
    scores = image_emb @ text_emb.T  # (N, N) images x texts
    return {f"{name}_r{k}": recall_at_k(s, k) for name, s in (("i2t", scores), ("t2i", scores.T)) for k in (1, 5, 10)}
