"""Shoppers' words to EI-tree concepts: names, synonyms, everyday phrases and typos.

``ConceptResolver.resolve`` turns one term (a concept id, a name or synonym, an everyday phrase
such as "for my husband") into concept ids, attribute values under the query's category (a
value named without a category, "long sleeves", belongs to the category being searched; when
several categories carry it and none is searched, all of them are taken, which ranks as "any
of these"). A misspelt term ("tshrts") is corrected when one known term is clearly the closest
(rapidfuzz); otherwise ``UnknownConcept`` carries the closest names to ask about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from models.tree import EITree, normalise_term

SURE_SCORE = 88  # a typo at least this close (0-100), clearly ahead of the next reading, is corrected
ASK_SCORE = 70  # offered as a suggestion from this score
MIN_FUZZY_CHARS = 4  # shorter words are never corrected ("bed" is not "red")
STOP_WORDS = {
    "show", "shows", "find", "want", "need", "looking", "look", "some", "something", "with", "without", "that",
    "this", "these", "those", "them", "they", "have", "please", "like", "more", "less", "just", "only", "also",
    "what", "which", "where", "there", "here", "your", "mine", "from", "into", "over", "under", "below",
    "above", "between", "cheap", "cheaper", "price", "prices", "size", "sizes", "brand", "brands", "other",
    "another", "ones", "thing", "things", "good", "nice", "great", "best", "very", "really", "would", "could",
    "should", "about", "around", "maybe", "anything", "stuff", "items", "item", "products", "product", "buy",
}


class UnknownConcept(KeyError):
    """A concept name that matches nothing; ``suggestions`` holds the closest known names."""

    def __init__(self, term: str, suggestions: list[str]):
        self.term, self.suggestions = term, suggestions
        super().__init__(f"unknown concept {term!r}" + (f"; did you mean: {', '.join(suggestions)}?"
                                                          if suggestions else ""))


def display_name(name: str) -> str:
    """A node's name without its "(qualifier)": "Accessories (Accessories)" -> "Accessories"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", str(name))


@dataclass
class Reading:
    """How a term was read: the concept ids, and the known term a typo was corrected to."""

    concepts: list[str]
    corrected_to: str | None = None


