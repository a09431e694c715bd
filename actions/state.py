"""Query state in slots, what the latest message asks for, and how edits change the state.

Pure functions: no engine calls, no dispatcher. The slots hold the engine's resolved concept
ids (its ``query`` answer), so the state is always clean: one value per exclusive group.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from rasa_sdk.events import SlotSet

from .concepts import ConceptIndex

CONCEPT_ENTITIES = ("category", "colour", "gender", "usage", "season", "sleeve", "neck", "pattern", "fit",
                    "fabric", "length", "fastening", "concept")
NEGATIONS = {"not", "no", "without", "except", "nothing", "hate", "avoid", "exclude", "hide", "non", "skip",
             "minus", "none", "never", "remove", "don't want", "dont want", "not want", "don't like", "dont like"}
FILLERS = {"a", "an", "the", "any", "more", "in", "with", "of"}  # "without a collar", "no more red"
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10, "last": -1}
GROUP_WORDS = {"colour": {"colour"}, "color": {"colour"}, "sleeve": {"sleeve", "sleeve_style"},
               "sleeves": {"sleeve", "sleeve_style"}, "fit": {"fit", "rise"}, "pattern": {"pattern", "print"},
               "neck": {"neck", "collar"}, "collar": {"neck", "collar"}, "fabric": {"fabric", "material"},
               "material": {"fabric", "material"}, "length": {"length", "ankle"}, "gender": {"gender"},
               "season": {"season"}, "occasion": {"usage"}, "category": {"master", "sub", "type"}}
MAX_OFFSET = 1000  # the engine pages at most this deep
STATE_SLOTS = ("include", "exclude", "category", "reference", "image_id", "query_text", "page", "results",
               "pending")


def page_size() -> int:
    """Products shown per reply (FASHIONBOT_BOT_PAGE_SIZE)."""
    return int(os.environ.get("FASHIONBOT_BOT_PAGE_SIZE", "5"))


@dataclass
class Mention:
    """A concept named in a message."""

    value: str  # canonical concept id or name
    entity: str
    exclude: bool = False


@dataclass
class Request:
    """What the latest user message asks for."""

    intent: str
    text: str
    mentions: list[Mention] = field(default_factory=list)
    ordinal: int | None = None
    image_id: str | None = None

    @property
    def include(self) -> list[str]:
        return [m.value for m in self.mentions if not m.exclude]

    @property
    def exclude(self) -> list[str]:
        return [m.value for m in self.mentions if m.exclude]


def _spans(entities: list[dict]) -> list[list[dict]]:
    """Entities grouped by overlapping character spans (payload entities stand alone)."""
    groups: list[list[dict]] = []
    for entity in sorted(entities, key=lambda e: (e.get("start") or 0, -(e.get("end") or 0))):
        if "start" not in entity or entity.get("extractor") is None:
            groups.append([entity])
            continue
        last = groups[-1] if groups else None
        if last and "start" in last[0] and last[0].get("extractor") is not None \
                and entity["start"] < max(e["end"] for e in last):
            last.append(entity)
        else:
            groups.append([entity])
    return groups


def _negated(text: str, start: int | None) -> bool:
    """Whether a negation word stands just before a mention ("not", "without", "but not" ...)."""
    if start is None:
        return False
    before = re.findall(r"[a-z']+", text[:start].lower())[-3:]
    while len(before) > 1 and before[-1] in FILLERS:
        before.pop()
    return bool(before) and (before[-1] in NEGATIONS or " ".join(before[-2:]) in NEGATIONS)


def _has_negation(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    return any(w in NEGATIONS for w in words) or any(" ".join(p) in NEGATIONS for p in zip(words, words[1:]))


def ordinal_in(text: str) -> int | None:
    """An item position named in free text: "the 2nd", "second one", "#3", "number 4", "the last"."""
    lowered = text.lower()
    for word, value in ORDINAL_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return value
    match = re.search(r"(?:#|\bno\.?\s*|\bnumber\s+|\bitem\s+|\boption\s+)(\d{1,2})\b", lowered) \
        or re.search(r"\b(\d{1,2})(?:st|nd|rd|th)\b", lowered)
    return int(match.group(1)) if match else None


def read_request(message: dict) -> Request:
    """The intent, concepts (with polarity), item position and image of the latest message.

    The regex extractor and DIET may both find a concept: overlapping spans count once, the
    longest reading wins, and DIET's ``exclude`` role (or a negation word just before the
    mention) makes it an exclusion."""
    intent = (message.get("intent") or {}).get("name") or ""
    text = message.get("text") or ""
    entities = message.get("entities") or []
    request = Request(intent=intent, text=text)
    for group in _spans([e for e in entities if e.get("entity") in CONCEPT_ENTITIES]):
        best = max(group, key=lambda e: ((e.get("end") or 0) - (e.get("start") or 0),
                                         e.get("extractor") == "RegexEntityExtractor"))
        exclude = any(e.get("role") == "exclude" for e in group) or _negated(text, best.get("start"))
        value = str(best.get("value"))
        if value and value not in [m.value for m in request.mentions]:
            request.mentions.append(Mention(value=value, entity=best["entity"], exclude=exclude))
    if intent == "exclude" and request.mentions and not any(m.exclude for m in request.mentions) \
            and _has_negation(text):
        for mention in request.mentions:
            mention.exclude = True
    for entity in entities:
        if entity.get("entity") == "ordinal" and request.ordinal is None:
            try:
                request.ordinal = int(str(entity.get("value")))
            except ValueError:
                request.ordinal = ORDINAL_WORDS.get(str(entity.get("value")).lower())
        elif entity.get("entity") == "image_id":
            request.image_id = str(entity.get("value"))
    if request.ordinal is None and not text.startswith("/"):
        request.ordinal = ordinal_in(text)
    return request


@dataclass
class QueryState:
    """The current search, as held in slots."""

    include: list[str] = field(default_factory=list)  # concept ids (or names before resolution)
    exclude: list[str] = field(default_factory=list)
    reference: int | None = None  # product id of "more like this"
    image_id: str | None = None  # uploaded photo of an image search
    text: str | None = None  # free text, when the shopper named no known concept
    offset: int = 0  # first result shown

    @classmethod
    def from_slots(cls, slots: dict) -> "QueryState":
        ref = slots.get("reference")
        return cls(include=list(slots.get("include") or []), exclude=list(slots.get("exclude") or []),
                   reference=int(ref) if ref not in (None, "") else None, image_id=slots.get("image_id") or None,
                   text=slots.get("query_text") or None, offset=int(slots.get("page") or 0))

    def is_empty(self) -> bool:
        return not (self.include or self.exclude or self.reference or self.image_id or self.text)

    def search_args(self, k: int) -> dict:
        """Keyword arguments of ``EngineClient.search``."""
        return {"include": self.include, "exclude": self.exclude, "like": self.reference,
                "image_id": self.image_id, "text": self.text, "k": k, "offset": self.offset}

    def resolved(self, query: dict) -> "QueryState":
        """This state with the engine's resolved concept ids (its ``query`` answer)."""
        return replace(self, include=[c["concept"] for c in query.get("include", [])],
                       exclude=[c["concept"] for c in query.get("exclude", [])])


