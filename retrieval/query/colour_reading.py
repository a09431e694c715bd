"""How a turn names colours beyond the catalogue's own names: kinds of colour ("earth tones",
"dark tees"), blends ("bluey green", "blue-green"), leaning words ("brownish", "sandy"), shades
the catalogue lacks ("wine", "sky blue", read in CIELAB by ``colours.ColourSpace``), and the words
meaning colour ("shade", "tone") blanked in a colour context. A mixin of
``understand.TurnReader``, which owns the lexicon, the resolver and the patterns made at start-up.
"""
from __future__ import annotations

import re

from .lexicon import lemmas, whole_word
from .reading import NO_READING, Reading, Term


class ColourReading:
    """The colour steps of the turn reader (see the module docstring)."""

    def _shade_term(self, phrase: str, phrase_key: str, lowered: str, start: int) -> Term | None:
        """A colour said as a leaning word ("brownish", "sandy": the colour it leans to) or as a
        shade the catalogue lacks ("wine", "sky blue": the nearest catalogue colours in CIELAB),
        else None; a shade word after a place cue is the place ("on the sand")."""
        colours = self.lexicon.colours
        stem = _ish_stem(phrase_key, colours) if colours is not None else None
        if stem is not None:  # "brownish", "reddish": the colour it leans to
            names = [stem] if colours.is_catalogue(stem) else colours.read(stem)
            ids = self._ids_of(names)
            if ids:
                return Term(phrase, "concept", ids, corrected_to=" or ".join(self.resolver.display(c) for c in ids))
        if phrase_key in self.colour_phrases and not colours.is_catalogue(phrase_key) \
                and not self._after_place_cue(lowered, start):
            names = colours.read(phrase_key)
            ids = self._ids_of(names)
            if ids:
                return Term(phrase, "concept", ids, corrected_to=" or ".join(names))
        return None

    def _colour_families(self, rest: str, out: Reading) -> str:
        """A kind of colour ("in dark shades only", "earth tones"): every catalogue colour of its
        kind, one request, read before "shades" could be a colour word or sunglasses."""
        for match in self.family_pattern.finditer(rest) if self.lexicon.colours else ():
            ids = self._ids_of(self.lexicon.colours.family(match.group()))
            if ids:
                out.terms.append(Term(match.group(), "concept", ids, start=match.start(), end=match.end(),
                                      corrected_to=" or ".join(self.resolver.display(c) for c in ids)))
                rest = self._blank(rest, match.start(), match.end())
        for match in self.family_before.finditer(rest) if self.lexicon.colours else ():
            after = re.findall(r"[a-z]+", rest[match.end():])[:2]  # "dark tees", "bright kurta sets"
            if after and any(self._names_product(" ".join(after[:n])) for n in (1, 2)):
                ids = self._ids_of(self.lexicon.colours.family(match.group()))
                out.terms.append(Term(match.group(), "concept", ids, start=match.start(), end=match.end(),
                                      corrected_to=" or ".join(self.resolver.display(c) for c in ids)))
                rest = self._blank(rest, match.start(), match.end())
        return rest

    def _ids_of(self, names) -> list[str]:
        """The concept ids of colour names (names no concept has give none)."""
        return [c for name in names for c in (self.resolver.lookup(name) or NO_READING).concepts]

    def _names_product(self, phrase: str) -> bool:
        """Whether a phrase is a product word, a shopper's ("tees") or the catalogue's ("kurtas")."""
        if self.lexicon.garment(phrase):
            return True
        return any(self.resolver.is_category(c) for form in {phrase, *lemmas(phrase)}
                   for c in (self.resolver.lookup(form) or NO_READING).concepts)

    def _colour_words(self, rest: str, lowered: str, out: Reading, category: str | None = None) -> str:
        """Words meaning colour ("shade", "tone") are blanked in a colour context: a relative
        edit or a colour named ("a darker shade" is no pair of shades); with a colour named,
        "black shades" are sunglasses, unless make-up is in hand (``shaded_products``: "skip the
        brown shades" of lipsticks; "in brown shades" is colours whatever is in hand)."""
        words = self.lexicon.colour_words
        if not words:
            return rest
        shade = any(not self._after_place_cue(lowered, m.start()) for m in self.shade_pattern.finditer(lowered))
        pointed = self.pointed_shade.search(lowered)  # "more in that shade": the colour of one shown
        if not (out.relative or shade or pointed):  # "a darker shade", "a sky blue shade"
            if not self.colour_name_pattern.search(lowered):
                return rest
            in_hand = category is not None and any(a.id in self.lexicon.shaded_products for a in self.resolver.tree.path(category))
            other = category is not None and OTHER_SHADES.search(lowered) and not {  # "other shades apart
                a.id for a in self.resolver.tree.path(category)} & set(  # from blue" of jeans: colours
                (self.resolver.lookup("shades") or NO_READING).concepts)
            if not in_hand and not other and not IN_SHADES.search(lowered):  # "lip colour in brown shades": its colours
                words = [w for w in words if not (w.endswith("s") and w[:-1] in words)]  # "a nude shade"; "black shades" are sunglasses
        for word in words:
            for match in whole_word(word).finditer(rest):
                rest = self._blank(rest, match.start(), match.end())
        return rest

    def _blends(self, rest: str, out: Reading) -> str:
        """A colour leaning to another ("bluey green", "greenish grey", "blue-green"): the catalogue
        colours nearest their blend in CIELAB, read as one request; the words are blanked."""
        colours = self.lexicon.colours
        if colours is None:
            return rest
        words = list(re.finditer(r"[a-z]+", rest))
        for first, second in zip(words, words[1:]):
            gap = rest[first.end():second.start()]
            if gap.strip() not in ("", "-"):
                continue
            lean, head = first.group(), second.group()
            stem = lean if gap.strip() == "-" and colours.lab(lean) is not None else _lean_stem(lean, colours)
            lab = colours.blend(stem, head) if stem is not None and stem != head else None
            names = colours.read_lab(lab) if lab is not None else []
            ids = self._ids_of(names)
            if ids:
                out.terms.append(Term(rest[first.start():second.end()], "concept", ids,
                                      corrected_to=" or ".join(names), start=first.start()))
                rest = self._blank(rest, first.start(), second.end())
        return rest


