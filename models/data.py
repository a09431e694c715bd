"""The catalogue as the model library sees it: plain product records, handed over by the caller.

The model library never opens the SQL catalogue. ``fashionbot train`` and ``fashionbot eval``
read the products there and pass them here as ``LabelledProduct`` records (the engine's
``retrieval/evaluation/training.py``); tests build them by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LabelledProduct:
    """One catalogue product: what feature extraction reads and what training is supervised with."""

    id: int
    split: str  # train | val | test (a stable hash of the id, fixed at import)
    labels: frozenset[str]  # EI-tree concept ids (``EITree.labels``)
    text: str  # name + description: what the text backbone reads
    image_path: str | None  # the photo, relative to the catalogue folder; None without one
    name: str = ""  # the product name alone (same-name products are one another's positives)
    phrases: tuple[str, ...] = ()  # short category/colour/usage phrases built from its catalogue labels


@dataclass(frozen=True)
class ProductSet:
    """The products of one catalogue, ascending ids."""

    products: tuple[LabelledProduct, ...]
    fingerprint: str | None = None  # the catalogue's content fingerprint (recorded in model cards)

    def __len__(self) -> int:
        return len(self.products)

    def split(self, name: str, available: np.ndarray | None = None) -> list[LabelledProduct]:
        """The products of one split, ascending ids; with ``available`` (ids, e.g. those with
        cached features), only those."""
        keep = None if available is None else set(np.asarray(available).tolist())
        return [p for p in self.products if p.split == name and (keep is None or p.id in keep)]
