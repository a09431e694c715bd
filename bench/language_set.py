"""The held-out shopper language set (bot/tests/language_heldout.yml) and how a reply is judged
against the catalogue's own labels. bench/language.py says the turns to the running bot; this
module only reads the set, checks it and judges replies, so the tests use it without processes.

A product meets a turn when its catalogue labels carry every wanted label (one of each "any of"
list), none of the unwanted ones, the reference's value of every kept group, and a value beyond
the reference's along the turn's order. An attribute the catalogue leaves unlabelled on a product
(no value of its group) counts as met for a wanted label, as in tests/support.py; a move needs
the product's value to be labelled. A turn passes when the reply shows products and at least
PASS_SHARE of the first five meet it.

A dead end (class ``dead_ends``) asks for what no product is (``asked``: every label said, all
together met by none); its reply must still show the closest products, so it is judged by what
they keep (``want``: the part that can be met, usually the article type), never by a price bound
no product meets: that bound is part of what was asked (``asked_price``), not judged (``max_price``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from PIL import Image, ImageCms

REPO = Path(__file__).resolve().parent.parent
HELDOUT = REPO / "bot" / "tests" / "language_heldout.yml"
COLOURS = REPO / "data" / "colours.yaml"
ORDERS = REPO / "data" / "orders.yaml"
CLASSES = {  # class -> its name in the report, in report order
    "fillers": "fillers and politeness", "shades": "shades", "synonyms": "garment synonyms",
    "typos": "plurals and typos", "polarity": "polarity", "relative": "relative edits", "needs": "needs",
    "dead_ends": "dead ends", "references": "references to shown products", "photo": "photo then text",
}
TOP = 5  # products judged per reply: the first page
PASS_SHARE = 0.8  # share of the first five that must meet the turn
MOVE_ORDERS = ("lightness", "chroma", "formality", "sleeve", "fit", "pattern", "length", "price")
TURN_KEYS = {"say", "photo", "want", "not", "ref", "keep", "move", "max_price", "fresh", "asked", "asked_price"}


@dataclass(frozen=True)
class Turn:
    """One thing the shopper does and what the reply must show."""

    say: str | None = None
    photo: int | None = None  # a catalogue product whose photo is uploaded
    want: tuple[frozenset[str], ...] = ()  # each: any of these labels
    unwanted: frozenset[str] = frozenset()
    ref: int | str | None = None  # N (1-based, previous page) or "photo"
    keep: tuple[str, ...] = ()
    move: tuple[str, int] | None = None  # (order, +1 up / -1 down)
    max_price: float | None = None
    fresh: bool = False
    asked: tuple[str, ...] = ()
    asked_price: float | None = None  # a dead end's price bound: with ``asked``, what no product meets

    @property
    def judged(self) -> bool:
        return bool(self.want or self.unwanted or self.keep or self.move or self.max_price or self.fresh)

    @property
    def labels(self) -> set[str]:
        return {label for group in self.want for label in group} | set(self.unwanted) | set(self.asked)


@dataclass(frozen=True)
class Conversation:
    id: str
    cls: str
    turns: tuple[Turn, ...]


def load(path: Path = HELDOUT) -> list[Conversation]:
    """The conversations of the held-out file, numbered per class (``polarity-07``)."""
    doc = yaml.safe_load(path.read_text())
    seen: Counter = Counter()
    out = []
    for raw in doc["conversations"]:
        seen[raw["class"]] += 1
        out.append(Conversation(f"{raw['class']}-{seen[raw['class']]:02d}", raw["class"],
                                tuple(_turn(t) for t in raw["turns"])))
    return out


def _turn(raw: dict) -> Turn:
    unknown = set(raw) - TURN_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)} in turn {raw}")
    move = raw.get("move")
    return Turn(say=raw.get("say"), photo=raw.get("photo"),
                want=tuple(frozenset([w] if isinstance(w, str) else w) for w in raw.get("want", [])),
                unwanted=frozenset(raw.get("not", [])), ref=raw.get("ref"), keep=tuple(raw.get("keep", [])),
                move=(move["order"], 1 if move["direction"] == "up" else -1) if move else None,
                max_price=raw.get("max_price"), fresh=bool(raw.get("fresh")), asked=tuple(raw.get("asked", [])),
                asked_price=raw.get("asked_price"))


def sentences(conversations: list[Conversation]) -> list[str]:
    return [t.say for c in conversations for t in c.turns if t.say]


MAX_SAY = 300  # characters: a shopper's chat line is far shorter; longer means a broken set file


def problems(conversations: list[Conversation], tree) -> list[str]:
    """What makes the set malformed: unknown classes, labels the EI tree lacks, turns that say
    nothing or say more than a chat line (``MAX_SAY`` characters, or escaped quotes left by an
    editor), references without a page before them, moves along unknown orders, dead ends judged by nothing
    that can be met."""
    out = []
    for conv in conversations:
        if conv.cls not in CLASSES:
            out.append(f"{conv.id}: unknown class {conv.cls}")
        for i, turn in enumerate(conv.turns):
            where = f"{conv.id} turn {i + 1}"
            if (turn.say is None) == (turn.photo is None):
                out.append(f"{where}: needs exactly one of say, photo")
            if turn.say is not None and (len(turn.say) > MAX_SAY or "\\" in turn.say or turn.say.startswith('"')):
                out.append(f"{where}: not a chat line ({len(turn.say)} characters, escapes or a leading quote)")
            out += [f"{where}: {label} is not in the EI tree" for label in sorted(turn.labels)
                    if label not in tree.nodes]
            if turn.move and turn.move[0] not in MOVE_ORDERS:
                out.append(f"{where}: unknown order {turn.move[0]}")
            if isinstance(turn.ref, int) and (i == 0 or not 1 <= turn.ref <= TOP):
                out.append(f"{where}: ref {turn.ref} needs a page of the previous turn")
            if turn.ref == "photo" and not any(t.photo for t in conv.turns[:i + 1]):
                out.append(f"{where}: ref photo without a photo")
            if (turn.keep or turn.move) and turn.ref is None and i == 0:
                out.append(f"{where}: keep/move needs a previous page or a ref")
            if turn.asked and turn.max_price is not None:
                out.append(f"{where}: a dead end's bound is asked_price (no product meets it), not max_price")
        if conv.cls == "dead_ends" and not any(t.judged for t in conv.turns):
            out.append(f"{conv.id}: a dead end judges nothing: want what its closest products keep")
    return out


# ------------------------------------------------------------------ the catalogue's side
class Catalogue:
    """What the judge reads about products: catalogue labels, prices, the EI tree, and the
    orders of the engine's data files (colour L* and chroma from data/colours.yaml in CIELAB,
    through Pillow's colour management; the value orders of data/orders.yaml)."""

    def __init__(self, labels: dict[int, set[str]], prices: dict[int, float | None], tree,
                 colours: Path = COLOURS, orders: Path = ORDERS):
        self.labels, self.prices, self.tree = labels, prices, tree
        self.lab = _catalogue_lab(colours) if colours.exists() else {}
        self.ranks = _order_ranks(orders) if orders.exists() else {}

    @classmethod
    def from_db(cls, db_url: str, tree) -> "Catalogue":
        from retrieval.catalog.store import Catalog

        catalog = Catalog(db_url)
        return cls(catalog.concept_labels(), {p.id: p.price for p in catalog.products()}, tree)

    def category(self, pid: int) -> str | None:
        """The product's most specific category label (its article type where the tree has it)."""
        cats = [c for c in self.labels.get(pid, ()) if c in self.tree.nodes and self.tree.nodes[c].kind == "category"]
        return max(cats, key=lambda c: self.tree.nodes[c].level, default=None)

    def group_value(self, pid: int, group: str) -> str | None:
        """The product's label in a group ("colour", "usage", "sleeve", ...), as the value's name."""
        if group == "type":
            return self.category(pid)
        for label in sorted(self.labels.get(pid, ())):
            node = self.tree.nodes.get(label)
            if node is not None and node.kind == "value" and node.group == group:
                return node.name
        return None

    def order_value(self, pid: int, order: str) -> float | None:
        """Where the product lies along an order; None when the catalogue does not say."""
        if order == "price":
            return self.prices.get(pid)
        if order in ("lightness", "chroma"):
            lab = self.lab.get((self.group_value(pid, "colour") or "").lower())
            if lab is None:
                return None
            return lab[0] if order == "lightness" else (lab[1] ** 2 + lab[2] ** 2) ** 0.5
        group, ranks = self.ranks.get(order, (order, {}))
        name = self.group_value(pid, group)
        return ranks.get(name.lower()) if name else None

    def meets_label(self, pid: int, wanted: frozenset[str]) -> bool:
        labels = self.labels.get(pid, set())
        if wanted & labels:
            return True
        nodes = [self.tree.nodes[w] for w in wanted if w in self.tree.nodes]
        if not nodes or any(n.kind == "category" or n.group in ("colour", "gender", "usage", "season") for n in nodes):
            return False
        siblings = {s for n in nodes for s in self.tree.nodes[n.parent].children}
        return not siblings & labels  # the group is unlabelled on this product: unknown, not a conflict


