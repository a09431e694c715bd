"""The EI tree: validation of every rule, look-ups by synonym, label mapping on real products."""
from __future__ import annotations

import copy

import pytest
import yaml

from retrieval.catalog.store import Catalog, get_engine, sync_catalog
from retrieval.catalog.ingest import Normalizer, scan_source
from retrieval.settings import DATA_DIR
from models.tree import EITree, TreeError
from retrieval.catalog.tree_build import TreeBuilder

TREE_PATH = DATA_DIR / "ei_tree.yaml"
NORM = Normalizer.load(DATA_DIR / "normalization.yaml")


@pytest.fixture(scope="module")
def tree() -> EITree:
    return EITree.load(TREE_PATH)


@pytest.fixture(scope="module")
def demo_products(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'c.db'}"
    scan = scan_source(DATA_DIR / "demo", NORM)
    sync_catalog(get_engine(url), scan.records, DATA_DIR / "demo")
    return Catalog(url).products()


def test_committed_tree_is_valid_and_large(tree, demo_products):
    concepts = [n for n in tree.nodes.values() if n.kind in ("category", "value")]
    assert len(concepts) >= 200
    groups = {n.group for n in concepts}
    assert {"master", "sub", "type", "colour", "gender", "usage", "season", "sleeve", "neck", "pattern"} <= groups
    assert tree.problems(demo_products) == []


def _mutated(mutate) -> EITree:
    doc = yaml.safe_load(TREE_PATH.read_text())
    doc = copy.deepcopy(doc)
    mutate(doc["tree"])
    return doc


def _load_doc(tmp_path, doc) -> list[str]:
    path = tmp_path / "tree.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(TreeError) as err:
        EITree.load(path)
    return err.value.problems


def _find(node, nid):
    if node["id"] == nid:
        return node
    for child in node.get("children", []):
        hit = _find(child, nid)
        if hit:
            return hit
    return None


def test_validation_catches_duplicate_ids(tmp_path):
    doc = _mutated(lambda t: _find(t, "colour")["children"][1].update(id="colour.black"))
    assert any("duplicate id 'colour.black'" in p for p in _load_doc(tmp_path, doc))


def test_validation_catches_single_exclusive_child(tmp_path):
    def keep_one(t):
        facet = _find(t, "sub.topwear.fit")
        facet["children"] = facet["children"][:1]
    assert any("sub.topwear.fit" in p and "needs at least 2" in p for p in _load_doc(tmp_path, _mutated(keep_one)))


def test_validation_catches_single_category_group(tmp_path):
    def keep_one(t):
        sub = _find(t, "sub.bottomwear")
        cats = [c for c in sub["children"] if c["kind"] == "category"]
        sub["children"] = [cats[0]] + [c for c in sub["children"] if c["kind"] != "category"]
    assert any("single category" in p for p in _load_doc(tmp_path, _mutated(keep_one)))


def test_validation_catches_synonym_clash(tmp_path):
    doc = _mutated(lambda t: _find(t, "colour.red").setdefault("synonyms", []).append("navy"))
    assert any("synonym 'navy'" in p for p in _load_doc(tmp_path, doc))


def test_validation_catches_two_roots(tmp_path):
    doc = _mutated(lambda t: None)
    doc["tree"] = {"id": "top", "name": "Top", "kind": "root", "group": "root", "mode": "I",
                   "children": [doc["tree"]]}
    assert any("is not the root" in p for p in _load_doc(tmp_path, doc))
    nodes = list(EITree.load(TREE_PATH).nodes.values())
    nodes[5].parent = None
    assert any("single root" in p for p in EITree(nodes).problems())


def test_validation_lists_inconsistent_product_labels(tree, demo_products):
    shirt = next(p for p in demo_products if p.article_type == "Shirts")
    jeans = next(p for p in demo_products if p.article_type == "Jeans")
    bad = copy.copy(shirt)
    object.__setattr__(bad, "attributes", [])
    odd_labels = tree.labels(shirt) | {"type.tshirts"}
    original = tree.labels
    try:
        tree.labels = lambda p: odd_labels if p is bad else original(p)
        problems = tree.problems([bad, jeans])
    finally:
        del tree.labels
    assert any("exclusive" in p and "type.tshirts" in p for p in problems)


def test_lookup_by_synonym(tree):
    assert tree.resolve_id("tee") == "type.tshirts"
    assert tree.resolve_id("T-Shirts") == "type.tshirts"
    assert tree.resolve_id("NAVY") == "colour.navy_blue"
    assert tree.resolve_id("long-sleeved", scope="type.shirts") == "sub.topwear.sleeve.long_sleeves"
    with pytest.raises(KeyError, match="closest"):
        tree.resolve_id("zebra-print unicorn")
    assert tree.suggest("stripd")  # a typo still gets suggestions


def test_path_and_siblings(tree):
    assert [n.id for n in tree.path("type.tshirts")] == ["root", "master.apparel", "sub.topwear", "type.tshirts"]
    sleeve_siblings = {n.id for n in tree.exclusive_siblings("sub.topwear.sleeve.long_sleeves")}
    assert "sub.topwear.sleeve.short_sleeves" in sleeve_siblings
    assert "type.shirts" in {n.id for n in tree.exclusive_siblings("type.tshirts")}
    assert tree.exclusive_siblings("root") == []


def test_labels_of_real_products(tree, demo_products):
    for product in demo_products[:400]:
        labels = tree.labels(product)
        if product.base_colour in {tree[c].name for c in tree.ids_in_group("colour")}:
            assert any(tree[c].group == "colour" for c in labels)
        cats = [c for c in labels if tree[c].kind == "category"]
        assert len({tree[c].group for c in cats}) == len(cats)  # one per level
        for value in (c for c in labels if tree[c].kind == "value" and tree.owner_category(c)):
            assert tree.owner_category(value).id in labels
    shirt = next(p for p in demo_products if p.article_type == "Shirts" and p.attribute_map.get("sleeve"))
    assert {"master.apparel", "sub.topwear", "type.shirts"} <= tree.labels(shirt)


def test_masks_cover_every_concept(tree):
    grouped = {i for g in tree.exclusive_groups for i in g}
    independent = set(tree.independent_nodes)
    passthrough = set(tree.pass_through_nodes)
    assert not grouped & independent and not grouped & passthrough
    assert grouped | independent | passthrough == set(range(len(tree)))
    assert all(tree.parent_index[i] < i for i in range(1, len(tree)))


def test_builder_reproduces_a_valid_tree_from_demo(demo_products):
    built = TreeBuilder(demo_products, NORM).build("demo")
    assert built.problems(demo_products) == []
    assert built.meta["dropped_low_support"]  # small data drops rare concepts, and says so
    assert "type.tshirts" in built.nodes
