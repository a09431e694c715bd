"""A shopper's turn applied to the query state: the one implementation of every query edit.

Operations (``op``), each from a resolved ``Reading`` of the turn:

- ``search``: a new query from what the turn names. While a search is on, a turn that names no
  category (and no photo) refines it instead ("for girls", "in red", "under 1000").
- ``refine``: concepts set (a value replaces its exclusive siblings), excluded (in every
  category that has the value), a new category replaces the old one and re-scopes or drops the
  attribute values that belonged to it; brands, sizes, price bounds, "on sale" and sort set.
- ``drop``: named concepts, brands or sizes, or whole groups ("any colour", "any price").
- ``more_like``: the shown item at a position becomes the reference, keeping its category and
  the earlier requests it meets; the turn's edits apply on top.
- ``page``: the next (or first) page. ``photo``: an uploaded image is the reference.
- ``answer`` / ``affirm`` / ``deny``: the reply to an open question (which concept an unknown
  word meant; whether to drop what empties the results).
- ``reset``: start over. ``explain`` does not change the state.

A turn with nothing usable never replaces the current search: the state is kept and the
answer asks what to change. Every edit returns to the first page. Whatever the op, a request
the engine cannot serve gets one sentence and no search; a relative word sent as ``explain``
is an edit; a position with "similar to" is ``more_like``; a new text search leaves an earlier
photo behind unless the turn refers to it. Several concepts one word stands for (a coat:
jackets or blazers; a need) are one request, "any of"; a need's defaults apply only to groups
the query names nothing of.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol

import numpy as np

from models.tree import EITree

from .concepts import ConceptResolver
from .filters import Filters
from .lexicon import Lexicon, describes, says_any
from .reading import Term
from .relative import RelativeEdits
from .state import QueryState, apply_edit, merge_same_values
from .understand import GROUP_WORDS, Reading

OPS = ("search", "refine", "drop", "more_like", "page", "photo", "explain", "answer", "affirm", "deny", "reset",
       "compare", "complete", "details",  # these three read shown products (query/assist.py), no edit
       "fallback")  # a turn the NLU could not place: a search when its words name a request, else nothing
MAX_OFFSET = 1000


class Catalogue(Protocol):
    """What edits need to know of the indexed products."""

    def prices_of(self, ids: list[int]) -> list[float]: ...
    def price_quantile(self, category: str | None, q: float) -> float | None: ...
    def item_category(self, pid: int) -> str | None: ...
    def item_meets(self, pid: int, concepts: list[str]) -> list[str]: ...
    def knows_words(self, text: str) -> bool: ...
    def count_with(self, category: str | None, concept: str) -> int: ...
    def count_all(self, groups: list[list[str]]) -> int: ...
    def photo_category(self, image_id: str) -> str | None: ...


@dataclass
class Outcome:
    """The new state, the question to ask (if any) and notes for the reply."""

    state: QueryState
    question: dict | None = None
    notes: list[dict] = field(default_factory=list)  # {"kind": "corrected"/"dropped"/..., ...}
    search: bool = True  # whether the state should be searched and shown


class Editor:
    """Applies turns to states over one tree and catalogue."""

    def __init__(self, tree: EITree, resolver: ConceptResolver, catalogue: Catalogue, page_size: int = 5,
                 lexicon: Lexicon | None = None):
        self.tree, self.resolver, self.catalogue, self.page_size = tree, resolver, catalogue, page_size
        self.lexicon = lexicon or Lexicon()
        self.relative = RelativeEdits(self.lexicon, resolver, catalogue)
        self._groups_had: dict[tuple[str, str], bool] = {}  # (category, group) -> whether it has values of it

    # ------------------------------------------------------------------ entry point
    def apply(self, state: QueryState, op: str, reading: Reading, turn: dict, page_size: int | None = None) -> Outcome:
        """The outcome of one turn (``turn``: the raw edit, kept with an open question;
        ``page_size``: the products per page this shopper sees, default the editor's)."""
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}: one of {', '.join(OPS)}")
        notes = [{"kind": "corrected", **c} for c in reading.corrections]
        self._same_wearer(state, reading)
        named = [t for t in reading.terms if t.kind in ("concept", "brand")] or reading.relative  # "dressier, to wear with a suit"
        if reading.limit and not named and op not in ("reset", "page", "photo"):  # never a search from a misreading
            topic, say = reading.limit
            return Outcome(state.edited(pending=None), {"kind": "cannot", "topic": topic, "say": say}, notes,
                           search=False)
        if op == "fallback" and state.shown and not reading.names_anything() and (reading.about_item
                                                                                 or reading.ordinal is not None):
            op = "more_like" if reading.ordinal is not None else "page"  # "more of the first kind", "more of those?"
        if op == "fallback":  # "i'm starting to go running": the words decide, never a free-text guess
            if not reading.names_anything():  # "dressier than that" is a relative edit
                return Outcome(state.edited(pending=None), {"kind": "not_understood"}, notes, search=False)
            named_product = any(self.resolver.is_category(c) for c in reading.concepts())
            # what it names edits the search in hand ("i need exactly this but black"), else starts one
            op = "refine" if not state.is_empty() and not named_product else "search"
        if op in ("page", "more_like") and state.is_empty() and not state.shown and reading.names_anything():
            op = "search"  # "my brother's shaadi ... look properly desi" read as "more": nothing shown to page or follow
        if op == "page" and not state.is_empty() and (reading.relative or reading.price_words
                                                      or (reading.other and reading.ordinal is None)):
            op = "refine"  # "show me some more upmarket ones", "show me other colours": an edit, not the next page
        if op == "more_like" and not state.is_empty() and reading.ordinal is None and not reading.about_item \
                and reading.price_words and not reading.same:
            op = "refine"  # "show me the more premium ones": pricier than these, not more like the first
        if op == "page" and not state.is_empty() and reading.ordinal is None \
                and (set(reading.concepts()) - set(state.include) or set(reading.concepts(exclude=True)) - set(state.exclude)):
            op = "refine"  # "wite onse", "more in black", "any others, not brown": an edit, not the next page
        if op == "drop" and not state.is_empty() and reading.relative and not reading.concepts() \
                and not reading.brands():
            op = "refine"  # "deeper colour, this is too pale": a move, nothing named to drop
        if op == "page" and state.shown and reading.ordinal is not None and (reading.same or reading.other
                                                                             or reading.concepts()):
            op = "more_like"  # "the middle one, same colour, any others?": more like that one
        if op in ("refine", "drop") and state.is_empty() and not state.shown and not reading.relative:
            op = "search"  # "heading to dubai in july" read as an edit: with no search in hand, it starts one
        if op == "explain" and not reading.relative and reading.ordinal is None and not self.lexicon.asks_why(
                str(turn.get("text") or "")) and any(self.resolver.is_category(c) for c in reading.concepts()):
            op = "refine"  # "shoes specifically": a product named, no product asked about, no "why"
        if op == "explain" and reading.relative:  # "is there a darker one" is an edit, not a question
            op = "refine"
        if op in ("explain", "search", "refine") and reading.ordinal is not None and state.shown and reading.concepts() \
                and (self.lexicon.asks_version(str(turn.get("text") or "").lower())
                     or IN_A_VALUE.search(str(turn.get("text") or "").lower())):
            op = "more_like"  # "hmm the 2nd. is there a brown version", "the first bag, do you have it in black"
        if op in ("search", "refine") and self.lexicon.asks_anything(str(turn.get("text") or "").lower()) \
                and reading.names_anything() and not any(self.resolver.is_category(c) for c in reading.concepts()):
            state, op = self._any_product(state), "refine"  # "ok what do you have for boys at all?"
        if op in ("search", "refine") and reading.ordinal is not None and reading.about_item and state.shown:
            op = "more_like"  # "something similar to the third", whatever intent the NLU picked
        if op == "search" and reading.ordinal is not None and state.shown and (reading.relative or reading.price_words
                                                                                or reading.same or reading.other):
            op = "refine"  # "the 2nd pair but a touch darker", "the 2nd's colour in sunglasses": from a shown product
        asking = op in ("search", "refine", "more_like", "photo", "answer")
        unknown = reading.unknown or ([t for t in reading.leftovers if t.suggestions] if asking else [])
        beside = None
        if unknown and asking:
            term = unknown[0]
            pending = {"kind": "unknown", "term": term.text, "suggestions": term.suggestions, "op": op, "turn": turn}
            question = {"kind": "unknown", "term": term.text, "suggestions": term.suggestions}
            if not any(self.resolver.is_category(c) for c in reading.concepts()):
                self._asked_products(reading, term)  # "mens blak shrt": shirts or shorts shown while asked
            if not reading.names_anything():  # nothing else read: the question comes beside products anyway
                text = str(turn.get("text") or "").strip()
                if op != "search" and not state.is_empty():
                    return Outcome(state.edited(pending=pending), question, notes)  # the results shown stay
                if text and not text.startswith("/") and self._free_text_ok(text):
                    return Outcome(QueryState(text=text[:500]).edited(pending=pending), question, notes)
                return Outcome(state.edited(pending=pending), question, notes, search=False)
            beside = (pending, question)  # the search runs with the rest; the question comes beside it
        if op == "page":
            outcome = self._page(state, turn, page_size or self.page_size)
        else:
            outcome = getattr(self, f"_{op}")(state, reading, turn)
        outcome.notes = notes + outcome.notes
        if beside and outcome.search and outcome.question is None:
            outcome.state.pending, outcome.question = beside
        elif outcome.search and outcome.question is None and asking:
            outcome.question = self._clarify(outcome.state, reading)
        if outcome.search and op != "page":
            outcome.state.offset = 0
        return outcome

    def _moves_the_colour(self, reading: Reading, move: dict) -> bool:
        """Whether a colour move is said right before the one colour named ("darker blue": darker
        than blue), so it moves from that colour rather than give way to it (as it does from a
        colour already asked: "a lighter shade, black gets so hot")."""
        colours = [t for t in reading.terms if t.kind == "concept" and not t.exclude and t.need is None and t.values
                   and all(self.tree[c].group == "colour" for c in t.values if c in self.tree.nodes)]
        if len(colours) != 1 or len(colours[0].values) != 1:
            return False
        said = str(reading.said or "").lower()
        return bool(re.search(rf"\b{re.escape(str(move['said']).lower())}\s+(?:shade of\s+|tone of\s+)?"
                              rf"{re.escape(colours[0].text.lower())}\b", said))

    def _asked_products(self, reading: Reading, term: Term) -> None:
        """A word spelt close to several products and nothing else ("shrt": Shirts or Shorts), in
        a turn that names no product: those products are searched as alternatives, the first
        suggested leading, while the question asks which was meant."""
        found = [self.resolver.lookup(name) for name in term.suggestions]
        values = [r.concepts[0] for r in found if r and r.concepts]
        if values and len(values) == len(term.suggestions) and all(self.resolver.is_category(c) for c in values):
            reading.terms.append(Term(term.text, "concept", values, start=term.start))

    # ------------------------------------------------------------------ searches and edits
    def _search(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        named_category = any(self.resolver.is_category(c) for c in reading.concepts())
        if state.image_id and not reading.photo:  # a new text search leaves an earlier photo behind
            state = QueryState()
        if state.image_id and reading.photo and reading.names_anything():
            return self._refine(state, reading, turn)  # "black version of these sandals": the photo, edited
        if not state.is_empty() and not named_category and reading.names_anything():
            return self._refine(state, reading, turn)
        if not state.is_empty() and (reading.relative or reading.price_words) and self._only_wider_names(state, reading):
            return self._refine(state, reading, turn)  # "a bit cheaper than these? ... shoes", "... a backup wallet"
        if not state.is_empty() and (reading.price_words or reading.relative or self._value_of_shown(reading, turn)) \
                and not any(t.need is None and not t.exclude and any(self.resolver.is_category(c) for c in t.values)
                            for t in reading.terms):
            return self._refine(state, reading, turn)  # "cheaper ones, it's a gift for my roommate", "longer sleeves, he
            # feels cold in the AC", "black soaks up the sun, can these come in near white": the need is the reason
        if not reading.names_anything():
            text = (turn.get("text") or "").strip()
            if not state.is_empty():
                return Outcome(state, {"kind": "what_change"}, search=False)
            if text and not text.startswith("/") and self._free_text_ok(text):
                return Outcome(QueryState(text=text[:500]))
            return Outcome(state, {"kind": "ask_what"}, search=False)
        carried = [c for c in state.implied if c in state.include and not self.resolver.is_category(c)]
        carried += [c for c in self._wearer_carried(state, reading) if c not in carried]
        fresh = QueryState(filters=Filters(), sort=reading.sort or "relevance", include=carried, implied=carried)
        return self.edit(fresh, reading)  # "a client pitch" then "shirts and shoes": formal ones still

    def _same_wearer(self, state: QueryState, reading: Reading) -> None:
        """A wearer said by a pronoun is the one shopped for: "tops for her" after a girl's
        tracksuit stays with Girls (``data/words.yaml`` ``ages``: ``pronouns``, and the adult
        gender each child's stands beside)."""
        pairs = self.lexicon.child_of
        said = {" ".join(p.lower().split()) for p in self.lexicon.ages.get("pronouns", [])}
        for term in reading.terms:
            words = reading.said[term.start:term.stop] if term.start is not None and term.stop else term.text
            if term.exclude or " ".join(words.lower().split()) not in said:
                continue
            child = [self.resolver.lookup(pairs[n]).concepts[0] for n in map(self.resolver.display, term.values)
                     if n in pairs and self.resolver.lookup(pairs[n])]
            if child and child[0] in state.include and len(term.values) == 1:
                term.values = child

    def _wearer_carried(self, state: QueryState, reading: Reading) -> list[str]:
        """Who the search in hand was for, carried to a new product that names no one ("my son is
        8 and has grown out of everything", then "start with tshirts": boys' T-shirts), when the
        catalogue has that product for them; it is implied, so it gives way first."""
        wearers = [c for c in state.include if self.tree[c].group == "gender"]
        said = reading.concepts() + reading.concepts(exclude=True)
        if not wearers or any(self.tree[c].group == "gender" for c in said):
            return []
        named = [c for c in said if self.resolver.is_category(c)]
        if not named:
            return []
        category = max(named, key=lambda c: self.tree[c].level)
        return [c for c in wearers if self.catalogue.count_with(category, c)]

    def _refine(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        if not reading.names_anything():
            return Outcome(state, {"kind": "what_change"}, search=False)
        self._wider_name_kept(state, reading)
        if state.image_id and not reading.photo and (reading.needs() or any(
                self.resolver.is_category(c) for c in reading.concepts())):
            return self._search(state, reading, turn)  # a new request after a photo: the photo stays behind
        if state.like is not None and reading.ordinal is None and self._other_product(state.like, reading):
            return self._search(state, reading, turn)  # earrings like the 2nd, then "silver rings instead"
        reference = self.shown_item(state, reading.ordinal) if reading.ordinal is not None else None
        if state.image_id and not any(self.resolver.is_category(c) for c in state.include):
            shown = self.catalogue.photo_category(state.image_id)  # "this in brown": brown shoes, not brown wallets
            if shown is not None:
                state = self._set(state, shown)
        if state.image_id and reading.photo:
            self._needs_as_reasons(reading)  # "something like this for a wedding": still the photo's kind
        if state.image_id and reference is None and reading.relative and state.shown:
            reference = state.shown[0]  # "a darker one": darker than the product nearest the photo
        return self.edit(state.edited(pending=None), reading, reference=reference, shown=state.shown)

    def _wider(self, state: QueryState) -> set[str]:
        """The wider names of the product in hand (Shoes and Footwear of sports shoes)."""
        current = self.resolver.category_of(state.include)
        return {a.id for a in self.tree.path(current) if a.id != current} if current else set()

    def _only_wider_names(self, state: QueryState, reading: Reading) -> bool:
        """Whether the products a turn names are all the one in hand or wider names of it
        ("cheaper ones, it's just a backup wallet" of brown wallets)."""
        named = [c for c in reading.concepts() if self.resolver.is_category(c)]
        current = self.resolver.category_of(state.include)
        return bool(named) and set(named) <= self._wider(state) | ({current} if current else set())

    def _wider_name_kept(self, state: QueryState, reading: Reading) -> None:
        """A wider name for the product in hand, said with an edit ("lighter colour bags" of
        handbags, "cheaper shoes" of sports shoes), names it: the handbags stay, not every bag."""
        wider = self._wider(state)
        if not wider:
            return
        for term in [t for t in reading.terms if t.kind == "concept" and not t.exclude and t.need is None
                     and t.values and all(c in wider for c in t.values)]:
            if reading.relative or reading.price_words or any(t is not term and t.kind in ("concept", "brand")
                                                              for t in reading.terms):
                reading.terms.remove(term)

    def _other_product(self, pid: int, reading: Reading) -> bool:
        """Whether a turn names a product that the reference is not ("rings" after earrings)."""
        named = [c for c in reading.concepts() if self.resolver.is_category(c)]
        current = self.catalogue.item_category(pid)
        if not named or current is None:
            return False
        path = {n.id for n in self.tree.path(current)}
        return not any(c in path or current in {n.id for n in self.tree.path(c)} for c in named)

    def edit(self, state: QueryState, reading: Reading, reference: int | None = None,
             shown: list[int] | None = None) -> Outcome:
        """Concepts, needs, relative moves, brands, sizes, price, sale and sort of a reading
        applied to a state (``reference``/``shown``: where relative moves start from)."""
        notes: list[dict] = []
        before = set(state.include)
        edits_kept = reading.relative or reading.moves_from_shown() or any(  # "cheaper ones, a gift": still the product
            t.need is None and not t.exclude and t.kind == "concept" and t.values
            and not any(self.resolver.is_category(c) for c in t.values) for t in reading.terms)
        if edits_kept and (self.resolver.category_of(state.include) or state.image_id or state.like):
            self._needs_as_reasons(reading)  # "longer sleeves actually, it's getting cold": still shirts (or the photo's)
        include, exclude = reading.concepts(), reading.concepts(exclude=True)
        categories = [c for c in include if self.resolver.is_category(c)]
        within = {a.id for c in categories for a in self.tree.path(c)}
        for term in [t for t in reading.terms if t.exclude and t.kind == "concept"]:  # "skip the shoulder bags":
            kinds = {a.id for c in term.values if not self.resolver.is_category(c) for a in self.tree.path(c)}
            within |= {c for c in term.values if self.resolver.is_category(c) and c in kinds}  # the style, not handbags
        exclude = [c for c in exclude if c not in within]  # "never mind the shoe in the pic, running shoes please"
        broader = self._broader_named(state, categories) if reference is not None else set()
        categories = [c for c in categories if c not in broader]  # "the first bag but cheaper": still handbags
        if categories:
            # the most specific product named; of two as specific, the first said ("braces to hold up trousers")
            first = [c for c in dict.fromkeys(c for t in reading.as_said() for c in t.values) if c in categories]
            state = self._switch_category(state, max(first, key=lambda c: self.tree[c].level))
        elif reference is not None:
            state = self._reference_kind(state, reference)  # "the fourth one but brighter": backpacks, not any bag
        category = self.resolver.category_of(state.include + categories)
        if category is not None:  # "comfy nighties": a need's fits that nightdresses do not have are no request
            for term in [t for t in reading.terms if t.need is not None and not t.exclude]:
                term.values = [c for c in term.values if self.resolver.is_category(c) or self.tree[c].group in
                               ("gender", "usage", "season", "colour") or self.resolver.rescope(c, category)]
        unplaced = self._unplaced(reading, category, notes)
        for values in self._one_category(reading):
            values = [c for c in values if c not in broader]
            for alternatives in self._alternatives(values, category):
                state = self._set_any(state, alternatives)
        state = self._defaults(state, reading, include)
        state = self._implied(state, reading)
        if reading.same or reading.other:
            state = self._same_or_other(state, reading, reference, shown if shown is not None else state.shown)
        for cid in exclude:
            for value in [cid, *(c for c in self._shades_of(cid) if c not in include)]:  # "off white, not stark white"
                state = apply_edit(state, "exclude", self.resolver.same_value_everywhere(value), self.tree)
        colour_said = any(self.tree[c].group == "colour" for c in include)
        moved: set[str] = set()
        for i, move in enumerate(reading.relative):
            if move["order"] == "price" or move["order"] in moved or (
                    move.get("softens") and colour_said and move["order"] in ("lightness", "chroma")):
                continue  # "a blush pink top, nothing too bright": the pink said, not a move away from it
            if colour_said and move["order"] in ("lightness", "chroma") and not self._moves_the_colour(reading, move) \
                    and not any(self.tree[c].group == "colour" for c in include if c in before):
                continue  # "brighter, maybe red?", "a darker brown or black": the colours said are the ones asked
            found = self.relative.resolve(move, state.include, shown if shown is not None else state.shown, reference)
            if found is None and reading.colours_had and move["order"] in ("lightness", "chroma"):
                found = self.relative.resolve(move, state.include + reading.colours_had, [], None)  # "all black: some colour"
            nearer = any(m["order"] == move["order"] for m in reading.relative[i + 1:])
            if (found is None or not found.concepts) and nearer:
                continue  # "plainer, these are too busy": a nearer move along it may still find some
            moved.add(move["order"])
            if found is None:
                notes.append({"kind": "relative", "said": move["said"], "to": [],
                              "text": f"I can't tell what {move['said']} means for these"})
                continue
            notes.append(found.note)
            if found.concepts:
                state = self._set_any(state, found.concepts)
        if not categories:
            state = self._sibling_type(state, before, notes)
        words = " ".join(w for w in (self._text_words(reading), *unplaced) if w) or None
        text = words or (None if (include or categories) else state.text)
        state = state.edited(filters=self._filters(state, reading, notes, reference), sort=reading.sort or state.sort,
                             text=text, pending=None)
        return Outcome(state, notes=notes)

    def _any_product(self, state: QueryState) -> QueryState:
        """The search in hand without its product and the qualities only that product has: what
        is left (who it is for, a colour, a budget) is asked of the whole catalogue."""
        keep = lambda ids: [c for c in ids if self.tree.owner_category(c) is None  # noqa: E731
                            and not self.resolver.is_category(c)]
        return state.edited(include=keep(state.include), exclude=keep(state.exclude),
                            implied=keep(state.implied), like=None)

    @cached_property
    def _usage_names(self) -> set[str]:
        """The usages' names, lower case ("formal", "casual"), read once from the tree."""
        return {self.resolver.display(c).lower() for c in self.tree.nodes if self.tree[c].group == "usage"}

    def _sibling_type(self, state: QueryState, before: set[str], notes: list[dict]) -> QueryState:
        """A usage just set where the article type is named for another: the sibling type named
        for it, when it has products for the rest of the request ("something more relaxed" after
        formal shoes: casual shoes; "dressier" after casual shoes: formal shoes)."""
        category = self.resolver.category_of(state.include)
        added = [c for c in state.include if c not in before and self.tree[c].group == "usage"]
        if len(added) != 1 or category is None or self.tree[category].group != "type":
            return state
        named = lambda cid: set(self.resolver.display(cid).lower().split()) & self._usage_names  # noqa: E731  "Formal Shoes": formal
        wanted = self.resolver.display(added[0]).lower()
        if not named(category) or wanted in named(category):
            return state
        rest = [g for g in merge_same_values(self.tree, state.include) if category not in g]
        counts = {c: self.catalogue.count_all([[c], *rest]) for c in self.tree[self.tree[category].parent].children
                  if c != category and self.resolver.is_category(c) and wanted in named(c)}
        best = max(counts, key=counts.get, default=None)
        if best is None or not counts[best]:
            return state
        notes.append({"kind": "nearest", "text": f"{self.resolver.display(added[0])}: {self.resolver.display(best)} "
                                                 f"rather than {self.resolver.display(category)}"})
        return self._set(self._switch_category(state, best), best)

    def _value_of_shown(self, reading: Reading, turn: dict) -> bool:
        """Whether a turn asks for a value (a colour, a sleeve) of the products shown, pointing at
        them (``shown_pointers``: "can these come in near white", "full sleeves instead")."""
        values = any(t.need is None and not t.exclude and t.kind == "concept" and t.values
                     and not any(self.resolver.is_category(c) for c in t.values) for t in reading.terms)
        return values and says_any(str(turn.get("text") or "").lower(), self.lexicon.shown_pointers)

    def _needs_as_reasons(self, reading: Reading) -> None:
        """A need said with a relative edit of the product in hand is the reason for the edit:
        its products are not asked for ("longer sleeves, it's getting cold" keeps the shirts)."""
        if any(self.resolver.is_category(c) for t in reading.terms if t.need is None for c in t.values):
            return  # a product named: the needs keep their place in `_one_category`
        for term in reading.terms:
            if term.need is not None:
                term.drop_kinds(self.resolver.is_category)

    def _reference_kind(self, state: QueryState, reference: int) -> QueryState:
        """A shown product edited as the model keeps its own kind when the search was broader
        ("bags", then "that fourth one but in a brighter colour": backpacks)."""
        kind, current = self.catalogue.item_category(reference), self.resolver.category_of(state.include)
        if kind is None or kind == current or current not in {n.id for n in self.tree.path(kind)} - {kind}:
            return state
        return self._set(self._switch_category(state, kind), kind)

    def _broader_named(self, state: QueryState, categories: list[str]) -> set[str]:
        """Categories named for a shown product that only say what kind it is, broader than the
        category searched ("the very first bag" while handbags are shown)."""
        current = self.resolver.category_of(state.include)
        if current is None:
            return set()
        path = {n.id for n in self.tree.path(current)} - {current}
        return {c for c in categories if c in path}

    def _shades_of(self, cid: str) -> list[str]:
        """The catalogue colours named as shades of a colour ("not blue": no Navy Blue or
        Turquoise Blue either; "no white": no Off White)."""
        return self._colour_shades.get(cid, [])

    @cached_property
    def _colour_shades(self) -> dict[str, list[str]]:
        """Colour id -> the colours whose names end in its name, found once (not per turn)."""
        colours = [(c, n.name.lower()) for c, n in self.tree.nodes.items() if n.kind == "value" and n.group == "colour"]
        return {c: [o for o, other in colours if o != c and other.endswith(" " + name)] for c, name in colours}

    def _same_or_other(self, state: QueryState, reading: Reading, reference: int | None, shown: list[int]) -> QueryState:
        """Keep ("a shirt in the same colour as the 2nd") or leave out ("the 2nd but in another
        colour") the reference's value of a group, found as a relative edit finds where it starts
        (``RelativeEdits.current``: the product named, else the commonest shown)."""
        category = self.resolver.category_of(state.include)
        for groups, keep in ((reading.same, True), (reading.other, False)):
            for group in sorted(groups):
                ids = [c for c, n in self.tree.nodes.items() if n.kind == "value" and n.group == group]
                cid = self.relative.current(ids, state.include, shown, reference)
                if cid is not None:
                    if keep:
                        for alternatives in self._alternatives([cid], category):
                            state = self._set_any(state, alternatives)
                    else:
                        state = apply_edit(state, "exclude", self.resolver.same_value_everywhere(cid), self.tree)
        return state

    def _unplaced(self, reading: Reading, category: str | None, notes: list[dict]) -> list[str]:
        """A quality of a group the product searched never carries in the tree ("brown jackets,
        suede look": suede is a shoe's material, jackets have none) is no concept request, which
        would empty the list: its words join the text part, ranked by the joint text space, with a
        note. A value missing from a group the product has (long sleeves of dresses) stays, for the
        nearest value to stand in. Gender, usage, season and colour fit every product."""
        if category is None:
            return []
        out = []
        for term in [t for t in reading.terms if t.kind == "concept" and t.need is None and not t.exclude and t.values
                     and all(c in self.tree.nodes and self.tree[c].kind == "value"
                             and self.tree[c].group not in ("gender", "usage", "season", "colour") for c in t.values)
                     and not any(self.resolver.rescope(c, category) or self._has_group(category, self.tree[c].group)
                                 for c in t.values)]:
            reading.terms.remove(term)
            out.append(term.text)
            name = self.resolver.display(term.values[0])
            notes.append({"kind": "unplaced", "text": f"{self.resolver.display(category)} have no {name} label here, "
                                                      f"so I looked for \"{term.text}\" in their descriptions"})
        return out

    def _has_group(self, category: str, group: str) -> bool:
        """Whether the category carries any value of an attribute group (dresses have sleeves, if
        not long ones: the nearest value stands in; jackets have no material at all)."""
        key = (category, group)
        if key not in self._groups_had:
            self._groups_had[key] = any(n.kind == "value" and n.group == group and self.resolver.fits(c, category)
                                        for c, n in self.tree.nodes.items())
        return self._groups_had[key]

    def _text_words(self, reading: Reading) -> str | None:
        """The turn's words that are neither concepts nor needs but describe products in the
        catalogue's own words ("chronograph", "sling"): the query's text part, ranked by the joint
        text space together with the concepts."""
        words = [t.text for t in reading.leftovers if not t.suggestions and describes(t.text)
                 and t.text not in GROUP_WORDS and self.catalogue.knows_words(t.text)]
        return " ".join(dict.fromkeys(words))[:200] or None

    def _one_category(self, reading: Reading) -> list[list[str]]:
        """Each included term's concepts; when several terms name categories ("kurtis in pastel
        shades", shades being sunglasses), the most specific one is the product, and the others
        keep only the categories on its path."""
        included = reading.as_said()
        named = {c for t in included if t.need is None for c in t.values if self.resolver.is_category(c)}
        if named:  # the product named is the product: a need keeps only its categories within it
            under = lambda c: any(a.id in named for a in self.tree.path(c))  # noqa: E731
            terms = [t.values if t.need is None else [c for c in t.values if not self.resolver.is_category(c) or under(c)]
                     for t in included]
        else:
            terms = [t.values for t in included]
        naming = [values for values in terms if any(self.resolver.is_category(c) for c in values)]
        if len(naming) < 2:
            return terms
        level = lambda values: max(self.tree[c].level for c in values if self.resolver.is_category(c))  # noqa: E731
        chosen = max(naming, key=level)
        places = [t.values for t in included if t.need is not None and t.need.place]
        if places and all(t.need is not None for t in included if t.values in naming):
            # needs alone: where it is worn decides the product ("my feet are always cold": socks, not jackets),
            # or narrows to another need's products worn there ("for my feet, something that can get wet": sandals)
            chosen = list(dict.fromkeys(c for values in places for c in values))
            worn = {c for c in chosen if self.resolver.is_category(c)}
            there = [values for values in naming if values not in places and all(
                any(a.id in worn for a in self.tree.path(c)) for c in values if self.resolver.is_category(c))]
            terms = [chosen] + [values for values in terms if values not in places]
            if there:
                chosen = max(there, key=level)
        path = {n.id for c in chosen if self.resolver.is_category(c) for n in self.tree.path(c)}
        return [values if values is chosen else [c for c in values if not self.resolver.is_category(c) or c in path]
                for values in terms]

    def _alternatives(self, values: list[str], category: str | None) -> list[list[str]]:
        """A term's concepts, scoped to the category, as one "any of" list per tree group; a value
        the category has none of is left out when another of the term's fits it ("shirts, cotton":
        the tops' cotton fabric, not also the caps' cotton material)."""
        groups: dict[str, list[str]] = {}
        if category is not None:
            fitting = [c for c in values if self.resolver.is_category(c) or self.resolver.rescope(c, category)]
            values = fitting if any(not self.resolver.is_category(c) for c in fitting) else values
        for cid in values:
            for scoped in self._scoped(cid, category):
                node = self.tree[scoped]
                groups.setdefault("category" if node.kind == "category" else node.group, []).append(scoped)
        return [list(dict.fromkeys(ids)) for ids in groups.values()]

    def _set_any(self, state: QueryState, cids: list[str]) -> QueryState:
        """Include one concept, or several alternatives of one group ("any of")."""
        if len(cids) == 1:
            return self._set(state, cids[0])
        names = {self.tree[c].name for c in cids}
        rivals = [c for c in state.include if self.tree[c].kind == "value" and self.tree[c].group == self.tree[cids[0]].group
                  and self.tree[c].name not in names and _exclusive(self.tree, c)]
        return apply_edit(apply_edit(state, "remove", rivals, self.tree), "any", cids, self.tree)

    def _implied(self, state: QueryState, reading: Reading) -> QueryState:
        """Which included concepts only a need implied ("for work": Formal), kept with the state:
        when nothing meets every request, they give way first (``turn._unimplied``). The products of
        a need of the body (``place``: "my feet are killing me": comfortable shoes) are as said."""
        said = {c for t in reading.terms if not t.exclude for c in t.values
                if t.need is None or self.resolver.display(c).lower() in t.text.lower()  # "for party": Party said
                or (t.need.place and self.resolver.is_category(c))}
        needed = {c for t in reading.terms if t.need is not None and not t.exclude for c in t.values + t.defaults}
        implied = [c for c in state.include if c not in said and (c in needed or c in state.implied)]
        return state.edited(implied=implied)

    def _defaults(self, state: QueryState, reading: Reading, include: list[str]) -> QueryState:
        """A need's defaults (weight below 1): only for groups the query names nothing of."""
        for term in [t for t in reading.terms if t.defaults and not t.exclude]:
            has_category = any(self.resolver.is_category(c) for c in state.include)
            groups = {self.tree[c].group for c in state.include if self.tree[c].kind == "value"}
            categories = [c for c in state.include if self.resolver.is_category(c)]
            categories = [c for c in categories  # the most specific named ("crossbody bag": handbags, not any bag)
                          if not any(o != c and c in {a.id for a in self.tree.path(o)} for o in categories)]
            within = lambda c: any(a.id in categories for a in self.tree.path(c))  # noqa: E731  (or is one named)
            # a default category applies when none is named, or narrows the one named ("shoes for the beach")
            wanted = [c for c in term.defaults if (self.resolver.is_category(c) and (not has_category or within(c))
                                                   and not self._worn_by_other(c, state))
                      or (not self.resolver.is_category(c) and self.tree[c].group not in groups)]
            category = self.resolver.category_of(state.include)
            for alternatives in self._alternatives(wanted, category):
                state = self._set_any(state, alternatives)
        return state

    def _worn_by_other(self, cid: str, state: QueryState) -> bool:
        """Whether only another gender than the one asked wears a product (``worn_by``: "a beach
        wedding, men" suggests no dresses)."""
        wearer = self.lexicon.worn_by.get(cid)
        asked = {self.tree[c].name for c in state.include if self.tree[c].group == "gender"}
        return wearer is not None and bool(asked) and wearer not in asked and "Unisex" not in asked

    def _clarify(self, state: QueryState, reading: Reading) -> dict | None:
        """The one optional question a need asks beside its results (budget, size), unless answered."""
        for need in reading.needs():
            say = self.lexicon.questions.get(need.ask or "")
            if need.ask == "budget" and state.filters.price_max is None and state.filters.price_min is None:
                return {"kind": "clarify", "ask": "budget", "need": need.name, "say": say}
            if need.ask == "size" and not state.filters.sizes:
                return {"kind": "clarify", "ask": "size", "need": need.name, "say": say}
        return None

    def _scoped(self, cid: str, category: str | None) -> list[str]:
        if self.resolver.is_category(cid):
            return [cid]
        return self.resolver.rescope(cid, category) or self.resolver.same_value_everywhere(cid)

    def _set(self, state: QueryState, cid: str) -> QueryState:
        """Include a concept; a value replaces the other values of its group (in any category)."""
        node = self.tree[cid]
        if node.kind == "value":
            rivals = [c for c in state.include if self.tree[c].kind == "value" and self.tree[c].group == node.group
                      and self.tree[c].name != node.name and _exclusive(self.tree, c)]
            state = apply_edit(state, "remove", rivals, self.tree)
        return apply_edit(state, "set" if node.kind == "category" or _exclusive(self.tree, cid) else "add", [cid],
                          self.tree)

    def _switch_category(self, state: QueryState, category: str) -> QueryState:
        """A new category: the old ones go, attribute values move to it or are dropped."""
        def keep(ids: list[str]) -> list[str]:
            out: list[str] = []
            for cid in ids:
                if self.resolver.is_category(cid):
                    continue
                for moved in self.resolver.rescope(cid, category):
                    if moved not in out:
                        out.append(moved)
            return out

        return state.edited(include=keep(state.include), exclude=keep(state.exclude))

    def _filters(self, state: QueryState, reading: Reading, notes: list[dict], reference: int | None = None) -> Filters:
        filters = Filters(**state.filters.to_dict())
        brands, not_brands = reading.brands(), reading.brands(exclude=True)
        if brands:
            filters.brands = list(dict.fromkeys(brands))
            filters.not_brands = [b for b in filters.not_brands if b not in brands]
        if not_brands:
            filters.not_brands = list(dict.fromkeys(filters.not_brands + not_brands))
            filters.brands = [b for b in filters.brands if b not in not_brands]
        if reading.sizes():
            filters.sizes = list(dict.fromkeys(reading.sizes()))
        if reading.on_sale:
            filters.on_sale = True
        low, high = reading.price_min, reading.price_max
        rules = [] if reading.price_min is not None or reading.price_max is not None else reading.price_words
        # an amount said wins over a price word ("budget around 5000"), and a comparison with what
        # was seen over a share of the range ("out of my budget, cheaper ones?": below those shown)
        for rule in sorted(rules, key=lambda r: bool(r.get("below_shown") or r.get("above_shown"))):
            low, high = self._price_word(state, rule, low, high, reference)
        if low is not None or high is not None:
            filters.price_min = low if low is not None else (filters.price_min if high is None else None)
            filters.price_max = high if high is not None else (filters.price_max if low is None else None)
            if filters.price_min is not None and filters.price_max is not None and filters.price_min > filters.price_max:
                filters.price_min, filters.price_max = filters.price_max, filters.price_min
        return filters

    def _price_word(self, state: QueryState, rule: dict, low, high, reference: int | None = None):
        """Bounds from a price word: below the cheapest shown ("cheaper"), above the dearest
        ("more expensive"), or a quantile of the category's prices ("cheap", "premium"); a product
        named ("the 2nd but cheaper") is what is compared with."""
        shown = [p for p in self.catalogue.prices_of([reference] if reference is not None else state.shown) if p == p]
        category = self.resolver.category_of(state.include)
        if rule.get("below_shown"):
            if shown:
                return low, min(shown) - 1
            rule = {"below_quantile": 0.25}
        if rule.get("above_shown"):
            if shown:
                return max(shown) + 1, high
            rule = {"above_quantile": 0.75}
        if "below_quantile" in rule:
            return low, self.catalogue.price_quantile(category, float(rule["below_quantile"]))
        if "above_quantile" in rule:
            return self.catalogue.price_quantile(category, float(rule["above_quantile"])), high
        return low, high

    def _free_text_ok(self, text: str) -> bool:
        """Free text is searched only when it has a word of the catalogue (never random products)."""
        return self.catalogue.knows_words(text)

    # ------------------------------------------------------------------ drop
    def _dropped_said(self, reading: Reading) -> bool:
        """Whether the first value a turn names follows a drop word ("drop the printed ones")."""
        first = min((t.start for t in reading.terms if t.kind == "concept" and isinstance(t.start, int)), default=None)
        if first is None:
            return False
        words = [w for w in re.findall(r"[a-z']+", reading.said.lower()[:first]) if w not in ("the", "any", "all", "those")]
        return says_any(" ".join(words[-3:]), self.lexicon.drop_words)

    def _forget_and_ask(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        """A drop that also names what is wanted: what it forgets leaves the request (it is not
        excluded), what it names is asked for, as a refinement."""
        gone = {c for cid in reading.concepts(exclude=True) for c in [cid, *self.resolver.same_value_everywhere(cid)]}
        dropped = sorted(gone & set(state.include))
        if dropped:
            state = apply_edit(state, "remove", dropped, self.tree)
        wanted = replace(reading, terms=[t for t in reading.terms if not (t.exclude and t.kind == "concept")])
        return self._refine(state.edited(pending=None), wanted, turn)

    def _drop(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        if reading.settles and reading.concepts():  # "never mind, short sleeves is fine": short sleeves
            return self._refine(state, reading, turn)
        if state.is_empty() and not state.pending and reading.concepts():  # nothing to drop: what it names is
            return self._search(state, reading, turn)  # the request ("not bothered about the brand, just a white shirt")
        if reading.ordinal is not None and state.shown and reading.concepts():  # "can i get the 3rd one in blue"
            return self._more_like(state, reading, turn)
        if reading.concepts(exclude=True) and [c for c in reading.concepts() if c not in state.include]:
            return self._forget_and_ask(state, reading, turn)  # "forget the formal part, just nude heels then"
        kept = set(state.include) | set(state.exclude)
        values = [c for c in reading.concepts() if not self.resolver.is_category(c)]
        if values and len(values) == len(reading.concepts()) and state.shown and not state.pending and not kept & {
                v for c in values for v in [c, *self.resolver.same_value_everywhere(c)]} and self._dropped_said(reading):
            gone = [replace(t, exclude=True) if t.kind == "concept" and not t.exclude else t for t in reading.terms]
            return self._refine(state, replace(reading, terms=gone), turn)  # "drop the printed ones": none printed
        if reading.concepts(exclude=True) and not reading.concepts() and not kept & set(reading.concepts(exclude=True)):
            return self._refine(state, reading, turn)  # "got any that aren't sleeveless?": an exclusion, nothing dropped
        pending = state.pending or {}
        named = reading.concepts() + reading.concepts(exclude=True)
        brands = reading.brands() + reading.brands(exclude=True)
        groups = set() if (named or brands or reading.sizes()) else set(reading.groups)
        target = None
        if not (named or brands or groups or reading.sizes() or reading.has_price()) and pending.get("kind") == "drop":
            target = pending.get("target") or {}
            named = [target["concept"]] if target.get("concept") else []
            groups = {target["filter"]} if target.get("filter") else set()
        removed: list[str] = []
        ids = {c for cid in named for c in [cid, *self.resolver.same_value_everywhere(cid)]}
        ids |= {c for c in state.include + state.exclude
                if self.tree[c].group in groups or (self.tree[c].kind == "category" and "type" in groups)}
        removed += [self.resolver.display(c) for c in state.include + state.exclude if c in ids]
        new = apply_edit(state, "remove", sorted(ids), self.tree)
        filters = Filters(**state.filters.to_dict())
        if "price" in groups or reading.has_price():
            if filters.price_min is not None or filters.price_max is not None:
                removed.append("the price limit")
            filters = filters.without("price")
        for name, group in (("brand", "brand"), ("size", "size"), ("sale", "sale")):
            if group in groups and name in filters.active():
                removed.append({"brand": "the brand", "size": "the size", "sale": "on sale"}[name])
                filters = filters.without(name)
        if "brand" in groups and filters.not_brands:
            filters = filters.without("not_brand")
        for key in brands:
            if key in filters.brands + filters.not_brands:
                removed.append(key)
                filters.brands = [b for b in filters.brands if b != key]
                filters.not_brands = [b for b in filters.not_brands if b != key]
        if reading.sizes() and filters.sizes:
            removed.append("the size")
            filters.sizes = []
        sort = "relevance" if "sort" in groups else state.sort
        new = new.edited(filters=filters, sort=sort, pending=None)
        if not removed and sort == state.sort:
            if [c for c in reading.concepts() if c not in state.include] or reading.price_words or reading.relative:
                return self._refine(state, reading, turn)  # "forget it, black then": nothing to drop, a request
            return Outcome(state.edited(pending=None), {"kind": "nothing_to_drop"}, search=False)
        notes: list[dict] = []
        if reading.price_words:  # "cheaper ones? colour doesn't matter": dropped, and cheaper
            new = new.edited(filters=self._filters(new, reading, notes))
        outcome = Outcome(new, notes=[{"kind": "dropped", "what": removed}, *notes])
        if new.is_empty():
            outcome.search, outcome.question = False, {"kind": "ask_what"}
        return outcome

    # ------------------------------------------------------------------ references
    def shown_item(self, state: QueryState, ordinal: int | None) -> int | None:
        """The id of the shown item a position names: its rank in the list, else its place on the
        page (the first when none is given; -1 is the last)."""
        if not state.shown:
            return None
        if ordinal is None:
            return state.shown[0]
        if ordinal < 0:  # -1 the last, -2 the one before it
            return state.shown[ordinal] if -ordinal <= len(state.shown) else None
        position = ordinal - state.offset - 1 if ordinal > state.offset else ordinal - 1
        return state.shown[position] if 0 <= position < len(state.shown) else None

    def _more_like(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        if state.image_id and reading.photo and reading.ordinal is None:  # "want one like this but black": the photo
            return self._refine(state, reading, turn) if reading.names_anything() else Outcome(state)
        pid = self.shown_item(state, reading.ordinal)
        if pid is None and not state.shown and reading.ordinal is None and reading.names_anything():
            return self._search(state, reading, turn)  # "moccasins, like the ones you wear driving": a search
        if pid is None:
            kind = "no_such_item" if state.shown else "need_results"
            return Outcome(state, {"kind": kind, "count": len(state.shown)}, search=False)
        category = self.catalogue.item_category(pid)
        kept = [c for c in self.catalogue.item_meets(pid, state.include) if not self.resolver.is_category(c)]
        base = QueryState(like=pid, include=([category] if category else []) + kept, exclude=list(state.exclude),
                          filters=Filters(**state.filters.to_dict()), sort=state.sort,
                          implied=[c for c in kept if self.tree[c].group != "gender"] if reading.concepts() else [])
        # the reference's looks give way to what the turn says when nothing has both ("the first one but in
        # brown": brown heels); a bare "more like #2" keeps them as asked
        outcome = self.edit(base, reading, reference=pid, shown=state.shown) if reading.names_anything() \
            else Outcome(base)
        outcome.state.like = pid
        return outcome

    def _photo(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        if not reading.image_id and state.image_id and reading.names_anything():
            return self._refine(state, reading, turn)  # "a blue one like the pic": the photo in hand, edited
        if not reading.image_id:
            return Outcome(state, {"kind": "ask_image"}, search=False)
        base = QueryState(image_id=reading.image_id)
        outcome = self.edit(base, reading) if reading.names_anything() else Outcome(base)
        outcome.state.image_id = reading.image_id
        return outcome

    def _page(self, state: QueryState, turn: dict, step: int) -> Outcome:
        """The next page starts right after the last product shown; "previous" goes back a page."""
        if state.is_empty():
            return Outcome(state, {"kind": "need_results"}, search=False)
        where = str(turn.get("page") or "next")
        if where == "first":
            offset = 0
        elif where == "previous":
            offset = max(0, state.offset - step)
        else:  # a short page of full matches included
            offset = state.offset + (len(state.shown) or step)
        if offset > MAX_OFFSET:
            return Outcome(state, {"kind": "no_more"}, search=False)
        return Outcome(state.edited(offset=offset, pending=None))

    def _explain(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        pid = self.shown_item(state, reading.ordinal)
        if pid is None:
            kind = "no_such_item" if state.shown else "need_results"
            return Outcome(state, {"kind": kind, "count": len(state.shown)}, search=False)
        return Outcome(state, search=False, notes=[{"kind": "explain", "id": pid}])

    # ------------------------------------------------------------------ questions
    def _answer(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        """A chosen concept with no open question about an unknown word refines the search
        (the engine's turn runner replays an interrupted turn with the choice itself)."""
        return self._refine(state, reading, turn)

    def _affirm(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        pending = state.pending or {}
        target = (pending.get("target") or {}).get("concept") if pending.get("kind") == "drop" else None
        if reading.concepts() and not state.is_empty() and target not in reading.concepts():
            return self._refine(state.edited(pending=None), reading, turn)  # "ugh ok, black is fine": black then
        if pending.get("kind") == "drop":
            return self._drop(state, Reading(), turn)
        if not pending and any(self.resolver.is_category(c) for c in reading.concepts()):
            return self._search(state, reading, turn)  # "kajol" taken for a yes: a product named, nothing asked
        return Outcome(state.edited(pending=None), {"kind": "affirm_nothing"}, search=False)

    def _deny(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        if not state.pending and not state.is_empty() and (reading.relative or reading.price_words):
            return self._refine(state, reading, turn)  # "classier, i don't mind paying more": a move, no "no"
        return Outcome(state.edited(pending=None), {"kind": "deny"}, search=False)

    def _reset(self, state: QueryState, reading: Reading, turn: dict) -> Outcome:
        if any(self.resolver.is_category(c) or self.tree.owner_category(c) is not None for c in reading.concepts()):
            return self._search(state, reading, turn)  # "forget that, show me flats instead", "big tote bag ...": a search ("this top in pink" after a photo still edits it)
        return Outcome(QueryState(), {"kind": "started_over"}, search=False)


IN_A_VALUE = re.compile(  # a shown product "in" another value: "the 4th in black", "number 2 one in red"
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|last|one|pair)(?:\s+[a-z]+)?(?:,?\s+but)?"
    r"\s+in\s+(?:a\s+|an\s+)?[a-z]")  # ... "the fourth bag but in black"


def _exclusive(tree: EITree, cid: str) -> bool:
    """Whether a concept sits in an exclusive group (a category, or a value of an E facet)."""
    return bool(tree.exclusive_siblings(cid)) or tree[cid].kind == "category"


def quantile(values: np.ndarray, q: float) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.quantile(values, q)) if len(values) else None
