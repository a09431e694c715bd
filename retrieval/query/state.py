"""The shopper's query, as the engine owns it, and the concept edits on it.

A query holds an optional reference (a product id or an uploaded image), optional free text,
included and excluded concepts, hard filters (``Filters``), a sort order, the page being
shown and an open question. The state travels to the bot and back unchanged (``to_dict`` /
``from_dict``); only the engine edits it (``retrieval/query/edits.py`` applies a shopper's turn).

Concept edits (``apply_edit``):

- ``set``: a value within an exclusive group replaces its siblings ("long sleeves" clears
  "short sleeves"; "shirts" clears "t-shirts" and the attribute values of other categories);
- ``add``: an independent concept joins the includes;
- ``remove``: a concept leaves the includes and excludes;
- ``exclude``: a concept is excluded (and no longer included);
- ``any``: several alternatives of one group are included together, meaning "any of these"
  (a coat read as jackets or blazers; "wine" read as maroon or burgundy); their rivals go.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from models.tree import EITree

from .filters import Filters

SORTS = ("relevance", "price_asc", "price_desc", "discount")


@dataclass
class QueryState:
    """What the shopper is looking for, and what was shown last."""

    like: int | None = None  # reference product id
    image_id: str | None = None  # reference uploaded image
    text: str | None = None  # free text (a search that names no known concept)
    include: list[str] = field(default_factory=list)  # concept ids
    exclude: list[str] = field(default_factory=list)  # concept ids (every category's reading)
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # relevance | price_asc | price_desc | discount
    offset: int = 0  # first result of the page shown
    shown: list[int] = field(default_factory=list)  # ids on that page, in order (rank = offset + i + 1)
    pending: dict | None = None  # an open question (see edits.py)
    focus: int | None = None  # the shown product the last details, look or comparison was about ("it")
    implied: list[str] = field(default_factory=list)  # included concepts a need implied, never said ("for work": Formal)

    def is_empty(self) -> bool:
        """No search is on (nothing to rank by and nothing to filter)."""
        return not (self.like is not None or self.image_id or (self.text and self.text.strip()) or self.include
                    or self.exclude or not self.filters.is_empty())

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "QueryState":
        data = dict(data or {})
        data["filters"] = Filters(**(data.get("filters") or {}))
        return cls(**data)

    def edited(self, **changes) -> "QueryState":
        """A copy with fields replaced (lists copied, so the original is never shared)."""
        base = replace(self, include=list(self.include), exclude=list(self.exclude), shown=list(self.shown),
                       filters=Filters(**self.filters.to_dict()))
        return replace(base, **changes)


def unknown_concepts(state: QueryState, tree: EITree) -> list[str]:
    """Concept ids a state names that the tree does not have (in its includes, excludes or the
    open question's target): a state the engine never returned, refused before any rule reads it."""
    target = (state.pending or {}).get("target") or {}
    named = [*state.include, *state.exclude, *([target["concept"]] if target.get("concept") is not None else [])]
    return [cid for cid in named if cid not in tree.nodes]


def apply_edit(state: QueryState, op: str, concepts: list[str], tree: EITree) -> QueryState:
    """A new state with one concept edit applied to resolved concept ids (see module docstring)."""
    include, exclude = list(state.include), list(state.exclude)
    if op == "any" and len(concepts) > 1:
        keep = {n.id for c in concepts for n in tree.path(c)} | {d for c in concepts for d in tree.descendants(c)}
        rivals = {s.id for c in concepts for s in tree.exclusive_siblings(c)} - set(concepts)
        if any(tree[c].kind == "category" for c in concepts):
            rivals |= {c for c in include if tree[c].kind == "category" and c not in keep}
            rivals |= {c for c in include if tree[c].kind == "value" and tree.owner_category(c) is not None
                       and tree.owner_category(c).id not in keep}
        include = [c for c in include if c not in rivals and c not in concepts] + list(concepts)
        exclude = [c for c in exclude if c not in concepts]
        return state.edited(include=include, exclude=exclude)
    op = "set" if op == "any" else op
    for cid in concepts:
        if op in ("set", "add"):
            rivals = {s.id for s in tree.exclusive_siblings(cid)}
            if tree[cid].kind == "category":  # a product has one category path: others conflict
                keep = {n.id for n in tree.path(cid)} | set(tree.descendants(cid))
                rivals |= {c for c in include if tree[c].kind == "category" and c not in keep}
                # ... and so do attribute values attached to categories off that path
                rivals |= {c for c in include if tree[c].kind == "value" and tree.owner_category(c) is not None
                           and tree.owner_category(c).id not in keep}
            include = [c for c in include if c not in rivals and c != cid] + [cid]
            exclude = [c for c in exclude if c != cid]
        elif op == "remove":
            include = [c for c in include if c != cid]
            exclude = [c for c in exclude if c != cid]
        elif op == "exclude":
            include = [c for c in include if c != cid]
            exclude = [c for c in exclude if c != cid] + [cid]
        else:
            raise ValueError(f"unknown edit {op!r}: use set, add, remove or exclude")
    return state.edited(include=include, exclude=exclude)


def merge_same_values(tree: EITree, concepts: list[str], alternatives: bool = True) -> list[list[str]]:
    """Group concept ids that make one request "any of": the same value under different
    categories and, for requests (``alternatives``; not for exclusions, each its own), the
    alternatives of one exclusive group (two colours: a product has one) and alternative
    categories (jackets or blazers; an ancestor of another is its own request)."""
    implied = {a.id for cid in concepts for a in tree.category_ancestors(cid) if a.id != cid}
    groups: dict[tuple, list[str]] = {}
    for cid in concepts:
        node = tree[cid]
        if not alternatives:
            key = (node.group, node.name) if node.kind == "value" and tree.owner_category(cid) else (cid,)
        elif node.kind == "category":
            key = ("category",) if cid not in implied else (cid,)
        elif node.kind == "value" and tree.exclusive_siblings(cid):
            key = ("value", node.group)
        elif node.kind == "value" and tree.owner_category(cid):
            key = (node.group, node.name)
        else:
            key = (cid,)
        groups.setdefault(key, []).append(cid)
    return list(groups.values())
