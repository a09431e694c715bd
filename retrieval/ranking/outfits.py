"""Complete the look: products of complementary article types for a reference product.

Candidates are the article types the catalogue's own styling advice pairs with the reference's
type (``data/complements.yaml``, mined by ``fashionbot complements mine``), for the same gender
or unisex, never of the reference's sub-category and never what ``data/styling.yaml`` rules out
(innerwear, personal care, free gifts). Each candidate scores by

- how often the advice names its type beside the reference's (the share of that type's advice);
- colour compatibility: the advice names its colour beside the reference's colour (mined), or
  it is a neutral colour, or the same colour;
- the same usage (casual, formal, ethnic ...) and season as the reference;
- a price near the reference's (log ratio), so a ₹500 tee is not dressed with a ₹9,000 watch.

The look takes the best product of each paired type in turn, most-paired types first, so it
spreads over types; every item says why (which pairing and which colours).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.catalog.complements import Complements, StylingWords
from retrieval.catalog.products import words_of

TYPE_WEIGHT, COLOUR_WEIGHT, USAGE_WEIGHT, SEASON_WEIGHT, PRICE_WEIGHT = 2.0, 1.0, 0.8, 0.3, 0.4
MAX_TYPES = 8  # paired types considered, most named first
GENDERS = {"Men": {"Men", "Unisex"}, "Women": {"Women", "Unisex"}, "Boys": {"Boys", "Unisex"},
           "Girls": {"Girls", "Unisex"}, "Unisex": {"Men", "Women", "Unisex"}}


@dataclass
class LookItem:
    row: int
    score: float
    reason: dict


class OutfitMaker:
    """Looks around indexed products (rows of a ``ProductTable``)."""

    def __init__(self, table, complements: Complements, words: StylingWords):
        self.table, self.complements, self.words = table, complements, words
        self.never_master = set(words.never.get("master") or [])
        self.never_sub = set(words.never.get("sub") or [])
        self.neutral = set(words.neutral_colours)
        self._types = np.array([t or "" for t in table.article_types], dtype=object)
        kids = set(words.kids_words)
        self._kids = np.array([bool(words_of(name) & kids) for name in table.names], dtype=bool)

    def allowed(self, row: int) -> np.ndarray:
        """(N,) bool: products that may go with the reference at ``row`` (gender, category rules)."""
        table = self.table
        genders = GENDERS.get(table.genders[row] or "", None)
        sub = table.subs[row]
        ok = np.array([(genders is None or g in genders) and m not in self.never_master and s not in self.never_sub
                       and s != sub for g, m, s in zip(table.genders, table.masters, table.subs)], dtype=bool)
        if table.genders[row] in ("Men", "Women", "Unisex") and not self._kids[row]:
            ok &= ~self._kids
        return ok & ~np.isnan(table.price)

    def colour_score(self, colour: str | None, other: str | None) -> tuple[float, str | None]:
        """(0-1, why) how well ``other`` goes with ``colour``."""
        share = self.complements.colour_share(colour, other)
        if share > 0:
            return 0.6 + 0.4 * share, "advice"
        if other in self.neutral:
            return 0.5, "neutral"
        if other and other == colour:
            return 0.3, "same"
        return 0.0, None

    def look(self, row: int, k: int = 5) -> list[LookItem]:
        """Up to ``k`` products completing the look of the product at ``row``, spread over types."""
        table = self.table
        partners = dict(list(self.complements.partners(table.article_types[row]).items())[:MAX_TYPES])
        if not partners:
            return []
        top_share = max(partners.values())
        mask = self.allowed(row) & np.isin(self._types, list(partners))
        rows = np.flatnonzero(mask)
        if not len(rows):
            return []
        colour, usage, season = table.colours[row], table.usages[row], table.seasons[row]
        ref_price = float(table.price[row]) if not np.isnan(table.price[row]) else None
        best: dict[str, LookItem] = {}
        for r in rows.tolist():
            kind = table.article_types[r]
            colour_part, colour_why = self.colour_score(colour, table.colours[r])
            score = TYPE_WEIGHT * partners[kind] / top_share + COLOUR_WEIGHT * colour_part
            score += USAGE_WEIGHT * (table.usages[r] == usage) + SEASON_WEIGHT * (table.seasons[r] == season)
            if ref_price:
                score -= PRICE_WEIGHT * abs(np.log(max(float(table.price[r]), 1.0) / max(ref_price, 1.0)))
            current = best.get(kind)
            if current is None or (score, -table.ids[r]) > (current.score, -table.ids[current.row]):
                best[kind] = LookItem(r, float(score), {
                    "type": kind, "pairs": self._pair_count(table.article_types[row], kind),
                    "colour": table.colours[r], "with_colour": colour, "colour_match": colour_why,
                    "usage_match": bool(table.usages[r] == usage and usage), "usage": usage})
        ordered = sorted(best.values(), key=lambda item: (-item.score, int(table.ids[item.row])))
        return ordered[:k]

    def _pair_count(self, kind: str | None, other: str) -> dict:
        entry = self.complements.types.get(kind or "") or {}
        return {"type": kind, "named": int((entry.get("pairs") or {}).get(other, 0)), "advice": int(entry.get("advice") or 0),
                "top": [t for t in list((entry.get("pairs") or {}))[:3]]}
