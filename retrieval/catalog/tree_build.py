"""Generate the EI tree from the catalogue's taxonomy and attribute statistics.

Categories: root -> masterCategory -> subCategory -> articleType, each level an exclusive
group. A level with a single surviving child is folded into its parent (an exclusive group
of one is no choice: "Watches" > "Watches" becomes one node that keeps both names).

Where attribute types attach (the data decides): for each attribute type and subCategory,
count the products labelled with it per articleType. When two or more articleTypes each
have at least ``min_support`` labelled products (sleeve length on T-shirts, shirts and
tops), the attribute is shared by the subCategory and attaches there, so its values are
learnt from all of them. When only one articleType carries it (waist rise on jeans), it
attaches to that articleType, so it is never predicted for types that cannot have it.

Concepts with fewer than ``min_support`` labelled products are dropped, and so are
exclusive facets left with fewer than two values; the build reports how many.

Synonyms are claimed in breadth-first order (general concepts first) within the scope where
they are resolved (global for categories and root-level values, the owning category for
attribute values); a synonym already claimed in its scope is skipped and reported.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from models.tree import CATEGORY_GROUPS, ROOT_FACETS, EITree, Node, normalise_term

from .ingest import Normalizer

ROOT_FACET_FIELDS = {"colour": "base_colour", "gender": "gender", "usage": "usage", "season": "season"}
ROOT_FACET_NAMES = {"colour": "Colour", "gender": "Gender", "usage": "Usage", "season": "Season"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


@dataclass
class BuildReport:
    dropped: Counter = field(default_factory=Counter)  # kind -> concepts dropped for low support
    folded: list[str] = field(default_factory=list)  # single-child levels folded into their parent
    synonym_conflicts: list[str] = field(default_factory=list)


def _variants(name: str, kind: str) -> list[str]:
    """Automatic spellings of a name: lower case, hyphen/space forms, singular/plural for categories."""
    base = normalise_term(name)
    out = {base, base.replace("-", " "), base.replace("-", "")}
    if kind == "category":
        for form in list(out):
            out.add(form[:-1] if form.endswith("s") and not form.endswith("ss") else form + "s")
    return sorted(out)


class TreeBuilder:
    """Builds an EITree from catalogue products (objects with the catalogue's fields)."""

    def __init__(self, products: list, norm: Normalizer):
        self.products = products
        self.norm = norm
        self.min_support = norm.min_support
        self.report = BuildReport()
        self.nodes: dict[str, Node] = {}

    def build(self, fingerprint: str | None = None) -> EITree:
        root = self._add(Node(id="root", name="Fashion", kind="root", group="root", parent=None, mode="I",
                              support=len(self.products)))
        self._build_categories(root)
        self._fold_single_children()
        self._attach_attributes(self._memberships())
        self._build_root_facets()
        self._assign_synonyms()
        tree = EITree(self.nodes.values())
        tree.meta = {
            "generated_by": "fashionbot tree build",
            "catalog_fingerprint": fingerprint,
            "min_support": self.min_support,
            "concepts": sum(n.kind in ("category", "value") for n in tree.nodes.values()),
            "nodes": len(tree),
            "dropped_low_support": dict(self.report.dropped),
            "folded_single_child_levels": self.report.folded,
            "synonym_conflicts_skipped": self.report.synonym_conflicts,
        }
        return tree

    def _add(self, node: Node) -> Node:
        base, n = node.id, 2
        while node.id in self.nodes:
            node.id = f"{base}_{n}"
            n += 1
        self.nodes[node.id] = node
        return node

    # ------------------------------------------------------------ categories
    def _build_categories(self, root: Node) -> None:
        """Category nodes with enough support, general to specific."""
        by_path: dict[tuple, str] = {}
        counts = Counter()
        for p in self.products:
            key = ()
            for raw in (p.master_category, p.sub_category, p.article_type):
                if raw is None:
                    break
                key = key + (raw,)
                counts[key] += 1
        for key in sorted(counts, key=lambda k: (len(k), -counts[k], k)):
            group = CATEGORY_GROUPS[len(key) - 1]
            if len(key) > 1 and key[:-1] not in by_path:
                continue  # its parent was dropped
            if counts[key] < self.min_support:
                self.report.dropped[group] += 1
                continue
            node = self._add(Node(id=f"{group}.{slug(key[-1])}", name=key[-1], kind="category", group=group,
                                  parent=by_path.get(key[:-1], root.id), mode="E", support=counts[key],
                                  entity="category"))
            by_path[key] = node.id

    def _category_path(self, product) -> list[str]:
        """The product's category node ids, general to specific, after folding."""
        path, parent = [], "root"
        for raw in (product.master_category, product.sub_category, product.article_type):
            match = next((n.id for n in self._children(parent, "category") if raw in (n.name, *n.merged)), None)
            if match is None:
                if parent != "root" and raw in (self.nodes[parent].name, *self.nodes[parent].merged):
                    continue
                break
            path.append(match)
            parent = match
        return path

    def _memberships(self) -> dict[str, list]:
        """Category id -> the products in it (or below it)."""
        members: dict[str, list] = defaultdict(list)
        for p in self.products:
            for nid in self._category_path(p):
                members[nid].append(p)
        return members

    def _children(self, nid: str, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.parent == nid and n.kind == kind]

    def _fold_single_children(self) -> None:
        for group in reversed(CATEGORY_GROUPS[:-1]):  # sub first, then master
            for node in [n for n in self.nodes.values() if n.group == group and n.kind == "category"]:
                cats = self._children(node.id, "category")
                if len(cats) != 1:
                    continue
                child = cats[0]
                node.merged += [child.name, *child.merged]
                for grandchild in self._children(child.id, "category"):
                    grandchild.parent = node.id
                del self.nodes[child.id]
                self.report.folded.append(f"{child.name} -> {node.name}")

    # ------------------------------------------------------------ attributes
    def _attach_attributes(self, members: dict[str, list]) -> None:
        attr_ids = sorted({spec["id"] for spec in self.norm.attributes.values()},
                          key=lambda a: -sum(a in p.attribute_map for p in self.products))
        # attachment points: the most general category level that holds article types
        subs = [n for n in list(self.nodes.values()) if n.kind == "category" and n.group != "type"
                and not any(c.group == "sub" for c in self._children(n.id, "category"))]
        for attr in attr_ids:
            spec = self.norm.attribute_spec(attr)
            for sub in subs:
                for owner, products in self._attachment(sub, attr, members):
                    self._add_facet(owner, attr, spec, products)

    def _attachment(self, sub: Node, attr: str, members: dict[str, list]) -> list[tuple[Node, list]]:
        """Where an attribute attaches within one subCategory: [(category node, its products)]."""
        labelled = [p for p in members.get(sub.id, []) if attr in p.attribute_map]
        if len(labelled) < self.min_support:
            return []
        types = self._children(sub.id, "category")
        supported = [(t, [p for p in members.get(t.id, []) if attr in p.attribute_map]) for t in types]
        supported = [(t, ps) for t, ps in supported if len(ps) >= self.min_support]
        if len(supported) == 1:
            return supported
        return [(sub, labelled)]

    def _add_facet(self, owner: Node, attr: str, spec: dict, products: list) -> None:
        values = Counter(p.attribute_map[attr] for p in products)
        kept = {v: c for v, c in values.items() if c >= self.min_support}
        self.report.dropped["value"] += len(values) - len(kept)
        if len(kept) < 2:
            self.report.dropped["facet"] += 1
            return
        facet = self._add(Node(id=f"{owner.id}.{attr}", name=spec["raw_name"], kind="facet", group=attr,
                               parent=owner.id, mode="E" if spec.get("mode", "exclusive") == "exclusive" else "I",
                               support=sum(kept.values())))
        for value, count in sorted(kept.items(), key=lambda kv: -kv[1]):
            self._add(Node(id=f"{facet.id}.{slug(value)}", name=value, kind="value", group=attr,
                           parent=facet.id, support=count, entity=spec.get("entity", attr)))

    # ------------------------------------------------------------ root facets
    def _build_root_facets(self) -> None:
        for facet_id in ROOT_FACETS:
            values = Counter(getattr(p, ROOT_FACET_FIELDS[facet_id]) for p in self.products)
            values.pop(None, None)
            kept = {v: c for v, c in values.items() if c >= self.min_support}
            self.report.dropped["value"] += len(values) - len(kept)
            facet = self._add(Node(id=facet_id, name=ROOT_FACET_NAMES[facet_id], kind="facet", group=facet_id,
                                   parent="root", mode="E", support=sum(kept.values())))
            for value, count in sorted(kept.items(), key=lambda kv: -kv[1]):
                self._add(Node(id=f"{facet_id}.{slug(value)}", name=value, kind="value", group=facet_id,
                               parent=facet.id, support=count, entity=facet_id))

    # ------------------------------------------------------------ synonyms
    def _assign_synonyms(self) -> None:
        tree = EITree(self.nodes.values())
        claimed: dict[tuple[str | None, str], str] = {}
        curated = {normalise_term(k): v for k, v in (self.norm.synonyms or {}).items()}
        for nid in tree.order:
            node = self.nodes[nid]
            if node.kind in ("root", "facet"):
                continue
            owner = tree.owner_category(nid) if node.kind == "value" else None
            scope = owner.id if owner else None
            terms = [node.name, *node.merged]
            for name in [node.name, *node.merged]:
                terms += curated.get(normalise_term(name), [])
            kept = []
            for term in [t for name in terms for t in _variants(name, node.kind)] + [normalise_term(nid)]:
                key = (scope, term)
                if claimed.get(key, nid) != nid:
                    if term == normalise_term(node.name):
                        node.name = f"{node.name} ({self.nodes[node.parent].name})"
                        claimed[(scope, normalise_term(node.name))] = nid
                    self.report.synonym_conflicts.append(f"{term!r}: kept on {claimed[key]}, not {nid}")
                    continue
                claimed[key] = nid
                if term not in kept and term != normalise_term(node.name) and term != normalise_term(nid):
                    kept.append(term)
            node.synonyms = kept
