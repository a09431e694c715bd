"""What one turn is read into: its terms (concepts, brands, sizes, needs, each with where it was
said) and the rest of the reading (prices, sort, relative moves, references). ``understand``
makes it; the editor (``edits``) applies it to the query."""
from __future__ import annotations

from dataclasses import dataclass, field

from .lexicon import Need


@dataclass
class Term:
    """One named thing of a turn, resolved."""

    text: str  # the words as said
    kind: str  # concept | brand | size | unknown
    values: list[str] = field(default_factory=list)  # concept ids, a brand key, size keys
    exclude: bool = False
    corrected_to: str | None = None  # a typo read as this known term
    suggestions: list[str] = field(default_factory=list)  # unknown: the closest known names
    start: int | None = None
    defaults: list[str] = field(default_factory=list)  # a need's concepts used when the turn names none of their group
    need: Need | None = None
    fixed: bool = False  # its polarity is its meaning ("without sleeves"): never excluded by a negation
    end: int | None = None  # where its words end in the turn, when they are not ``text`` (an NLU entity)
    guessed: bool = False  # read as the name closest to a word the engine does not know ("skit": Skirts)

    @property
    def stop(self) -> int | None:
        """Where the term's words end in the turn (None when it has no place there)."""
        return None if self.start is None else self.end if self.end is not None else self.start + len(self.text)

    def drop_kinds(self, is_category) -> None:
        """Leave a need only its qualities: no product kind among its values or defaults (it is the
        reason for the request, not what is asked)."""
        self.values = [c for c in self.values if not is_category(c)]
        self.defaults = [c for c in self.defaults if not is_category(c)]


@dataclass
class Reading:
    """Everything a turn says, resolved."""

    terms: list[Term] = field(default_factory=list)
    price_min: float | None = None
    price_max: float | None = None
    price_words: list[dict] = field(default_factory=list)  # rules of "cheap", "cheaper" ...
    settles: bool = False  # "short sleeves is fine": what it names is accepted, not dropped
    sort: str | None = None
    on_sale: bool = False
    ordinal: int | None = None
    groups: set[str] = field(default_factory=set)  # whole groups named ("any colour")
    image_id: str | None = None
    parts: list[str] = field(default_factory=list)  # words naming a product part ("collar"), for "where is"
    leftovers: list[Term] = field(default_factory=list)  # content words nothing resolved, with close names
    relative: list[dict] = field(default_factory=list)  # {order, direction, steps, fallback, said}: "a shade darker"
    limit: tuple[str, str] | None = None  # (topic, sentence): a request the engine cannot serve
    photo: bool = False  # the turn refers to an uploaded photo ("like my photo but in red")
    about_item: bool = False  # the turn refers to a shown product ("similar to the third")
    same: set[str] = field(default_factory=set)  # groups whose reference value is kept ("the same colour")
    other: set[str] = field(default_factory=set)  # groups whose reference value is left out ("another colour")
    colours_had: list[str] = field(default_factory=list)  # colours of what the shopper has ("all black"): a move's start
    said: str = ""  # the turn as typed (a capitalised "Guess" may be the brand; "i guess" is not)

    def as_said(self) -> list[Term]:
        """The included concept terms in the order the shopper said them (the NLU's entities
        come first in ``terms``; a term with no place in the text last)."""
        return sorted((t for t in self.terms if t.kind == "concept" and not t.exclude),
                      key=lambda t: t.start if t.start is not None else 10 ** 6)

    def concepts(self, exclude: bool = False) -> list[str]:
        return [v for t in self.terms if t.kind == "concept" and t.exclude == exclude for v in t.values]

    def brands(self, exclude: bool = False) -> list[str]:
        return [v for t in self.terms if t.kind == "brand" and t.exclude == exclude for v in t.values]

    def sizes(self) -> list[str]:
        return [v for t in self.terms if t.kind == "size" and not t.exclude for v in t.values]

    @property
    def unknown(self) -> list[Term]:
        return [t for t in self.terms if t.kind == "unknown"]

    @property
    def corrections(self) -> list[dict]:
        notes = [{"said": t.text, "read_as": t.corrected_to} for t in self.terms if t.corrected_to]
        return [n for i, n in enumerate(notes) if n["read_as"] not in {m["read_as"] for m in notes[:i]}]

    def has_price(self) -> bool:
        return self.price_min is not None or self.price_max is not None or bool(self.price_words)

    def moves_from_shown(self) -> bool:
        """Whether a price word moves from the products shown ("cheaper", "more expensive")."""
        return any(rule.get("below_shown") or rule.get("above_shown") for rule in self.price_words)

    def names_anything(self) -> bool:
        """Whether the turn says anything the query can use."""
        return bool([t for t in self.terms if t.kind != "unknown"] or self.has_price() or self.sort
                    or self.on_sale or self.relative or self.same or self.other)

    def needs(self) -> list[Need]:
        return [t.need for t in self.terms if t.need is not None and not t.exclude]


class _NoReading:
    """What a name no concept has reads as: no concepts."""

    concepts: list[str] = []


NO_READING = _NoReading()