def _catalogue_lab(path: Path) -> dict[str, tuple[float, float, float]]:
    """CIELAB (D65) of every catalogue colour's swatch, converted by Pillow's ImageCms."""
    swatches = (yaml.safe_load(path.read_text()) or {}).get("catalogue", {})
    to_lab = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB")
    out = {}
    for name, hex_colour in swatches.items():
        hex_colour = hex_colour[0] if isinstance(hex_colour, list) else hex_colour  # the typical swatch first
        rgb = tuple(int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
        L, a, b = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), to_lab).getpixel((0, 0))
        out[name.lower()] = (L * 100 / 255, a - 128, b - 128)  # Pillow stores L* scaled to 0-255, a*, b* offset
    return out


def _order_ranks(path: Path) -> dict[str, tuple[str, dict[str, int]]]:
    """order -> (its EI-tree group, value name -> rank), from data/orders.yaml."""
    doc = yaml.safe_load(path.read_text()) or {}
    out = {}
    for order, spec in (doc.get("orders") or {}).items():
        ranks = {}
        for rank, values in enumerate(spec["values"]):
            for value in [values] if isinstance(values, str) else values:
                ranks[value.lower()] = rank
        out[order] = (spec["group"], ranks)
    return out


# ------------------------------------------------------------------ judging a reply
@dataclass
class Verdict:
    shown: int  # products on the page
    judged: int  # the first TOP of them
    met: int
    passed: bool
    why: list[str] = field(default_factory=list)  # what the first failing products miss

    @property
    def share(self) -> float:
        return self.met / self.judged if self.judged else 0.0