def category_of(include: list[str], concepts: ConceptIndex | None) -> str | None:
    """The most specific category among included concept ids."""
    if concepts is None:
        return None
    cats = [c for c in include if concepts.is_category(c)]
    return max(cats, key=lambda c: len(concepts.path(c))) if cats else None


def state_events(state: QueryState, concepts: ConceptIndex | None, current: dict,
                 results: list[dict] | None = None, pending: dict | None = None) -> list[SlotSet]:
    """SlotSet events storing a state (and the results shown, and any open question): only the
    slots whose value changes, since every event travels with each later action call."""
    values = {"include": state.include, "exclude": state.exclude,
              "category": category_of(state.include, concepts),
              "reference": float(state.reference) if state.reference is not None else None,
              "image_id": state.image_id, "query_text": state.text, "page": float(state.offset), "pending": pending}
    if results is not None:
        values["results"] = results
    return [SlotSet(name, value) for name, value in values.items() if current.get(name) != value]


def clear_events() -> list[SlotSet]:
    """SlotSet events emptying the whole query state."""
    return [SlotSet(name, None) for name in STATE_SLOTS]


# ---------------------------------------------------------------------------- edits
def new_search(request: Request) -> QueryState:
    """A new search replaces the state with what this message names (its words, when it names
    no known concept)."""
    text = None if request.mentions else (request.text.strip() or None)
    return QueryState(include=request.include, exclude=request.exclude, text=text)


def _switch_category(state: QueryState, category: str, concepts: ConceptIndex) -> QueryState:
    """Drop the old categories and re-scope (or drop) values that belonged to them."""
    def keep(ids: list[str]) -> list[str]:
        out = []
        for cid in ids:
            if cid not in concepts:  # a name the engine has not resolved yet
                out.append(cid)
            elif not concepts.is_category(cid):
                moved = concepts.rescope(cid, category)
                if moved and moved not in out:
                    out.append(moved)
        return out

    return replace(state, include=keep(state.include), exclude=keep(state.exclude))


