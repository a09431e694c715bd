"""Colours in CIELAB (``data/colours.yaml``): shoppers' shades read as the nearest catalogue
colours, and the catalogue colours ordered by lightness (L*) and colourfulness (chroma).

Nothing is mapped per phrase: "dark green" is green's swatch moved by the "dark" modifier, then
the catalogue colours closest to it (CIE76 distance) are its reading; "darker than navy blue"
is the catalogue colours of lower L* nearest to navy blue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import yaml

NEAR_RATIO = 1.35  # a second colour is taken when it is within this factor of the nearest's distance
MAX_READINGS = 2  # catalogue colours one shade reads as
LIGHTNESS_WEIGHT = 0.5  # L* differences count half in a shade's reading (hue matters more, as in CMC 2:1)
LIGHTNESS_STEP = 5.0  # L* units one "darker"/"lighter" step must move at least
CHROMA_STEP = 10.0  # chroma units one "more colourful" step must move at least
SHADE_REACH = 50.0  # a chromatic shade also reads as the colours within this distance + hue angle (degrees)
MAX_SHADES = 4  # at most this many catalogue colours for one shade ("lilac": Lavender, Purple, Mauve)
LIGHTNESS_REACH = 30.0  # L* units a shade's further readings may lie from it
SAME_COLOUR = 3.0  # a shade this close to a catalogue colour's swatch is that colour alone
NEUTRAL_CHROMA = 12.0  # below this chroma a colour is a neutral (black, grey, white, charcoal)


def srgb_to_lab(hex_colour: str) -> np.ndarray:
    """(3,) CIELAB (D65) of an sRGB hex colour: the standard sRGB -> XYZ -> L*a*b* formulas."""
    rgb = np.array([int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


RANGES = ("lightness", "chroma", "hue")  # what a family's ranges bound


@dataclass
class ColourSpace:
    """The catalogue's colours and shoppers' shades in CIELAB."""

    catalogue: dict[str, np.ndarray]  # catalogue colour name -> Lab of its typical swatch
    shades: dict[str, np.ndarray]  # shade word -> Lab
    modifiers: dict[str, tuple[float, float]]  # word -> (dL, chroma factor)
    swatches: dict[str, list[np.ndarray]] = field(default_factory=dict)  # name -> every swatch it covers
    families: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)  # "pastels" -> ranges
    before_product: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)  # "dark" (tees) -> ranges

    @classmethod
    def load(cls, path: Path) -> "ColourSpace":
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        swatches = {str(k): [srgb_to_lab(str(h)) for h in (v if isinstance(v, list) else [v])]
                    for k, v in (doc.get("catalogue") or {}).items()}
        shades = {_key(k): srgb_to_lab(str(v)) for k, v in (doc.get("shades") or {}).items()}
        modifiers = {_key(k): (float(v.get("dL", 0)), float(v.get("chroma", 1)))
                     for k, v in (doc.get("modifiers") or {}).items()}
        ranges = lambda spec: {k: (float(v[0]), float(v[1])) for k, v in spec.items() if k in RANGES}  # noqa: E731
        specs = (doc.get("families") or {}).values()
        families = {_key(word): ranges(spec) for spec in specs for word in spec.get("words") or []}
        before = {_key(word): ranges(spec) for spec in specs for word in spec.get("before_product") or []}
        return cls({name: labs[0] for name, labs in swatches.items()}, shades, modifiers, swatches, families, before)

    @cached_property
    def _by_key(self) -> dict[str, np.ndarray]:
        """Catalogue colours by their phrase key ("navy blue"), built once: every word of every turn is looked up."""
        return {_key(n): lab for n, lab in self.catalogue.items()}

    def _near(self, name: str, lab: np.ndarray, score=None) -> float:
        """How far a catalogue colour lies from a Lab point: from the nearest of its swatches (the
        catalogue's Blue spans sky blue to royal blue)."""
        score = score or _distance
        return min(score(swatch, lab) for swatch in self.swatches.get(name) or [self.catalogue[name]])

    def lab(self, phrase: str) -> np.ndarray | None:
        """The Lab of a colour phrase: a catalogue colour or shade, after any modifier words."""
        words = _key(phrase).split()
        moves = []
        while words and words[0] in self.modifiers:
            moves.append(self.modifiers[words.pop(0)])
        base = " ".join(words)
        lab = self.shades.get(base, self._by_key.get(base))
        if lab is None:
            return None
        lab = lab.copy()
        for d_l, chroma in moves:
            lab = np.array([np.clip(lab[0] + d_l, 0, 100), lab[1] * chroma, lab[2] * chroma])
        return lab

    def is_catalogue(self, phrase: str) -> bool:
        return _key(phrase) in self._by_key

    def nearest(self, lab: np.ndarray, names: list[str] | None = None, limit: int | None = None) -> list[str]:
        """The catalogue colours nearest a Lab point: the closest, and a second one nearly as close
        (or the ``limit`` closest, nearest first)."""
        pool = [n for n in (names or self.catalogue) if n in self.catalogue]
        if not pool:
            return []
        dist = np.array([self._near(n, lab) for n in pool])
        order = np.argsort(dist)
        if limit is not None:
            return [pool[i] for i in order[:limit]]
        best = max(float(dist[order[0]]), 1.0)
        return [pool[i] for i in order[:MAX_READINGS] if dist[i] <= best * NEAR_RATIO]

    def around(self, name: str, limit: int = 6) -> list[str]:
        """The catalogue colours nearest to one of them, nearest first; for a colourful one, by
        distance and hue together, neutrals last (no Grey for Turquoise Blue while a blue is near)."""
        lab = self.catalogue[name]
        others = [n for n in self.catalogue if n != name]
        if float(np.hypot(lab[1], lab[2])) < NEUTRAL_CHROMA:
            return self.nearest(lab, others, limit=limit)
        neutral = lambda n: float(np.hypot(*self.catalogue[n][1:])) < NEUTRAL_CHROMA  # noqa: E731
        others.sort(key=lambda n: (neutral(n), _distance(self.catalogue[n], lab) + _hue_distance(lab, self.catalogue[n])))
        return others[:limit]

    def stand_ins(self, name: str, limit: int = 10) -> list[str]:
        """The catalogue colours that may stand in for a missing one, nearest first (``around``):
        the nearest always, the further ones only as light or dark as it (no Pink for Maroon)."""
        near = self.around(name, limit=limit)
        ref = self.catalogue[name]
        return near[:1] + [n for n in near[1:] if self._near(n, ref, _lightness_gap) <= LIGHTNESS_REACH]

    def family(self, phrase: str) -> list[str]:
        """The catalogue colours of a kind of colour ("pastels": Cream, Peach, Lavender ...), else []."""
        ranges = self.families.get(_key(phrase)) or self.before_product.get(_key(phrase))
        if ranges is None:
            return []
        measure = {"lightness": lambda lab: lab[0], "chroma": lambda lab: float(np.hypot(lab[1], lab[2])),
                   "hue": lambda lab: float(np.degrees(np.arctan2(lab[2], lab[1]))) % 360}
        return [name for name, lab in self.catalogue.items()
                if all(low <= measure[k](lab) <= high for k, (low, high) in ranges.items() if k in measure)]

    def read(self, phrase: str) -> list[str]:
        """The catalogue colours a shade phrase means ("wine" -> Maroon, Burgundy), else []."""
        if _key(phrase) in self.families:
            return self.family(phrase)
        lab = self.lab(phrase)
        return [] if lab is None else self.read_lab(lab)

    def blend(self, lean: str, head: str) -> np.ndarray | None:
        """The Lab of a colour leaning to another ("bluey green", "blue-green", "greenish grey"):
        two parts the head colour, one part the colour it leans to."""
        a, b = self.lab(lean), self.lab(head)
        return None if a is None or b is None else (a + 2 * b) / 3

    def read_lab(self, lab: np.ndarray) -> list[str]:
        """The catalogue colours nearest a Lab point, as ``read`` names them."""
        exact = self.nearest(lab, limit=2)
        if exact and self._near(exact[0], lab) <= SAME_COLOUR < self._near(exact[-1], lab) / 3:
            return exact[:1]  # "navy" is the catalogue's Navy Blue, and nothing else is near
        if float(np.hypot(lab[1], lab[2])) < NEUTRAL_CHROMA:
            return self.nearest(lab)
        # a colourful shade is never a neutral ("sky blue" is no Steel grey); the nearest few within reach
        pool = [n for n, c in self.catalogue.items() if float(np.hypot(c[1], c[2])) >= NEUTRAL_CHROMA]
        first = self.nearest(lab, pool, limit=1)
        score = {n: self._near(n, lab, lambda swatch, point: _distance(swatch, point) + _hue_distance(point, swatch))
                 for n in pool}
        near = sorted((n for n in pool if score[n] <= SHADE_REACH and self._near(n, lab, _lightness_gap) <= LIGHTNESS_REACH),
                      key=score.get)  # a light shade is never a dark colour ("light blue" is no Navy Blue)
        return list(dict.fromkeys(first + near))[:MAX_SHADES]

    def moved(self, name: str, order: str, direction: int, steps: int = 1, keep=lambda name: True) -> list[str]:
        """Catalogue colours darker/lighter (``lightness``) or less/more colourful (``chroma``)
        than ``name`` by at least ``steps`` steps, nearest first (at most ``MAX_READINGS``)."""
        if name not in self.catalogue:
            return []
        ref = self.catalogue[name]
        value = (lambda lab: lab[0]) if order == "lightness" else (lambda lab: float(np.hypot(lab[1], lab[2])))
        step = LIGHTNESS_STEP if order == "lightness" else CHROMA_STEP
        pool = [n for n, lab in self.catalogue.items()
                if n != name and direction * (value(lab) - value(ref)) >= step * steps and keep(n)]
        if order == "lightness":  # darker or lighter keeps the hue (a neutral stays neutral)
            pool.sort(key=lambda n: _hue_distance(ref, self.catalogue[n]))
        else:
            pool.sort(key=lambda n: _distance(self.catalogue[n], ref))
        return pool[:MAX_READINGS]

    def phrases(self) -> list[str]:
        """Every colour phrase with a modifier or a shade word (longest first), for the reader."""
        bases = list(self.shades) + [_key(n) for n in self.catalogue]
        out = list(self.shades) + [f"{m} {b}" for m in self.modifiers for b in bases] + list(self.families)
        return sorted(set(out), key=len, reverse=True)


def _distance(lab: np.ndarray, other: np.ndarray) -> float:
    """CIE76 distance with L* weighted by ``LIGHTNESS_WEIGHT``."""
    d = lab - other
    return float(np.sqrt((LIGHTNESS_WEIGHT * d[0]) ** 2 + d[1] ** 2 + d[2] ** 2))


def _hue_distance(ref: np.ndarray, lab: np.ndarray) -> float:
    """How far a colour is from a reference's hue, in degrees (neutrals: by their chroma), plus a
    little for the lightness between them."""
    chroma_ref, chroma = float(np.hypot(ref[1], ref[2])), float(np.hypot(lab[1], lab[2]))
    lightness = 0.3 * abs(float(lab[0] - ref[0]))
    if chroma_ref < NEUTRAL_CHROMA:
        return chroma + lightness
    turn = abs(np.degrees(np.arctan2(lab[2], lab[1]) - np.arctan2(ref[2], ref[1]))) % 360
    return min(turn, 360 - turn) + (60 if chroma < NEUTRAL_CHROMA else 0) + lightness


def _lightness_gap(lab: np.ndarray, other: np.ndarray) -> float:
    return abs(float(lab[0] - other[0]))


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower().replace("-", " ")))
