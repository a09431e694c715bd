"""The products' scalar attributes an index may filter on, and a filter over them.

A vector database filters inside its search (Milvus: a boolean expression over scalar fields),
so a shopper's hard filters need not travel as a list of allowed ids. ``ScalarFilter`` is the
part of a query that such an index can evaluate itself: price range, brands in / not in, sizes
offered, category, on sale. ``expression`` writes it in Milvus's filter language and ``mask``
evaluates the same rule over the attribute columns, so the two can be checked against each
other (and against the engine's masks in ``retrieval/query/filters.py``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from models.tree import EITree
from retrieval.catalog.products import ProductTable
from retrieval.query.filters import Filters

NO_PRICE = -1.0  # stored price of a product without one: no price filter lets it through


@dataclass
class Attributes:
    """Row-aligned scalar columns of the indexed products."""

    price: np.ndarray  # (N,) float32 INR paid, NO_PRICE when unknown
    brand: list[str]  # brand key ("" without a brand)
    sizes: list[list[str]]  # size keys offered
    categories: list[list[str]]  # category concepts the product confidently belongs to (its path)
    sale: np.ndarray  # (N,) bool: discounted

    def __len__(self) -> int:
        return len(self.price)

    def rows(self, start: int, stop: int) -> list[dict]:
        """Rows [start, stop) as Milvus entities (without id and vector)."""
        return [{"price": float(self.price[i]), "brand": self.brand[i], "sizes": self.sizes[i],
                 "categories": self.categories[i], "sale": bool(self.sale[i])} for i in range(start, stop)]

    @classmethod
    def empty(cls, n: int) -> "Attributes":
        """``n`` rows that no filter lets through but an empty one."""
        return cls(price=np.full(n, NO_PRICE, dtype=np.float32), brand=[""] * n, sizes=[[] for _ in range(n)],
                   categories=[[] for _ in range(n)], sale=np.zeros(n, dtype=bool))

    def capacities(self) -> dict[str, int]:
        """Array fields' capacities for a Milvus schema: room for twice the longest list (64 at least)."""
        return {name: min(4096, max(64, 2 * max((len(v) for v in column), default=0)))
                for name, column in (("sizes", self.sizes), ("categories", self.categories))}

    def concat(self, other: "Attributes") -> "Attributes":
        return Attributes(price=np.concatenate([self.price, other.price]), brand=self.brand + other.brand,
                          sizes=self.sizes + other.sizes, categories=self.categories + other.categories,
                          sale=np.concatenate([self.sale, other.sale]))

    def take(self, rows: np.ndarray) -> "Attributes":
        return Attributes(price=self.price[rows], brand=[self.brand[i] for i in rows],
                          sizes=[self.sizes[i] for i in rows], categories=[self.categories[i] for i in rows],
                          sale=self.sale[rows])


def product_attributes(table: ProductTable, concept_probs: np.ndarray, tree: EITree,
                       threshold: float = 0.5) -> Attributes:
    """The scalar columns of a product table (rows aligned with ``concept_probs`` (N, K)): a
    product belongs to each category concept whose probability reaches ``threshold``, the
    rule the ranker's category requests use (``Ranker.has_concepts``)."""
    sizes: list[list[str]] = [[] for _ in range(len(table))]
    for key, rows in sorted(table.size_rows.items()):
        for row in rows:
            sizes[row].append(key)
    return Attributes(price=np.nan_to_num(table.price, nan=NO_PRICE).astype(np.float32),
                      brand=[table.brand_keys[c] if c >= 0 else "" for c in table.brand_codes.tolist()],
                      sizes=sizes, categories=confident_categories(concept_probs, tree, threshold),
                      sale=table.discount() > 0)


def confident_categories(concept_probs: np.ndarray, tree: EITree, threshold: float = 0.5) -> list[list[str]]:
    """Per product (rows of ``concept_probs`` (N, K)), the category concepts it reaches ``threshold`` in."""
    category_dims = np.array([tree.index[nid] for nid in tree.order if tree[nid].kind == "category"])
    category_ids = np.array([tree.order[d] for d in category_dims])
    confident = concept_probs[:, category_dims] >= threshold  # (N, C)
    return [category_ids[row].tolist() for row in confident]


@dataclass
class ScalarFilter:
    """What every searched product must satisfy, in terms an index can evaluate itself."""

    price_min: float | None = None  # INR paid, inclusive
    price_max: float | None = None
    brands: list[str] = field(default_factory=list)  # brand keys: any of these
    not_brands: list[str] = field(default_factory=list)  # none of these
    sizes: list[str] = field(default_factory=list)  # size keys: offered in any of these
    categories: list[str] = field(default_factory=list)  # category concepts: in any of these
    on_sale: bool = False

    @classmethod
    def from_filters(cls, filters: Filters, categories: list[str] = ()) -> "ScalarFilter":
        """A query's hard filters (``Filters``), plus an optional category request."""
        return cls(price_min=filters.price_min, price_max=filters.price_max, brands=list(filters.brands),
                   not_brands=list(filters.not_brands), sizes=list(filters.sizes), categories=list(categories),
                   on_sale=filters.on_sale)

    def is_empty(self) -> bool:
        return self == ScalarFilter()

    def expression(self) -> str:
        """The filter in Milvus's boolean expression language ("" when empty)."""
        terms = []
        if self.price_min is not None or self.price_max is not None:
            terms.append(f"price >= {float(self.price_min or 0.0)!r}")
            if self.price_max is not None:
                terms.append(f"price <= {float(self.price_max)!r}")
        if self.brands:
            terms.append(f"brand in {_strings(self.brands)}")
        if self.not_brands:
            terms.append(f"brand not in {_strings(self.not_brands)}")
        if self.sizes:
            terms.append(f"array_contains_any(sizes, {_strings(self.sizes)})")
        if self.categories:
            terms.append(f"array_contains_any(categories, {_strings(self.categories)})")
        if self.on_sale:
            terms.append("sale == true")
        return " and ".join(f"({t})" for t in terms)

    def mask(self, attributes: Attributes) -> np.ndarray:
        """(N,) bool: the rows the filter lets through, evaluated in memory."""
        keep = np.ones(len(attributes), dtype=bool)
        if self.price_min is not None or self.price_max is not None:
            keep &= attributes.price >= (self.price_min or 0.0)
            if self.price_max is not None:
                keep &= attributes.price <= self.price_max
        if self.brands:
            keep &= np.isin(attributes.brand, self.brands)
        if self.not_brands:
            keep &= ~np.isin(attributes.brand, self.not_brands)
        for wanted, column in ((self.sizes, attributes.sizes), (self.categories, attributes.categories)):
            if wanted:
                wanted = set(wanted)
                keep &= np.array([not wanted.isdisjoint(values) for values in column], dtype=bool)
        if self.on_sale:
            keep &= attributes.sale
        return keep


def _strings(values) -> str:
    """A list literal of strings (JSON's quoting is what Milvus reads)."""
    return json.dumps(sorted(set(values)))
