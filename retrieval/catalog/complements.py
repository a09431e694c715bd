"""The complementarity table: which article types and colours the catalogue's own styling
advice pairs with each article type ("Team this tee with jeans and white sneakers").

``mine`` reads every product record of a catalogue in the Kaggle layout (``styles.jsonl.gz``;
no features needed), finds the advice in its description and style note with the words of
``data/styling.yaml``, and counts, per article type, the products whose advice names each
other type, and, per base colour, the colours the advice names beside it. ``fashionbot
complements mine`` writes the counts to ``data/complements.yaml``, which is reviewed and
committed; the outfit ranking (``retrieval/ranking/outfits.py``) reads it through ``Complements``.
"""
from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .ingest import read_styles_json, strip_html

DESCRIPTORS = ("description", "style_note")
MIN_COUNT = 3  # a pairing named by fewer products is left out as noise
MAX_SPAN = 160  # characters of advice read after "with"


@dataclass
class StylingWords:
    """The reviewed words of ``data/styling.yaml``."""

    advice_verbs: list[str]
    advice_objects: list[str]
    advice_phrases: list[str]
    type_words: dict[str, list[str]]
    colour_words: dict[str, list[str]]
    never: dict[str, list[str]] = field(default_factory=dict)
    neutral_colours: list[str] = field(default_factory=list)
    kids_words: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> "StylingWords":
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls(advice_verbs=raw.get("advice_verbs") or [], advice_objects=[str(w) for w in raw.get("advice_objects") or []],
                   advice_phrases=raw.get("advice_phrases") or [], type_words=raw.get("type_words") or {},
                   colour_words=raw.get("colour_words") or {}, never=raw.get("never") or {},
                   neutral_colours=[str(c) for c in raw.get("neutral_colours") or []],
                   kids_words=[str(w) for w in raw.get("kids_words") or []])

    def advice_pattern(self) -> re.Pattern:
        """Where advice starts: a verb, up to three object words, "with"; or an advice phrase."""
        verbs = "|".join(map(re.escape, self.advice_verbs))
        objects = "|".join(map(re.escape, self.advice_objects))
        phrases = "|".join(map(re.escape, self.advice_phrases))
        return re.compile(rf"\b(?:(?:{verbs})(?:\s+(?:{objects}|\w+))?(?:\s+(?:{objects}))?\s+with|{phrases})\b\s+",
                          re.IGNORECASE)


class FormMatcher:
    """Finds names in a text, longest form first, each span once (forms as whole words)."""

    def __init__(self, forms: dict[str, str]):
        ordered = sorted(forms, key=len, reverse=True)
        self.forms = forms
        self.pattern = re.compile(r"\b(" + "|".join(map(re.escape, ordered)) + r")\b") if ordered else None

    def find(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        return [self.forms[m.group(1)] for m in self.pattern.finditer(text.lower())]


def type_forms(types: set[str], words: StylingWords) -> dict[str, str]:
    """Lower-case form -> article type: each type's name (and its singular), plus the listed words."""
    forms: dict[str, str] = {}
    for name in sorted(types):
        low = name.lower()
        forms[low] = name
        if low.endswith("s") and len(low) > 4:
            forms.setdefault(low[:-1], name)
    for name, listed in words.type_words.items():
        for form in listed:
            forms[form.lower()] = name
    return forms


def colour_forms(colours: set[str], words: StylingWords) -> dict[str, str]:
    forms = {c.lower(): c for c in colours}
    for name, listed in words.colour_words.items():
        for form in listed:
            forms[form.lower()] = name
    return forms


def advice_spans(text: str, pattern: re.Pattern) -> list[str]:
    """The words after each advice start, to the end of its sentence."""
    spans = []
    for match in pattern.finditer(text):
        rest = text[match.end():match.end() + MAX_SPAN]
        spans.append(re.split(r"[.!?;]|\bfor\b|\bto\b", rest, maxsplit=1)[0])
    return spans


def _records(source: Path):
    for _, _, data in read_styles_json(source, on_error=lambda exc: None):
        kind = (data.get("articleType") or {}).get("typeName")
        if not kind:
            continue
        descriptors = data.get("productDescriptors") or {}
        text = " ".join(strip_html((descriptors.get(name) or {}).get("value")) for name in DESCRIPTORS)
        yield kind, data.get("baseColour"), text


def mine(source: Path, words: StylingWords, min_count: int = MIN_COUNT) -> dict:
    """The complementarity table of a catalogue (see the module docstring)."""
    records = list(_records(source))
    types = {kind for kind, _, _ in records}
    colours = {c for _, c, _ in records if c and c != "NA"}
    type_names, colour_names = FormMatcher(type_forms(types, words)), FormMatcher(colour_forms(colours, words))
    pattern = words.advice_pattern()
    advice: Counter = Counter()
    pairs: dict[str, Counter] = defaultdict(Counter)
    colour_pairs: dict[str, Counter] = defaultdict(Counter)
    with_advice = 0
    for kind, colour, text in records:
        spans = advice_spans(text, pattern)
        named = {t for span in spans for t in type_names.find(span)} - {kind}
        if not named:
            continue
        with_advice += 1
        advice[kind] += 1
        pairs[kind].update(named)
        if colour in colours:
            colour_pairs[colour].update({c for span in spans for c in colour_names.find(span)} - {colour})
    table = {kind: {"advice": advice[kind],
                    "pairs": {t: n for t, n in pairs[kind].most_common() if n >= min_count}}
             for kind in sorted(advice, key=lambda k: -advice[k])}
    return {"meta": {"generated_by": "fashionbot complements mine", "source": str(source.name),
                     "generated_at": time.strftime("%Y-%m-%d"), "products": len(records),
                     "with_advice": with_advice, "min_count": min_count},
            "types": {k: v for k, v in table.items() if v["pairs"]},
            "colours": {c: {o: n for o, n in counts.most_common() if n >= min_count}
                        for c, counts in sorted(colour_pairs.items()) if any(n >= min_count for n in counts.values())}}


def write(table: dict, out: Path) -> None:
    header = ("# Generated by `fashionbot complements mine` from the catalogue's styling advice (words in\n"
              "# data/styling.yaml); reviewed before commit. types: article type -> how many of its products\n"
              "# give advice naming another type, and the types named (products). colours: base colour ->\n"
              "# colours named in the advice of products of that colour (products).\n")
    out.write_text(header + yaml.safe_dump(table, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")


@dataclass
class Complements:
    """The reviewed table, as the outfit ranking reads it."""

    types: dict[str, dict]
    colours: dict[str, dict[str, int]]

    @classmethod
    def load(cls, path: Path) -> "Complements":
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls(types=raw.get("types") or {}, colours=raw.get("colours") or {})

    def partners(self, kind: str | None) -> dict[str, float]:
        """Article type -> share of the type's advice that names it (0-1), most named first."""
        entry = self.types.get(kind or "") or {}
        total = max(int(entry.get("advice") or 0), 1)
        return {t: n / total for t, n in (entry.get("pairs") or {}).items()}

    def colour_share(self, colour: str | None, other: str | None) -> float:
        """How often advice beside ``colour`` names ``other``, relative to its most named colour (0-1)."""
        counts = self.colours.get(colour or "") or {}
        return counts.get(other or "", 0) / max(counts.values()) if counts else 0.0