class ConceptResolver:
    """Names, synonyms and everyday phrases of the tree's concepts, with scoped look-ups."""

    def __init__(self, tree: EITree, phrases: dict[str, list[str]] | None = None):
        self.tree = tree
        self.phrases = {normalise_term(p): [c for c in ids if c in tree.nodes] for p, ids in (phrases or {}).items()}
        self.terms: dict[str, str] = {}  # normalised term -> its display form (what a correction says)
        for nid, node in tree.nodes.items():
            if node.kind in ("category", "value"):
                for term in (node.name, *node.synonyms):
                    self.terms.setdefault(normalise_term(display_name(term)), display_name(term))
        for phrase in self.phrases:
            self.terms.setdefault(phrase, phrase)
        self._choices = list(self.terms)

    # ------------------------------------------------------------------ structure
    def is_category(self, cid: str) -> bool:
        return cid in self.tree.nodes and self.tree[cid].kind == "category"

    def category_of(self, concept_ids: list[str]) -> str | None:
        """The most specific category among concept ids (the query's category)."""
        cats = [c for c in concept_ids if self.is_category(c)]
        return max(cats, key=lambda c: self.tree[c].level) if cats else None

    def fits(self, cid: str, category: str | None) -> bool:
        """Whether an attribute value applies under ``category`` (root-level values always do)."""
        owner = self.tree.owner_category(cid)
        if owner is None or category is None:
            return True
        on_path = {n.id for n in self.tree.path(category)} | set(self.tree.descendants(category))
        return owner.id in on_path

    def rescope(self, cid: str, category: str | None) -> list[str]:
        """The same-named value of the same group that fits ``category`` ("long sleeves" of
        topwear -> of dresses); ``[cid]`` when it fits; [] when the category has no such value."""
        if self.is_category(cid) or self.fits(cid, category):
            return [cid]
        node = self.tree[cid]
        return [n.id for n in self.tree.resolve(node.name, category)
                if n.group == node.group and n.kind == "value" and self.fits(n.id, category)]

    def same_value_everywhere(self, cid: str) -> list[str]:
        """Every value of the same name and group, in every category that carries it."""
        node = self.tree[cid]
        if node.kind != "value" or self.tree.owner_category(cid) is None:
            return [cid]
        return sorted({n.id for n in self.tree.resolve(node.name) if n.group == node.group and n.kind == "value"})

    # ------------------------------------------------------------------ look-ups
    def resolve(self, term: str, category: str | None = None, fuzzy: bool = True) -> Reading:
        """Concept ids a term names (see the module docstring); raises UnknownConcept."""
        reading = self.lookup(term, category)
        if reading is not None:
            return reading
        if fuzzy:
            corrected = self.correct(term)
            if corrected is not None:
                found = self.lookup(corrected, category)
                if found is not None:
                    return Reading(found.concepts, corrected_to=self.terms[normalise_term(corrected)])
        raise UnknownConcept(term, self.suggest(term))

    def lookup(self, term: str, category: str | None = None) -> Reading | None:
        """The exact reading of a term (id, name, synonym or everyday phrase), else None."""
        if term in self.tree.nodes and self.tree[term].kind in ("category", "value"):
            return Reading([term])  # an id is taken as given; edits re-scope it to the query's category
        key = normalise_term(display_name(term))
        if key in self.phrases and self.phrases[key]:
            return Reading(list(self.phrases[key]))
        hits = self.tree.resolve(key, category) if category else []
        if not hits:
            hits = self.tree.resolve(key)
        if not hits:  # "full-sleeve": the words written apart may be known
            return self.lookup(key.replace("-", " "), category) if "-" in key else None
        categories = [h.id for h in hits if h.kind == "category" or self.tree.owner_category(h.id) is None]
        if categories:
            return Reading(categories[:1])
        fitting = [h.id for h in hits if self.fits(h.id, category)]
        return Reading(sorted(set(fitting or [h.id for h in hits])))

    def correct(self, term: str, min_score: float = SURE_SCORE) -> str | None:
        """The known term a misspelling clearly means ("tshrts" -> "tshirts"), else None."""
        key = normalise_term(term)
        if len(key.replace(" ", "")) < MIN_FUZZY_CHARS or key in STOP_WORDS:
            return None
        scored = process.extract(key, self._choices, scorer=fuzz.ratio, limit=3)
        if not scored or scored[0][1] < min_score:
            return None
        best, score = scored[0][0], scored[0][1]
        rivals = [t for t, s, _ in scored[1:] if s > score - 5 and self.lookup(t, None) != self.lookup(best, None)]
        if OSA.distance(key, best) > 1 + len(key) // 6:  # a few keystrokes, not a lookalike ("lippies" is no "slippers")
            return None
        return None if rivals else best

    def one_edit(self, term: str) -> str | None:
        """The known term one keystroke from a word (a letter missed, added, changed, or two
        swapped: "clucth", "pnik", "shrit"), when no other reading is as near, else None."""
        hits = self.one_edit_all(term)
        readings = {tuple(r.concepts) for r in (self.lookup(t, None) for t in hits) if r is not None}
        return hits[0] if len(readings) == 1 else None

    def one_edit_all(self, term: str) -> list[str]:
        """Every known term one keystroke from a word (nearest spellings first)."""
        key = normalise_term(term)
        if len(key) < MIN_FUZZY_CHARS or " " in key or key in STOP_WORDS:
            return []
        return [t for form in (key, key + "s", key + "es")  # "clucth": the catalogue says "clutches"
                for t, _, _ in process.extract(form, self._choices, scorer=OSA.distance, score_cutoff=1, limit=8)]

    def suggest(self, term: str, limit: int = 4) -> list[str]:
        """The closest known names to a term (display form), best first."""
        key = normalise_term(term)
        if not key:
            return []
        scored = process.extract(key, self._choices, scorer=fuzz.WRatio, limit=limit * 3)
        out: list[str] = []
        for choice, score, _ in scored:
            name = self.terms[choice]
            if score >= ASK_SCORE and name.lower() not in {o.lower() for o in out}:
                out.append(name)
        return out[:limit]

    def close(self, term: str, min_score: float, limit: int = 3) -> list[str]:
        """Known names (display form) spelled within ``min_score`` (rapidfuzz ratio) of a term."""
        scored = process.extract(normalise_term(term), self._choices, scorer=fuzz.ratio, limit=limit)
        return list(dict.fromkeys(self.terms[t] for t, s, _ in scored if s >= min_score))

    def display(self, cid: str) -> str:
        return display_name(self.tree[cid].name)
