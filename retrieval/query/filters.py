"""Hard filters of a query: price range, brands in / not in, sizes offered, on sale.

The interpretable ranking stays the paper's: filters only narrow what it ranks. Each filter
gives a row mask over the indexed products (``ProductTable``), says in words what it asks
("under ₹1,000", "from Nike or Puma") and, per product, how the product meets it ("₹799,
within your ₹1,000").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from retrieval.catalog.brands import BrandIndex
from retrieval.catalog.money import rupees
from retrieval.catalog.products import ProductTable
from retrieval.catalog.sizes import display_size, size_key


@dataclass
class Filters:
    """What every shown product must satisfy (brands and sizes by their comparable keys)."""

    price_min: float | None = None  # INR paid, inclusive
    price_max: float | None = None
    brands: list[str] = field(default_factory=list)  # any of these brands
    not_brands: list[str] = field(default_factory=list)  # none of these
    sizes: list[str] = field(default_factory=list)  # offered in any of these sizes
    on_sale: bool = False  # discounted only

    def is_empty(self) -> bool:
        return self == Filters()

    def to_dict(self) -> dict:
        return asdict(self)

    def active(self) -> list[str]:
        """Names of the filters in use: price, brand, not_brand, size, sale."""
        names = []
        if self.price_min is not None or self.price_max is not None:
            names.append("price")
        for name, used in (("brand", self.brands), ("not_brand", self.not_brands), ("size", self.sizes),
                           ("sale", self.on_sale)):
            if used:
                names.append(name)
        return names

    def without(self, name: str) -> "Filters":
        """A copy with one filter (by its name in ``active``) removed."""
        out = Filters(**asdict(self))
        if name == "price":
            out.price_min = out.price_max = None
        elif name == "brand":
            out.brands = []
        elif name == "not_brand":
            out.not_brands = []
        elif name == "size":
            out.sizes = []
        elif name == "sale":
            out.on_sale = False
        return out

    # ------------------------------------------------------------------ masks
    def mask(self, table: ProductTable, name: str) -> np.ndarray:
        """(N,) bool: the rows one active filter lets through."""
        if name == "price":
            price = np.nan_to_num(table.price, nan=-1.0)
            keep = price >= (self.price_min if self.price_min is not None else 0.0)
            if self.price_max is not None:
                keep &= price <= self.price_max
            return keep & ~np.isnan(table.price)
        if name in ("brand", "not_brand"):
            codes = [table.brand_keys.index(k) for k in (self.brands if name == "brand" else self.not_brands)
                     if k in table.brand_keys]
            hit = np.isin(table.brand_codes, codes)
            return hit if name == "brand" else ~hit
        if name == "size":
            return table.rows_with_sizes(self.sizes)
        if name == "sale":
            return table.discount() > 0
        raise ValueError(f"unknown filter {name!r}")

    def masks(self, table: ProductTable) -> dict[str, np.ndarray]:
        return {name: self.mask(table, name) for name in self.active()}

    # ------------------------------------------------------------------ words
    def describe(self, brands: BrandIndex) -> list[dict]:
        """Each active filter in words: [{"filter": "price", "text": "under ₹1,000"}, ...]."""
        out = []
        if self.price_min is not None and self.price_max is not None:
            out.append({"filter": "price", "text": f"between {rupees(self.price_min)} and {rupees(self.price_max)}"})
        elif self.price_max is not None:
            out.append({"filter": "price", "text": f"under {rupees(self.price_max)}"})
        elif self.price_min is not None:
            out.append({"filter": "price", "text": f"over {rupees(self.price_min)}"})
        if self.brands:
            out.append({"filter": "brand", "text": "from " + " or ".join(brands.name(b) for b in self.brands)})
        if self.not_brands:
            out.append({"filter": "not_brand", "text": "not from " + " or ".join(brands.name(b) for b in self.not_brands)})
        if self.sizes:
            out.append({"filter": "size", "text": "in size " + " or ".join(_size_words(self.sizes))})
        if self.on_sale:
            out.append({"filter": "sale", "text": "on sale"})
        return out

    def explain(self, table: ProductTable, row: int, brands: BrandIndex) -> list[dict]:
        """How one product meets each active filter: [{"filter": "price", "text": "₹799, within your
        ₹1,000", "met": True}]. A closest product shown when nothing meets them all may miss one
        ("₹749, over your ₹600", met False)."""
        out = []
        price, listed = float(table.price[row]), float(table.list_price[row])
        if "price" in self.active() and not np.isnan(price):
            over = self.price_max is not None and price > self.price_max
            under = self.price_min is not None and price < self.price_min
            if over:
                text = f"{rupees(price)}, over your {rupees(self.price_max)}"
            elif under:
                text = f"{rupees(price)}, below {rupees(self.price_min)}"
            elif self.price_max is not None and self.price_min is not None:
                text = f"{rupees(price)}, within {rupees(self.price_min)} to {rupees(self.price_max)}"
            elif self.price_max is not None:
                text = f"{rupees(price)}, within your {rupees(self.price_max)}"
            else:
                text = f"{rupees(price)}, above {rupees(self.price_min)}"
            out.append({"filter": "price", "text": text, "met": not (over or under)})
        if self.brands and table.brands[row]:
            out.append({"filter": "brand", "text": table.brands[row],
                        "met": table.brand_keys[int(table.brand_codes[row])] in self.brands})
        if self.not_brands:
            out.append({"filter": "not_brand", "text": f"{table.brands[row] or 'no brand'}, not "
                        + " or ".join(brands.name(b) for b in self.not_brands), "met": True})
        if self.sizes:
            offered = [s for s in table.sizes[row] if size_key(s) in self.sizes]
            out.append({"filter": "size", "text": f"size {', '.join(offered)} offered" if offered
                        else "not in your size", "met": bool(offered)})
        if self.on_sale:
            if listed > price:
                out.append({"filter": "sale", "text": f"on sale, {round(100 * (1 - price / listed))}% off", "met": True})
            else:
                out.append({"filter": "sale", "text": "not on sale", "met": False})
        return out


def _size_words(keys: list[str]) -> list[str]:
    """Size keys as a shopper said them: the UK/US/EU readings of one number count once."""
    numbers = {k[2:] for k in keys if k[:2] in ("UK", "US", "EU")}
    plain = [k for k in keys if not (k[:2] in ("UK", "US", "EU") and k[2:] in numbers and k[2:] in keys)]
    return [display_size(k) for k in plain]
