"""Query state and concept edits.

A query holds an optional reference (a product id or an uploaded image), optional free text,
included concepts and excluded concepts. Edits:

- ``set``: a value within an exclusive group replaces its siblings ("long sleeves" clears
  "short sleeves"; "shirts" clears "t-shirts");
- ``add``: an independent concept joins the includes;
- ``remove``: a concept leaves the includes and excludes;
- ``exclude``: a concept is excluded (and no longer included).

Concepts are named by id or any synonym. An attribute value named without a category
("long sleeves") resolves under the query's category, else the reference's; when several
categories carry it (long sleeves on topwear and on dresses), all of them are taken, which
ranks as "any of these".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.tree import EITree, normalise_term


class UnknownConcept(KeyError):
    """A concept name that matches nothing; ``suggestions`` holds the closest known names."""

    def __init__(self, term: str, suggestions: list[str]):
        self.term, self.suggestions = term, suggestions
        super().__init__(f"unknown concept {term!r}" + (f"; did you mean: {', '.join(suggestions)}?"
                                                          if suggestions else ""))


@dataclass
class QueryState:
    """What the shopper is looking for."""

    like: int | None = None  # reference product id
    image_id: str | None = None  # reference uploaded image
    text: str | None = None  # free text
    include: list[str] = field(default_factory=list)  # concept ids (each may stand for a set: see ``expand``)
    exclude: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.like or self.image_id or (self.text and self.text.strip()) or self.include)


class ConceptResolver:
    """Turns shoppers' words into concept ids, using the tree's synonyms and scopes."""

    def __init__(self, tree: EITree):
        self.tree = tree

    def resolve(self, term: str, scopes: list[str] | None = None) -> list[str]:
        """Concept ids named by ``term``: one for categories and root-level values, possibly
        several for an attribute value shared by categories. Raises UnknownConcept."""
        if term in self.tree.nodes and self.tree[term].kind in ("category", "value"):
            return [term]
        for scope in [s for s in (scopes or []) if s]:
            hits = self.tree.resolve(term, scope)
            if hits:
                return self._dedupe(hits)
        hits = self.tree.resolve(term)
        if not hits:
            raise UnknownConcept(term, self.tree.suggest(term))
        return self._dedupe(hits)

    def _dedupe(self, hits) -> list[str]:
        globals_ = [h.id for h in hits if self.tree.owner_category(h.id) is None or h.kind == "category"]
        return globals_[:1] if globals_ else sorted({h.id for h in hits})

    def mentions(self, text: str, max_words: int = 4) -> list[str]:
        """Concept ids mentioned in free text (longest match first, no overlaps); attribute values
        resolve under the categories mentioned in the same text."""
        words = re.findall(r"[a-z0-9/]+(?:-[a-z0-9]+)*", normalise_term(text))
        spans: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            for n in range(min(max_words, len(words) - i), 0, -1):
                phrase = " ".join(words[i:i + n])
                if self.tree.resolve(phrase):
                    spans.append((i, i + n, phrase))
                    i += n
                    break
            else:
                i += 1
        categories = [self.resolve(p)[0] for _, _, p in spans
                      if self.tree.resolve(p) and self.tree.resolve(p)[0].kind == "category"]
        out: list[str] = []
        for _, _, phrase in spans:
            for cid in self.resolve(phrase, scopes=categories[::-1]):
                if cid not in out:
                    out.append(cid)
        return out


def apply_edit(state: QueryState, op: str, concepts: list[str], tree: EITree) -> QueryState:
    """A new state with one edit applied to resolved concept ids (see module docstring)."""
    include, exclude = list(state.include), list(state.exclude)
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
    return QueryState(like=state.like, image_id=state.image_id, text=state.text, include=include, exclude=exclude)


def merge_same_values(tree: EITree, concepts: list[str]) -> list[list[str]]:
    """Group concept ids that are the same value under different categories (one request each)."""
    groups: dict[tuple, list[str]] = {}
    for cid in concepts:
        node = tree[cid]
        key = (node.group, node.name) if node.kind == "value" and tree.owner_category(cid) else (cid,)
        groups.setdefault(key, []).append(cid)
    return list(groups.values())
