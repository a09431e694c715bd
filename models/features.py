"""Cached backbone features: the contract between feature extraction and training.

Backbones are frozen; their outputs are computed once per (catalogue, backbone) pair and
stored under ``var/features/<key>/features.npz``. Training, evaluation and indexing read a
``FeatureSet``; only ``extract_features`` runs the backbones.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class FeatureSet:
    """Backbone features of a set of products, row-aligned with ``ids``."""

    ids: np.ndarray  # (N,) int64 product ids, ascending
    image_maps: np.ndarray  # (N, C_img, H, W) float16: last-block feature map (C_img=1280 for EfficientNet-Lite0)
    image_colour: np.ndarray  # (N, C_col) float32: colour descriptors (histogram + early-block pooled)
    text: np.ndarray  # (N, C_txt) float32: sentence embedding of name + description (384 for MiniLM)
    key: str = ""  # cache key: data fingerprint + backbone versions

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, ids) -> "FeatureSet":
        """The rows of the given product ids, in that order."""
        pos = np.searchsorted(self.ids, np.asarray(ids))
        return FeatureSet(self.ids[pos], self.image_maps[pos], self.image_colour[pos], self.text[pos], self.key)
