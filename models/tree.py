"""The EI (Exclusive & Independent) concept tree: loading, validation and look-ups.

Node kinds:
- ``root``: the tree's single root; probability 1.
- ``category``: masterCategory, subCategory and articleType nodes. Sibling categories are
  exclusive (one softmax group per parent).
- ``facet``: a grouping node with no probability of its own (it inherits its parent's):
  the root-level groups colour, gender, usage and season, and each attribute type (sleeve
  length, neck, ...) under the category it is attached to. Facets are independent of each
  other. A facet's ``mode`` says whether its values are exclusive (``E``: one softmax group)
  or independent tags (``I``: one sigmoid each).
- ``value``: a colour, gender, usage, season or attribute value.

P(concept) is the product of the conditional probabilities along its root path. The
structure is generated from the catalogue by the engine's ``retrieval/catalog/tree_build.py`` into
``data/ei_tree.yaml``. It lives in the model library because the concept layer is shaped by it;
the engine reads it from here too. (The neural concept layer built on it is ``models/ei_tree.py``.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import yaml

ROOT_FACETS = ("colour", "gender", "usage", "season")  # independent root-level groups
CATEGORY_GROUPS = ("master", "sub", "type")  # category levels, general to specific


@dataclass
class Node:
    """One concept of the EI tree."""

    id: str  # stable id, e.g. "type.tshirts", "colour.navy_blue", "sub.topwear.sleeve.long_sleeves"
    name: str  # display name
    kind: str  # root | category | facet | value
    group: str  # master | sub | type | colour | gender | usage | season | <attribute id> | root
    parent: str | None
    mode: str | None = None  # how this node's children relate: E (exclusive) or I (independent)
    level: int = 0  # depth from the root
    support: int = 0  # labelled products
    synonyms: list[str] = field(default_factory=list)
    entity: str | None = None  # the NLU entity type that names this concept
    merged: list[str] = field(default_factory=list)  # raw catalogue names folded into this node
    children: list[str] = field(default_factory=list)


class TreeError(ValueError):
    """The tree file violates the EI-tree rules; ``problems`` lists every violation."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} EI-tree violation(s):\n- " + "\n- ".join(problems))


def normalise_term(text: str) -> str:
    """The form used to compare shoppers' words: lower case, single spaces, no punctuation runs."""
    text = re.sub(r"[_\s]+", " ", str(text).lower()).strip()
    return re.sub(r"\s*-\s*", "-", text)


