"""Product representations for the index: concept probabilities plus joint embeddings.

Catalogue labels, where a product has them, are certain evidence: they replace the predicted
conditional probabilities of their groups (the labelled value gets 1, its exclusive siblings
0), and the path products are recomputed, so unlabelled groups keep their predictions but
scaled by the now-certain category path. ``hide_labels`` keeps the model's predictions only
(the paper-style evaluation on untagged products).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.tree import EITree


@dataclass
class ProductVectors:
    """Row-aligned arrays of every indexed product."""

    ids: np.ndarray  # (N,) int64, ascending
    concept_probs: np.ndarray  # (N, K) float32: P(concept), labels applied unless hidden
    emb: np.ndarray  # (N, D) float32: unit joint embedding (image + text)
    labelled: np.ndarray  # (N, K) bool: the concept's value is known from the catalogue

    def rows(self, ids) -> np.ndarray:
        """Row positions of product ids (KeyError for unknown ids)."""
        ids = np.asarray(ids, dtype=np.int64)
        pos = np.searchsorted(self.ids, ids)
        pos = np.clip(pos, 0, len(self.ids) - 1)
        if len(ids) and not np.all(self.ids[pos] == ids):
            missing = ids[self.ids[pos] != ids]
            raise KeyError(f"not indexed: {missing[:5].tolist()}")
        return pos

    def save(self, path: Path) -> None:
        np.savez(path, ids=self.ids, concept_probs=self.concept_probs, emb=self.emb,
                 labelled=np.packbits(self.labelled, axis=1), k=self.concept_probs.shape[1])

    @classmethod
    def load(cls, path: Path) -> "ProductVectors":
        data = np.load(path)
        k = int(data["k"])
        return cls(ids=data["ids"], concept_probs=data["concept_probs"], emb=data["emb"],
                   labelled=np.unpackbits(data["labelled"], axis=1)[:, :k].astype(bool))

    def merged(self, other: "ProductVectors", drop: set[int] = frozenset()) -> "ProductVectors":
        """These rows (less ``drop`` and those ``other`` replaces) plus ``other``'s, sorted by id."""
        keep = ~np.isin(self.ids, np.concatenate([other.ids, np.fromiter(drop, dtype=np.int64)]))
        ids = np.concatenate([self.ids[keep], other.ids])
        order = np.argsort(ids)
        return ProductVectors(ids=ids[order],
                              concept_probs=np.concatenate([self.concept_probs[keep], other.concept_probs])[order],
                              emb=np.concatenate([self.emb[keep], other.emb])[order],
                              labelled=np.concatenate([self.labelled[keep], other.labelled])[order])


def path_probs(tree: EITree, cond: np.ndarray) -> np.ndarray:
    """(N, K) conditional probabilities -> (N, K) path products, parents before children."""
    probs = cond.copy()
    parent = np.asarray(tree.parent_index)
    depth = np.asarray(tree.depth)
    for level in range(1, depth.max() + 1):
        dims = np.flatnonzero(depth == level)
        probs[:, dims] = probs[:, parent[dims]] * cond[:, dims]
    return probs


def apply_labels(tree: EITree, cond: np.ndarray, label_sets: list[set[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Override conditionals with catalogue labels; returns (probs, labelled mask)."""
    cond = cond.copy()
    labelled = np.zeros(cond.shape, dtype=bool)
    index = tree.index
    for row, labels in enumerate(label_sets):
        for cid in labels:
            node = tree[cid]
            siblings = [s.id for s in tree.exclusive_siblings(cid)]
            if not siblings and node.kind == "value":  # an independent tag: its facet's other tags are known absent
                siblings = [c for c in tree[node.parent].children if c != cid]
            dims = [index[s] for s in siblings]
            cond[row, dims] = 0.0
            cond[row, index[cid]] = 1.0
            labelled[row, dims + [index[cid]]] = True
    return path_probs(tree, cond), labelled


def embed_products(model, tree: EITree, features, label_sets: list[set[str]] | None) -> ProductVectors:
    """Representations of the products in a FeatureSet from image + text; labels applied when
    ``label_sets`` (row-aligned with ``features.ids``) is given."""
    rep = model.represent(image_maps=features.image_maps, image_colour=features.image_colour, text=features.text)
    cond = np.exp(rep["concept_cond_log_probs"].numpy()).astype(np.float32)
    if label_sets is None:
        probs, labelled = rep["concept_probs"].numpy().astype(np.float32), np.zeros(cond.shape, dtype=bool)
    else:
        probs, labelled = apply_labels(tree, cond, label_sets)
    return ProductVectors(ids=np.asarray(features.ids, dtype=np.int64), concept_probs=probs.astype(np.float32),
                          emb=rep["emb"].numpy().astype(np.float32), labelled=labelled)