def _lean_stem(word: str, colours) -> str | None:
    """The colour a leaning word names ("bluey", "greenish", "reddy", "pinky"), else None."""
    for suffix in ("ish", "ey", "y"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            base = word[:-len(suffix)]
            for stem in (base, base[:-1], base + "e"):
                if colours.lab(stem) is not None:
                    return stem
    return None


OTHER_SHADES = re.compile(r"\b(?:other|different|more|similar)\s+(?:shades|tones|hues)\b")  # of the product in hand
IN_SHADES = re.compile(r"\bin\s+(?:[a-z]+\s+){1,2}(?:shades|tones|hues)\b")  # "in brown shades": colours
ISH_TAILS = ("ish", "y", "ey", "coloured", "colored", "colour", "color", "toned", "tone", "tinted")  # "jet-coloured"


def _ish_stem(word: str, colours) -> str | None:
    """The colour a "-ish" or "-y" word leans to ("brownish", "reddish", "bluish", "sandy"; written
    apart too: "lavender-ish", "charcoal-y"), else None."""
    head, _, tail = word.rpartition(" ")
    if head and " " not in head and tail in ISH_TAILS and colours.lab(head) is not None:
        return head
    if " " not in word and word.endswith("y") and len(word) >= 5 and colours.lab(word) is None \
            and colours.lab(word[:-1]) is not None:  # "sandy", "peachy", "rusty": the colour it is like
        return word[:-1]
    if " " in word or not word.endswith("ish") or len(word) < 6:
        return None
    return _lean_stem(word, colours)
