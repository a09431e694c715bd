"""What the engine hands to the model library for training and evaluation: the catalogue's
products as plain records (``models/data.py``) and their cached backbone features.

``models/`` never opens the SQL catalogue; the CLI reads it here.
"""
from __future__ import annotations

from models.data import LabelledProduct, ProductSet
from models.tree import EITree


def labelled_products(products, tree: EITree, fingerprint: str | None) -> ProductSet:
    """Records of catalogue products (ORM rows or anything with their fields), labelled with
    ``tree.labels``, ascending ids."""
    return ProductSet(tuple(LabelledProduct(id=p.id, split=p.split, labels=frozenset(tree.labels(p)), text=p.text,
                                            image_path=p.image_path)
                            for p in sorted(products, key=lambda p: p.id)), fingerprint)


def training_inputs(engine) -> tuple[ProductSet, object]:
    """The whole catalogue as records and its backbone features (extracted on first use)."""
    products = labelled_products(engine.catalog.products(), engine.tree, engine.catalog.fingerprint)
    return products, engine.features(products.products)