class EITree:
    """An EI tree: nodes by id, with look-ups, paths, label mapping and layer masks."""

    def __init__(self, nodes: Iterable[Node], meta: dict | None = None):
        self.nodes: dict[str, Node] = {}
        self.meta = meta or {}
        self._duplicates: list[str] = []
        for node in nodes:
            if node.id in self.nodes:
                self._duplicates.append(node.id)
            self.nodes[node.id] = node
        for node in self.nodes.values():
            node.children = []
        for node in self.nodes.values():
            if node.parent in self.nodes:
                self.nodes[node.parent].children.append(node.id)

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: Path | str, validate: bool = True) -> "EITree":
        """Load ``data/ei_tree.yaml``; raises TreeError listing every violation."""
        doc = yaml.safe_load(Path(path).read_text())
        nodes: list[Node] = []

        def walk(spec: dict, parent: str | None, level: int):
            children = spec.get("children") or []
            fields = {k: v for k, v in spec.items() if k not in ("children", "level")}
            nodes.append(Node(parent=parent, level=level, **fields))
            for child in children:
                walk(child, spec["id"], level + 1)

        walk(doc["tree"], None, 0)
        tree = cls(nodes, meta=doc.get("meta"))
        if validate:
            tree.validate()
        return tree

    def to_dict(self) -> dict:
        """Nested form, as written to YAML."""

        def nest(nid: str) -> dict:
            node = self.nodes[nid]
            out = {"id": node.id, "name": node.name, "kind": node.kind, "group": node.group, "level": node.level}
            if node.mode:
                out["mode"] = node.mode
            if node.entity:
                out["entity"] = node.entity
            out["support"] = node.support
            if node.synonyms:
                out["synonyms"] = list(node.synonyms)
            if node.merged:
                out["merged"] = list(node.merged)
            if node.children:
                out["children"] = [nest(c) for c in node.children]
            return out

        return {"meta": self.meta, "tree": nest(self.root.id)}

    def save(self, path: Path | str) -> None:
        Path(path).write_text(yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=110))

    # ---------------------------------------------------------------- structure
    @property
    def root(self) -> Node:
        return next(n for n in self.nodes.values() if n.parent is None)

    def __len__(self) -> int:
        return len(self.nodes)

    def __getitem__(self, concept_id: str) -> Node:
        return self.nodes[concept_id]

    @cached_property
    def order(self) -> list[str]:
        """Concept ids in breadth-first order (parents before children): the layer's dimension order."""
        out, frontier = [], [self.root.id]
        while frontier:
            out.extend(frontier)
            frontier = [c for nid in frontier for c in self.nodes[nid].children]
        return out

    @cached_property
    def index(self) -> dict[str, int]:
        return {nid: i for i, nid in enumerate(self.order)}

    def path(self, concept: str) -> list[Node]:
        """Nodes from the root to the concept (inclusive)."""
        node = self.nodes[self.resolve_id(concept)]
        out = [node]
        while node.parent is not None:
            node = self.nodes[node.parent]
            out.append(node)
        return out[::-1]

    def exclusive_siblings(self, concept: str) -> list[Node]:
        """The other members of the concept's exclusive group (empty for independent nodes)."""
        node = self.nodes[self.resolve_id(concept)]
        group = self._group_of(node)
        return [self.nodes[n] for n in group if n != node.id] if group else []

    def _group_of(self, node: Node) -> list[str] | None:
        if node.parent is None:
            return None
        parent = self.nodes[node.parent]
        if node.kind == "category":
            return [c for c in parent.children if self.nodes[c].kind == "category"]
        if node.kind == "value" and parent.mode == "E":
            return list(parent.children)
        return None

    def category_ancestors(self, concept: str) -> list[Node]:
        """Category nodes on the concept's path, general to specific."""
        return [n for n in self.path(concept) if n.kind == "category"]

    def owner_category(self, concept: str) -> Node | None:
        """The most specific category above (or at) a concept; None for root-level facets."""
        cats = self.category_ancestors(concept)
        return cats[-1] if cats else None

    # ---------------------------------------------------------------- masks for the concept layer
    @cached_property
    def exclusive_groups(self) -> list[list[int]]:
        """Groups of exclusive siblings, as lists of dimension indices (softmax within each)."""
        groups = []
        for nid in self.order:
            node = self.nodes[nid]
            cats = [c for c in node.children if self.nodes[c].kind == "category"]
            if len(cats) >= 1:
                groups.append([self.index[c] for c in cats])
            if node.kind == "facet" and node.mode == "E" and node.children:
                groups.append([self.index[c] for c in node.children])
        return groups

    @cached_property
    def independent_nodes(self) -> list[int]:
        """Dimension indices of independent nodes (one sigmoid each)."""
        return [self.index[nid] for nid in self.order
                if self.nodes[nid].kind == "value" and self.nodes[self.nodes[nid].parent].mode == "I"]

    @cached_property
    def pass_through_nodes(self) -> list[int]:
        """Root and facets: no logit of their own, P(node) = P(parent)."""
        return [self.index[nid] for nid in self.order if self.nodes[nid].kind in ("root", "facet")]

    @cached_property
    def parent_index(self) -> list[int]:
        """Dimension index of each concept's parent (-1 for the root)."""
        return [self.index[self.nodes[nid].parent] if self.nodes[nid].parent else -1 for nid in self.order]

    @cached_property
    def depth(self) -> list[int]:
        return [self.nodes[nid].level for nid in self.order]

    def ids_in_group(self, group: str) -> list[str]:
        """Concept ids whose group is ``group`` (e.g. "colour", "type", "sleeve")."""
        return [nid for nid in self.order if self.nodes[nid].group == group and self.nodes[nid].kind != "facet"]

    # ---------------------------------------------------------------- look-up
    @cached_property
    def _terms(self) -> dict[tuple[str | None, str], list[str]]:
        """(scope, term) -> concept ids. Scope is None for global concepts (categories and
        root-level values) and the owning category's id for attribute values."""
        table: dict[tuple[str | None, str], list[str]] = {}
        for nid in self.order:
            node = self.nodes[nid]
            if node.kind in ("root", "facet"):
                continue
            scope = self._scope(node)
            for term in {normalise_term(t) for t in [node.id, node.name, *node.synonyms]}:
                table.setdefault((scope, term), []).append(nid)
        return table

    def _scope(self, node: Node) -> str | None:
        if node.kind != "value":
            return None
        owner = self.owner_category(node.id)
        return owner.id if owner else None

    @cached_property
    def _ids_by_term(self) -> dict[str, str]:
        return {normalise_term(nid): nid for nid, node in self.nodes.items() if node.kind not in ("root", "facet")}

    @cached_property
    def _scopes_by_term(self) -> dict[str, list[tuple[str | None, list[str]]]]:
        """term -> [(scope, concept ids)], for look-ups that search every scope."""
        out: dict[str, list[tuple[str | None, list[str]]]] = {}
        for (scope, term), ids in self._terms.items():
            out.setdefault(term, []).append((scope, ids))
        return out

    def resolve(self, term: str, scope: str | None = None) -> list[Node]:
        """Concepts named by an id or synonym (case-insensitive).

        Global concepts match anywhere. Attribute values match under ``scope`` (a category id):
        those attached to it, its ancestors or its descendants. Without a scope, every attribute
        value of that name matches (the caller decides on ambiguity)."""
        key = normalise_term(term)
        if key in self._ids_by_term:
            return [self.nodes[self._ids_by_term[key]]]
        entries = self._scopes_by_term.get(key, [])
        hits = [nid for s, ids in entries if s is None for nid in ids]
        if scope is not None:
            scope_id = self.resolve_id(scope)
            related = {n.id for n in self.path(scope_id)} | set(self.descendants(scope_id))
            hits += [nid for s, ids in entries if s in related for nid in ids]
        else:
            hits += [nid for s, ids in entries if s is not None for nid in ids]
        seen: dict[str, Node] = {}
        for nid in hits:
            seen.setdefault(nid, self.nodes[nid])
        return list(seen.values())

    def resolve_id(self, concept: str, scope: str | None = None) -> str:
        """The single concept id named by ``concept``; KeyError naming close matches otherwise."""
        if concept in self.nodes:
            return concept
        hits = self.resolve(concept, scope)
        if len(hits) == 1:
            return hits[0].id
        if not hits:
            raise KeyError(f"unknown concept {concept!r}; closest: {', '.join(self.suggest(concept))}")
        raise KeyError(f"ambiguous concept {concept!r}: {', '.join(h.id for h in hits)}")

    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Closest known concept names to ``text`` (for errors and suggestions)."""
        import difflib

        key = normalise_term(text)
        terms = {t: ids for (_, t), ids in self._terms.items()}
        starts = [t for t in terms if t.startswith(key) or key in t] if key else []
        close = difflib.get_close_matches(key, list(terms), n=limit, cutoff=0.5)
        names = []
        for term in [*close, *sorted(starts, key=len)]:
            for nid in terms[term]:
                if self.nodes[nid].name not in names:
                    names.append(self.nodes[nid].name)
        return names[:limit]

    def descendants(self, concept: str) -> list[str]:
        out, frontier = [], list(self.nodes[concept].children)
        while frontier:
            out.extend(frontier)
            frontier = [c for nid in frontier for c in self.nodes[nid].children]
        return out

    # ---------------------------------------------------------------- product labels
    def labels(self, product) -> set[str]:
        """A product's labels as concept ids: its category path, root-level values and its
        attribute values attached to its own categories. ``product`` has the catalogue's
        fields (master_category, sub_category, article_type, base_colour, gender, usage,
        season, and ``attribute_map``)."""
        out: set[str] = set()
        path: list[str] = []
        parent = self.root.id
        for group, raw in (("master", product.master_category), ("sub", product.sub_category),
                           ("type", product.article_type)):
            nid = self._child_named(parent, raw)
            if nid is None:
                continue
            if nid != parent:
                path.append(nid)
            parent = nid
        out.update(path)
        for facet in ROOT_FACETS:
            value = {"colour": product.base_colour, "gender": product.gender, "usage": product.usage,
                     "season": product.season}[facet]
            nid = self._child_named(facet, value) if facet in self.nodes else None
            if nid:
                out.add(nid)
        attrs = getattr(product, "attribute_map", None) or getattr(product, "attributes", {}) or {}
        for cat in [self.root.id, *path]:
            for facet_id in self.nodes[cat].children:
                facet = self.nodes[facet_id]
                if facet.kind == "facet" and facet.group in attrs:
                    nid = self._child_named(facet_id, attrs[facet.group])
                    if nid:
                        out.add(nid)
        return out

    def _child_named(self, parent: str, raw: str | None) -> str | None:
        """The child of ``parent`` whose name (or merged raw name) is ``raw``; the parent itself
        when ``raw`` names it (a merged single-child level)."""
        if raw is None:
            return None
        node = self.nodes[parent]
        for cid in node.children:
            child = self.nodes[cid]
            if child.kind in ("category", "value") and raw in (child.name, *child.merged):
                return cid
        if node.kind == "category" and raw in (node.name, *node.merged):
            return parent
        return None

    # ---------------------------------------------------------------- validation
    def validate(self, products: Iterable | None = None) -> None:
        """Raise TreeError listing every violation; with ``products``, also check their labels."""
        problems = self.problems(products)
        if problems:
            raise TreeError(problems)

    def problems(self, products: Iterable | None = None) -> list[str]:
        """Every violation of the EI-tree rules (empty when valid)."""
        out = [f"duplicate id {d!r}" for d in self._duplicates]
        roots = [n.id for n in self.nodes.values() if n.parent is None]
        if len(roots) != 1:
            out.append(f"expected a single root, found {len(roots)}: {roots}")
        for node in self.nodes.values():
            if node.parent is not None and node.parent not in self.nodes:
                out.append(f"{node.id!r} has unknown parent {node.parent!r}")
            if node.kind == "root" and node.parent is not None:
                out.append(f"{node.id!r} is not the root but has kind 'root'")
            if node.kind not in ("root", "category", "facet", "value"):
                out.append(f"{node.id!r} has unknown kind {node.kind!r}")
            if node.kind == "facet" and node.mode not in ("E", "I"):
                out.append(f"facet {node.id!r} needs mode E or I, has {node.mode!r}")
        if out:
            return out  # structure is broken: the checks below would only repeat it
        for nid in self.order:
            node = self.nodes[nid]
            cats = [c for c in node.children if self.nodes[c].kind == "category"]
            if len(cats) == 1:
                out.append(f"exclusive group under {nid!r} has a single category {cats[0]!r}")
            if node.kind == "facet" and node.mode == "E" and len(node.children) < 2:
                out.append(f"exclusive facet {nid!r} has {len(node.children)} value(s), needs at least 2")
        for (scope, term), ids in self._terms.items():
            if len(ids) > 1:
                out.append(f"synonym {term!r} names {len(ids)} concepts in scope {scope or 'global'}: {ids}")
        for product in products or []:
            out.extend(self._label_problems(product))
        return out

    def _label_problems(self, product) -> list[str]:
        labels = self.labels(product)
        out = []
        for nid in labels:
            node = self.nodes[nid]
            group = self._group_of(node) or []
            clash = [g for g in group if g != nid and g in labels]
            if clash:
                out.append(f"product {product.id}: {nid!r} and {clash} are exclusive")
            owner = self.owner_category(nid) if node.kind == "value" else None
            if owner is not None and owner.id not in labels:
                out.append(f"product {product.id}: attribute {nid!r} is outside its category {owner.id!r}")
            if node.kind != "value" and node.parent and self.nodes[node.parent].kind == "category" \
                    and node.parent not in labels:
                out.append(f"product {product.id}: {nid!r} is labelled without its parent {node.parent!r}")
        return out
