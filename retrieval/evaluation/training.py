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
                                            image_path=p.image_path, name=p.name or "", phrases=label_phrases(p))
                            for p in sorted(products, key=lambda p: p.id)), fingerprint)


def label_phrases(product) -> tuple[str, ...]:
    """Short shopper-like phrases from a product's catalogue labels (colour, article type, usage,
    gender), e.g. "navy blue shirts", "casual shirts for men"; empty without an article type."""
    kind = (product.article_type or "").strip().lower()
    if not kind:
        return ()
    colour, usage = (product.base_colour or "").strip().lower(), (product.usage or "").strip().lower()
    gender = (product.gender or "").strip().lower()
    phrases = [f"{colour} {kind}" if colour else kind]
    if usage or gender:
        phrases.append(" ".join(x for x in (usage, kind) if x) + (f" for {gender}" if gender else ""))
    return tuple(phrases)


def training_inputs(engine) -> tuple[ProductSet, object]:
    """The whole catalogue as records and its backbone features (extracted on first use)."""
    products = labelled_products(engine.catalog.products(), engine.tree, engine.catalog.fingerprint)
    return products, engine.features(products.products)


def block_maps(engine, products: ProductSet, block: int, num_threads: int = 1):
    """The catalogue's backbone activations of block ``block`` (``models/block_cache.py``),
    extracted once on first use (about 26 photos a second on one CPU thread) and cached beside
    the features."""
    from models.block_cache import extract_block_maps

    return extract_block_maps(products.products, engine.catalog.source, engine.settings.var_dir / "features", block,
                              num_threads=num_threads)
