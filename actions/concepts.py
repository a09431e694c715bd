"""A read-only view of the engine's EI tree (from GET /tree) for planning query edits.

The engine resolves names and replaces values within an exclusive group. What it cannot know
is that a shopper who switches category ("now jeans") drops the old category and the
attribute values that belonged to it; this view answers that.
"""
from __future__ import annotations

import re

ROOT_GROUPS = {"colour", "gender", "usage", "season"}
CATEGORY_GROUPS = {"master", "sub", "type"}


def normalise(text: str) -> str:
    """Lower case, single spaces, no underscores, no "(qualifier)": how names are compared."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", str(text))
    text = re.sub(r"[_\s]+", " ", text.lower()).strip()
    return re.sub(r"\s*-\s*", "-", text)


class ConceptIndex:
    """Parents, kinds, groups and names of the tree's nodes."""

    def __init__(self, tree_json: dict):
        self.nodes: dict[str, dict] = {}
        self.parent: dict[str, str | None] = {}
        self._by_name: dict[str, list[str]] = {}

        def walk(spec: dict, parent: str | None) -> None:
            node = {k: v for k, v in spec.items() if k != "children"}
            self.nodes[spec["id"]] = node
            self.parent[spec["id"]] = parent
            if spec.get("kind") in ("category", "value"):
                for term in {spec["id"], spec["name"], *spec.get("synonyms", [])}:
                    self._by_name.setdefault(normalise(term), []).append(spec["id"])
            for child in spec.get("children") or []:
                walk(child, spec["id"])

        walk(tree_json["tree"], None)

    def __contains__(self, cid: str) -> bool:
        return cid in self.nodes

    def kind(self, cid: str) -> str | None:
        return self.nodes.get(cid, {}).get("kind")

    def group(self, cid: str) -> str | None:
        return self.nodes.get(cid, {}).get("group")

    def name(self, cid: str) -> str:
        return self.nodes[cid]["name"] if cid in self.nodes else cid

    def path(self, cid: str) -> list[str]:
        """Ids from the root to ``cid`` (inclusive)."""
        out = []
        while cid is not None and cid in self.nodes:
            out.append(cid)
            cid = self.parent[cid]
        return out[::-1]

    def owner(self, cid: str) -> str | None:
        """The most specific category above a value; None for colours, genders, usages, seasons."""
        cats = [n for n in self.path(cid)[:-1] if self.kind(n) == "category"]
        return cats[-1] if cats else None

    def lookup(self, term: str) -> list[str]:
        """Concept ids named by an id, name or synonym (every category carrying it)."""
        if term in self.nodes:
            return [term]
        return list(self._by_name.get(normalise(term), []))

    def containing(self, word: str, among: list[str] | None = None) -> list[str]:
        """Concepts whose name contains ``word`` as a word ("collar" -> Polo Collar, Spread
        Collar ...), searched among ``among`` (ids) first, then the whole tree."""
        key = normalise(word)
        pattern = re.compile(rf"\b{re.escape(key)}\b")
        pools = [[c for c in among or [] if c in self.nodes], [n for n in self.nodes]]
        for pool in pools:
            hits = [c for c in pool if self.kind(c) in ("category", "value") and pattern.search(normalise(self.name(c)))]
            if hits:
                return hits
        return []

    def category_of(self, term: str) -> str | None:
        """The category a term names (a category node, not a style value), else None."""
        hits = [h for h in self.lookup(term) if self.kind(h) == "category"]
        return hits[0] if hits else None

    def is_category(self, cid: str) -> bool:
        return self.kind(cid) == "category"

    def fits(self, cid: str, category: str) -> bool:
        """Whether a concept still applies under ``category``: root-level values always do,
        attribute values when their owner is on the category's path."""
        if self.is_category(cid):
            return False
        owner = self.owner(cid)
        return owner is None or owner in self.path(category)

    def rescope(self, cid: str, category: str) -> str | None:
        """The same-named value under ``category`` (e.g. long sleeves of dresses instead of
        topwear), ``cid`` itself when it fits, else None."""
        if self.fits(cid, category):
            return cid
        node = self.nodes.get(cid)
        if node is None:
            return None
        for other in self.lookup(node["name"]):
            if self.group(other) == node.get("group") and self.fits(other, category) and not self.is_category(other):
                return other
        return None
