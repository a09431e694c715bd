"""Shoppers' everyday words (``data/shopping.yaml``, reviewed by hand): phrases that stand for
concepts ("for my husband" -> Men, "for a wedding" -> Ethnic), brand aliases and brand names
that are also common words, price words ("cheap", "cheaper") and sort orders. The engine reads
them to understand a turn and ``fashionbot bot vocab`` teaches the same words to the NLU.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from retrieval.settings import DATA_DIR

SHOPPING_FILE = DATA_DIR / "shopping.yaml"
SORTS = ("relevance", "price_asc", "price_desc", "discount")
SORT_KEYWORDS = {"discount": {"discount", "discounts", "discounted", "deal", "deals", "savings", "off", "offers"},
                 "price_asc": {"lowest", "low", "cheapest", "ascending", "cheap", "least", "increasing"},
                 "price_desc": {"highest", "high", "priciest", "descending", "expensive", "dearest", "decreasing"}}


def phrase_key(text: str) -> str:
    """Lower case, words only, single spaces: how phrases are compared."""
    return " ".join(re.findall(r"[a-z0-9&']+", str(text).lower()))


@dataclass
class Everyday:
    """An everyday phrase group: the concepts its phrases stand for (any of)."""

    entity: str
    concepts: list[str]
    phrases: list[str]


@dataclass
class ShoppingWords:
    everyday: list[Everyday] = field(default_factory=list)
    brand_aliases: dict[str, str] = field(default_factory=dict)
    ambiguous_brands: list[str] = field(default_factory=list)
    price_levels: dict[str, dict] = field(default_factory=dict)
    sort_orders: dict[str, list[str]] = field(default_factory=dict)
    sale_words: list[str] = field(default_factory=list)
    price_nouns: list[str] = field(default_factory=list)
    price_bare_moves: dict[str, dict] = field(default_factory=dict)
    price_comparatives: dict[str, set[str]] = field(default_factory=dict)  # "more budget": than those shown

    @classmethod
    def load(cls, path: Path = SHOPPING_FILE) -> "ShoppingWords":
        """Read and check the file: every sort order is known, every price word has one rule."""
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        words = cls(everyday=[Everyday(e["entity"], list(e["concepts"]), [str(p) for p in e["phrases"]])
                              for e in doc.get("everyday", [])],
                    brand_aliases={str(k): str(v) for k, v in (doc.get("brand_aliases") or {}).items()},
                    ambiguous_brands=[str(b) for b in doc.get("ambiguous_brands", [])],
                    price_levels={phrase_key(k): dict(v) for k, v in (doc.get("price_levels") or {}).items()},
                    sort_orders={k: [str(p) for p in v] for k, v in (doc.get("sort_orders") or {}).items()},
                    sale_words=[str(w) for w in doc.get("sale_words") or []],
                    price_nouns=[phrase_key(w) for w in doc.get("price_nouns") or []],
                    price_bare_moves={phrase_key(k): dict(v) for k, v in (doc.get("price_bare_moves") or {}).items()},
                    price_comparatives={k: {phrase_key(w) for w in v or []}
                                        for k, v in (doc.get("price_comparatives") or {}).items()})
        unknown = set(words.sort_orders) - set(SORTS)
        if unknown:
            raise ValueError(f"{path}: unknown sort orders {sorted(unknown)} (known: {', '.join(SORTS)})")
        return words

    def compared(self, rule: dict, before: str, after: str) -> dict:
        """The rule of a price word, said as a comparison with what was shown when a comparing word
        stands by it (``price_comparatives``: "something more budget", "budget friendlier": below
        the cheapest shown; "less premium": below too), else the rule as it is."""
        level = "below" if "below_quantile" in rule else "above" if "above_quantile" in rule else None
        if level is None:
            return rule
        words_before, words_after = phrase_key(before).split(), phrase_key(after).split()[:1]
        ending = {" ".join(words_before[-n:]) for n in (1, 2, 3) if len(words_before) >= n}  # "a bit more"
        if ending & self.price_comparatives.get("same", set()) or set(words_after) & self.price_comparatives.get("after", set()):
            return {f"{level}_shown": True}
        if ending & self.price_comparatives.get("opposite", set()):
            return {f"{'above' if level == 'below' else 'below'}_shown": True}
        return rule

    def phrase_concepts(self) -> dict[str, list[str]]:
        """phrase -> concept ids, for every everyday phrase."""
        return {phrase_key(p): group.concepts for group in self.everyday for p in group.phrases}

    def sort_of(self, text: str) -> str | None:
        """The sort order a phrase names ("cheapest first" -> price_asc), or a sort id itself;
        words not listed are read by their keywords ("lowest first": ascending price)."""
        key = phrase_key(text).replace(" ", "_")
        if key in SORTS:
            return key
        key = phrase_key(text)
        for order, phrases in self.sort_orders.items():
            if key in {phrase_key(p) for p in phrases}:
                return order
        words = set(key.split())
        for order, keywords in SORT_KEYWORDS.items():
            if words & keywords:
                return order
        return None

    @property
    def sale_pattern(self) -> str:
        """A regex of the sale words, longest first."""
        words = sorted((phrase_key(w) for w in self.sale_words), key=len, reverse=True)
        return r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b" if words else r"(?!x)x"

    def price_level(self, text: str) -> dict | None:
        """The rule of a price word ("cheap" -> {below_quantile: 0.25}), or None."""
        return self.price_levels.get(phrase_key(text))

    @cached_property
    def _bare_price_patterns(self) -> tuple[re.Pattern, re.Pattern] | None:
        """(a price noun, a bare comparative ending a clause), compiled once; None without the lists."""
        if not self.price_nouns or not self.price_bare_moves:
            return None
        nouns = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in self.price_nouns) + r")\b")
        moves = "|".join(re.escape(m) for m in self.price_bare_moves)
        ends = r"(?:\s+(?:please|pls|plz|one|ones|options?|side|than (?:those|these|that|this)|price wise|pricewise" \
               r"|if possible|thanks|thank you|that'?d be (?:great|nice|good|ideal)|that would be (?:great|nice|good|ideal)))*"
        return nouns, re.compile(rf"\b({moves}){ends}\s*(?:[?.!,;]|$)")

    def bare_price_move(self, text: str) -> dict | None:
        """The rule of a bare comparative ending a clause of a turn that names the price ("the
        price, anything lower?", "a bit less price wise"), else None."""
        lowered, patterns = str(text).lower(), self._bare_price_patterns
        if patterns is None or not patterns[0].search(lowered):
            return None
        match = patterns[1].search(lowered)
        return dict(self.price_bare_moves[match.group(1)]) if match else None

