"""Brand names: one spelling per brand in the catalogue, and shoppers' (mis)spellings resolved.

The catalogue spells some brands several ways ("ADIDAS" 1,923 times, "Adidas" 8 times). A brand
is identified by ``brand_key`` (case and punctuation folded); it is shown in its best spelling
(``display_spellings``: mixed case wins over all capitals, then the most frequent), and the raw
spelling of each product is kept in the catalogue.

``BrandIndex.resolve`` matches a shopper's word: exactly (by key or by an alias from
``data/shopping.yaml``), as a whole word of a longer brand name ("benetton"), or as a typo with
rapidfuzz; a far or ambiguous match is never taken silently but offered as suggestions.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

SURE_SCORE = 88  # a typo at least this close (0-100), and clearly ahead of the next, is corrected
ASK_SCORE = 72  # closer than this: offered as a suggestion


def brand_key(name: str) -> str:
    """The comparable form of a brand name: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", str(name).casefold())


def display_spellings(raw_names: Iterable[str]) -> dict[str, str]:
    """raw spelling -> the one spelling shown for its brand (mixed case first, then frequency)."""
    counts = Counter(n for n in raw_names if n)
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        by_key[brand_key(name)].append(name)
    out = {}
    for names in by_key.values():
        best = max(names, key=lambda n: (not n.isupper(), counts[n], n))
        out.update({n: best for n in names})
    return out


@dataclass
class BrandMatch:
    """How a shopper's word resolved: ``key`` when sure, else ``suggestions`` (display names)."""

    term: str
    key: str | None = None
    corrected: bool = False  # a typo was corrected (the reply says so)
    suggestions: list[str] = field(default_factory=list)


class BrandIndex:
    """The catalogue's brands for look-ups: key -> display name, plus aliases."""

    def __init__(self, brands: dict[str, str], aliases: dict[str, str] | None = None,
                 ambiguous: Iterable[str] = (), reserved: Iterable[str] = ()):
        self.display = dict(brands)  # key -> display spelling
        self.aliases = {brand_key(a): brand_key(b) for a, b in (aliases or {}).items() if brand_key(b) in brands}
        self.ambiguous = {brand_key(a) for a in ambiguous}  # brands that are also common words
        self._keys = list(self.display)
        # a distinctive word of a multi-word name ("benetton") -> keys; words that name something
        # else ("reserved": concept words such as "black" of "Black Coffee") are not distinctive
        reserved = {brand_key(w) for w in reserved}
        self._words: dict[str, list[str]] = defaultdict(list)
        for key, name in self.display.items():
            words = [brand_key(w) for w in name.split()]
            if len(words) > 1:
                for word in words:
                    if len(word) >= 4 and word not in reserved:
                        self._words[word].append(key)

    def __contains__(self, key: str) -> bool:
        return key in self.display

    def name(self, key: str) -> str:
        return self.display.get(key, key)

    def exact(self, term: str) -> str | None:
        """The key a term names exactly (key, alias or a distinctive word of the name), else None."""
        key = brand_key(term)
        if key in self.display:
            return key
        if key in self.aliases:
            return self.aliases[key]
        owners = self._words.get(key, [])
        return owners[0] if len(owners) == 1 else None

    def resolve(self, term: str) -> BrandMatch:
        """Exact match, a sure typo correction, or suggestions (possibly none)."""
        match = BrandMatch(term=term)
        exact = self.exact(term)
        if exact:
            match.key = exact
            return match
        key = brand_key(term)
        if len(key) < 3:
            return match
        scored = process.extract(key, self._keys, scorer=fuzz.ratio, limit=4)
        scored = [(k, s) for k, s, _ in scored if k not in self.ambiguous or s >= 95]
        if scored and scored[0][1] >= SURE_SCORE and (len(scored) == 1 or scored[1][1] < scored[0][1] - 5):
            match.key, match.corrected = scored[0][0], True
            return match
        match.suggestions = [self.display[k] for k, s in scored if s >= ASK_SCORE]
        return match