@dataclass
class Context:
    """What a turn is judged against: the previous page and the photo uploaded, if any."""

    previous: list[int] = field(default_factory=list)
    photo: int | None = None


def judge(turn: Turn, items: list[int], query: dict | None, context: Context, cat: Catalogue) -> Verdict:
    """Judge a reply's products (ids, in order) and its query against the turn."""
    top = items[:TOP]
    why: list[str] = []
    stale = bool(turn.fresh and query and (query.get("like") or query.get("image_id")))
    if stale:
        why.append("the reply still searches by the earlier reference or photo")
    reference = _reference(turn, context)
    bound = _bound(turn, reference, context, cat)
    kept = _kept(turn, reference, context, cat)
    met = 0
    for pid in top:
        misses = _misses(pid, turn, kept, bound, cat)
        if misses:
            if len(why) < 3:
                why.append(f"#{pid}: " + ", ".join(misses))
        else:
            met += 1
    passed = bool(top) and met >= PASS_SHARE * len(top) and not stale
    if not top:
        why.insert(0, "no products shown")
    return Verdict(len(items), len(top), met, passed, why)


def _reference(turn: Turn, context: Context) -> int | None:
    if turn.ref == "photo":
        return context.photo
    if isinstance(turn.ref, int) and len(context.previous) >= turn.ref:
        return context.previous[turn.ref - 1]
    return None


def _kept(turn: Turn, reference: int | None, context: Context, cat: Catalogue) -> dict[str, str | None]:
    """The value each ``keep`` group must have: the reference's, else (no ``ref``) the previous
    page's most common one, as a move starts from; a group with no value to keep maps to None."""
    out: dict[str, str | None] = {}
    for group in turn.keep:
        if reference is not None:
            out[group] = cat.group_value(reference, group)
            continue
        values = [v for v in (cat.group_value(pid, group) for pid in context.previous[:TOP]) if v is not None]
        out[group] = Counter(values).most_common(1)[0][0] if values else None
    return out


def _bound(turn: Turn, reference: int | None, context: Context, cat: Catalogue) -> float | None:
    """The value a move starts from: the reference's, else the previous page's most common one
    (price: the cheapest shown for "cheaper", the dearest for "more expensive")."""
    if not turn.move:
        return None
    order, direction = turn.move
    if reference is not None:
        return cat.order_value(reference, order)
    values = [v for v in (cat.order_value(pid, order) for pid in context.previous[:TOP]) if v is not None]
    if not values:
        return None
    if order == "price":
        return min(values) if direction < 0 else max(values)
    return Counter(values).most_common(1)[0][0]


def _misses(pid: int, turn: Turn, kept: dict[str, str | None], bound: float | None, cat: Catalogue) -> list[str]:
    labels = cat.labels.get(pid, set())
    out = ["lacks " + "|".join(sorted(w)) for w in turn.want if not cat.meets_label(pid, w)]
    out += [f"has {u}" for u in sorted(turn.unwanted & labels)]
    for group, value in kept.items():
        if value is None:
            out.append(f"no reference to keep {group} of")
        elif cat.group_value(pid, group) != value:
            out.append(f"{group} {cat.group_value(pid, group)} is not the reference's {value}")
    if turn.max_price is not None and (cat.prices.get(pid) or 0) > turn.max_price:
        out.append(f"price {cat.prices.get(pid)} over {turn.max_price}")
    if turn.move:
        order, direction = turn.move
        value = cat.order_value(pid, order)
        if bound is None:
            out.append(f"no {order} to move from")
        elif value is None:
            out.append(f"no {order} label")
        elif not (value - bound) * direction > 0:
            out.append(f"{order} {value:.1f} is not {'above' if direction > 0 else 'below'} {bound:.1f}")
    return out
