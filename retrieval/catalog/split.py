"""Deterministic train/val/test split (80/10/10) by a stable hash of the product id.

The test split is never used for training or tuning; the model and engine issues read it
from the catalogue's ``split`` column.
"""
from __future__ import annotations

import hashlib

SPLITS = ("train", "val", "test")
BOUNDS = (80, 90)  # bucket < 80: train, < 90: val, else test


def split_of(product_id: int) -> str:
    """The split of a product id; stable across machines and Python versions."""
    bucket = int(hashlib.sha1(f"fashionbot:{int(product_id)}".encode()).hexdigest()[:8], 16) % 100
    if bucket < BOUNDS[0]:
        return "train"
    return "val" if bucket < BOUNDS[1] else "test"
