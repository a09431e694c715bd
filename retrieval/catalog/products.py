"""What the engine knows of each indexed product beside its vectors, row-aligned with them:
names, brands, prices, sizes and the words of its catalogue record, as arrays for filters,
explanations, cards and near-duplicate folding. Loaded once per index from the catalogue.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .brands import BrandIndex, brand_key

_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> set[str]:
    """Lower-case words of a text ("Women Striped Dress" -> {"women", "striped", "dress"})."""
    return set(_WORD.findall(str(text).lower()))


def name_key(name: str) -> str:
    """Names compared for near-duplicates: lower case, words only."""
    return " ".join(_WORD.findall(str(name).lower()))


@dataclass
class ProductTable:
    """Per-row facts of the indexed products (row i = ``ProductVectors.ids[i]``)."""

    ids: np.ndarray  # (N,) int64
    names: list[str]
    brands: list[str | None]  # display spelling
    brand_codes: np.ndarray  # (N,) int32 index into ``brand_keys`` (-1: no brand)
    brand_keys: list[str]
    price: np.ndarray  # (N,) float32 INR paid; nan when unknown
    list_price: np.ndarray  # (N,) float32 INR before discount
    sizes: list[list[str]]  # offered, as spelled in the source
    size_rows: dict[str, np.ndarray]  # size key -> rows offering it (sorted)
    word_rows: dict[str, np.ndarray]  # word of name or attributes -> rows (sorted)
    article_types: list[str | None]
    colours: list[str | None]
    genders: list[str | None] = field(default_factory=list)  # catalogue labels, for outfits
    masters: list[str | None] = field(default_factory=list)
    subs: list[str | None] = field(default_factory=list)
    usages: list[str | None] = field(default_factory=list)
    seasons: list[str | None] = field(default_factory=list)
    name_codes: np.ndarray | None = None  # (N,) int: rows with the same normalised name share a code
    kind_codes: np.ndarray | None = None  # (N,) int: same brand, article type and colour (-1: no brand)

    def __post_init__(self):
        if self.name_codes is None:
            names: dict[str, int] = {}
            self.name_codes = np.array([names.setdefault(name_key(n), len(names)) for n in self.names], dtype=np.int64)
        if self.kind_codes is None:
            kinds: dict[tuple, int] = {}
            self.kind_codes = np.array([kinds.setdefault((b, t, c), len(kinds)) if b >= 0 else -1 for b, t, c in
                                        zip(self.brand_codes.tolist(), self.article_types, self.colours)],
                                       dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_facts(cls, facts: dict[str, list], ids: np.ndarray) -> "ProductTable":
        """The rows of ``ids`` (the index's order) from ``Catalog.facts()``; a product missing
        from the catalogue gets empty facts."""
        position = {pid: i for i, pid in enumerate(facts["id"])}
        rows = [position.get(int(pid)) for pid in ids]

        def column(name: str, default=None) -> list:
            values = facts[name]
            return [values[r] if r is not None else default for r in rows]

        def optional(name: str) -> list:
            return column(name) if name in facts else [None] * len(rows)

        brands = column("brand")
        brand_keys = sorted({brand_key(b) for b in brands if b})
        code_of = {k: i for i, k in enumerate(brand_keys)}
        size_rows: dict[str, list[int]] = defaultdict(list)
        for row, keys in enumerate(column("size_keys", [])):
            for key in keys:
                size_rows[key].append(row)
        word_rows: dict[str, list[int]] = defaultdict(list)
        for row, (name, attrs) in enumerate(zip(column("name", ""), column("attribute_text", ""))):
            for word in words_of(f"{name} {attrs}"):
                word_rows[word].append(row)
        as_float = lambda name: np.array([np.nan if v is None else v for v in column(name)],  # noqa: E731
                                         dtype=np.float32)
        return cls(ids=np.asarray(ids, dtype=np.int64), names=column("name", ""), brands=brands,
                   brand_codes=np.array([code_of[brand_key(b)] if b else -1 for b in brands], dtype=np.int32),
                   brand_keys=brand_keys, price=as_float("price"), list_price=as_float("list_price"),
                   sizes=column("sizes", []), size_rows={k: np.asarray(v) for k, v in size_rows.items()},
                   word_rows={k: np.asarray(v) for k, v in word_rows.items()},
                   article_types=column("article_type"), colours=column("base_colour"),
                   genders=optional("gender"), masters=optional("master_category"), subs=optional("sub_category"),
                   usages=optional("usage"), seasons=optional("season"))

    def brand_index(self, aliases: dict[str, str] | None = None, ambiguous=(), reserved=()) -> BrandIndex:
        """The brands of these products, for resolving shoppers' words (``reserved``: words that
        name other things and never stand for a brand on their own)."""
        display = {}
        for name in self.brands:
            if name:
                display.setdefault(brand_key(name), name)
        return BrandIndex(display, aliases, ambiguous, reserved)

    def discount(self) -> np.ndarray:
        """(N,) share off the list price, 0 when not discounted."""
        with np.errstate(invalid="ignore", divide="ignore"):
            off = 1.0 - self.price / self.list_price
        return np.nan_to_num(np.clip(off, 0.0, 1.0)).astype(np.float32)

    def rows_with_words(self, words: set[str]) -> np.ndarray:
        """(N,) bool: rows whose name or attribute values contain any of the words."""
        return self._rows_with(self.word_rows, words)

    def rows_with_sizes(self, keys: list[str]) -> np.ndarray:
        """(N,) bool: rows offering any of the size keys."""
        return self._rows_with(self.size_rows, keys)

    def _rows_with(self, index: dict, keys) -> np.ndarray:
        """(N,) bool: rows that an inverted index (key -> rows) lists under any of the keys."""
        mask = np.zeros(len(self.ids), dtype=bool)
        for key in keys:
            rows = index.get(key)
            if rows is not None:
                mask[rows] = True
        return mask