def refine(state: QueryState, request: Request, concepts: ConceptIndex | None) -> QueryState:
    """A refine edits the state: new concepts are added (the engine replaces a value of the
    same exclusive group), exclusions move from include to exclude and back, and a new
    category replaces the old one. Paging restarts."""
    new_category = None
    if concepts is not None:
        cats = [concepts.category_of(v) for v in request.include]
        new_category = next((c for c in reversed(cats) if c), None)
    if new_category is not None:
        state = _switch_category(state, new_category, concepts)
    removed_ids = _ids(request.exclude, concepts) | set(request.exclude)
    added_ids = _ids(request.include, concepts) | set(request.include)
    include = [c for c in state.include if c not in removed_ids and c not in request.include] + request.include
    exclude = [c for c in state.exclude if c not in added_ids and c not in request.exclude] + request.exclude
    return replace(state, include=include, exclude=exclude, offset=0)


def _ids(terms: list[str], concepts: ConceptIndex | None) -> set[str]:
    if concepts is None:
        return set()
    return {cid for term in terms for cid in concepts.lookup(term)}


def groups_named(text: str) -> set[str]:
    """Concept groups a message names as a whole ("any colour is fine", "forget the sleeves")."""
    return {g for word in re.findall(r"[a-z]+", text.lower()) for g in GROUP_WORDS.get(word, ())}


def drop(state: QueryState, terms: list[str], concepts: ConceptIndex | None,
         groups: set[str] = frozenset()) -> tuple[QueryState, list[str]]:
    """Remove concepts (by id or name, or every concept of the named groups) from the includes
    and excludes; returns the ids removed."""
    ids = _ids(terms, concepts) | set(terms)
    if concepts is not None and groups:
        ids |= {c for c in state.include + state.exclude if concepts.group(c) in groups}
    removed = [c for c in state.include + state.exclude if c in ids]
    return replace(state, include=[c for c in state.include if c not in ids],
                   exclude=[c for c in state.exclude if c not in ids], offset=0), removed


def more_like(state: QueryState, item: dict, request: Request, concepts: ConceptIndex | None) -> QueryState:
    """"More like the N-th": the item becomes the reference, its category is kept, so are the
    earlier requests it meets, and this message's edits apply on top."""
    category = item.get("category")
    matched = {m["concept"] if isinstance(m, dict) else m for m in item.get("matched", [])}
    kept = [c for c in state.include if c in matched and (concepts is None or not concepts.is_category(c))]
    base = QueryState(include=([category] if category else []) + kept, exclude=list(state.exclude),
                      reference=int(item["id"]))
    return refine(base, request, concepts)


def pick_item(results: list[dict], ordinal: int | None) -> dict | None:
    """The shown item a position names: its rank in the list, else its place on the page
    (first when no position is given, -1 for the last)."""
    if not results:
        return None
    if ordinal is None:
        return results[0]
    if ordinal == -1:
        return results[-1]
    for item in results:
        if item.get("rank") == ordinal:
            return item
    return results[ordinal - 1] if 1 <= ordinal <= len(results) else None


def results_slot(items: list[dict], offset: int, concepts: ConceptIndex | None) -> list[dict]:
    """What is kept of the shown items, for "the 2nd one" and "why this one?"."""
    out = []
    for rank, item in enumerate(items, start=offset + 1):
        out.append({"rank": rank, "id": item["id"], "name": item["name"], "score": item.get("score"),
                    "category": _item_category(item, concepts),
                    "matched": [_brief(m) for m in item.get("matched", [])],
                    "missed": [_brief(m) for m in item.get("missed", [])],
                    "excluded_present": [_brief(m) for m in item.get("excluded_present", [])],
                    "score_parts": item.get("score_parts", {})})
    return out


def _brief(concept: dict) -> dict:
    return {"concept": concept["concept"], "name": concept["name"], "group": concept.get("group"),
            "prob": concept.get("prob")}


def _item_category(item: dict, concepts: ConceptIndex | None) -> str | None:
    """The most specific category the engine is confident an item has."""
    cats = [c for c in item.get("top_concepts", []) + item.get("matched", [])
            if c.get("group") in ("type", "sub", "master")]
    if not cats:
        return None
    depth = {"type": 3, "sub": 2, "master": 1}
    best = max(cats, key=lambda c: (len(concepts.path(c["concept"])) if concepts and c["concept"] in concepts
                                    else depth[c["group"]], c.get("prob") or 0))
    return best["concept"]
