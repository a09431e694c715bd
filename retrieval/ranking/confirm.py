"""Predicted article types checked against a product's own words.

A product whose catalogue article type the EI tree lacks (Rompers, Baby Dolls, Rain Jacket in a
small catalogue) has no type label, so its type comes from the model, which reads a romper as a
T-shirt and a hair colour as a lipstick. Such a product meets a type request only when its own
name or attributes name that type ("Red Rose White Nightdress" is a nightdress): the model still
ranks it, but no card claims a type the catalogue contradicts. A product the catalogue gives no
type at all (a shop's unlabelled new arrival) keeps the model's reading.
"""
from __future__ import annotations

import numpy as np

from models.tree import EITree
from retrieval.catalog.products import ProductTable, words_of


def unconfirmed_types(tree: EITree, labelled: np.ndarray, table: ProductTable) -> np.ndarray:
    """(K, N) bool: the article-type dimensions a product's catalogue type contradicts (its type is
    outside the tree, and its words do not name the tree's type)."""
    types = [nid for nid in tree.order if tree[nid].kind == "category" and tree[nid].group == "type"]
    dims = [tree.index[nid] for nid in types]
    out = np.zeros((len(tree.order), len(table)), dtype=bool)
    if not dims:
        return out
    typed = np.array([bool(t) for t in table.article_types], dtype=bool)
    outside = typed & ~labelled[:, dims].any(axis=1)  # (N,) a catalogue type the tree does not have
    for nid, dim in zip(types, dims):
        out[dim] = outside & ~_named(table, (tree[nid].name, *tree[nid].synonyms))
    return out


def _named(table: ProductTable, terms) -> np.ndarray:
    """(N,) bool: products whose words hold every word of one of the terms, in the singular or
    the plural ("jacket" names Jackets)."""
    out = np.zeros(len(table), dtype=bool)
    for term in terms:
        words = words_of(term)
        if words:
            out |= np.logical_and.reduce([table.rows_with_words(_forms(w)) for w in words])
    return out


def _forms(word: str) -> set[str]:
    return {word, word + "s", word + "es", word[:-1] if word.endswith("s") else word}
