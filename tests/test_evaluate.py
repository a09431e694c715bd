"""The evaluation's pieces on hand-checked cases: AMR targets and queries, edits, metrics."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from models.ei_tree import ConceptStructure, concept_label_matrix
from models.evaluate import (IMPOSSIBLE, amr_targets, average_precision, edit_flat_probs, edit_tree_probs,
                             evaluated_labels, hierarchical_similarity, index_labels, level_accuracy,
                             make_amr_queries, recall_at_k, similarity_levels, topk_hits)
from retrieval.settings import DATA_DIR
from models.tree import EITree


@pytest.fixture(scope="module")
def tree() -> EITree:
    return EITree.load(DATA_DIR / "ei_tree.yaml")


def product(**fields):
    base = dict(master_category="Apparel", sub_category="Topwear", article_type="Tshirts", base_colour="Black",
                gender="Men", usage="Casual", season="Summer", attribute_map={"sleeve": "Short Sleeves"})
    return SimpleNamespace(**{**base, **fields})


REF = {"root": "master.apparel", "master.apparel": "sub.topwear", "sub.topwear": "type.tshirts",
       "colour": "colour.black", "gender": "gender.men", "sub.topwear.sleeve": "sub.topwear.sleeve.short_sleeves"}


def test_amr_targets_hand_checked_case():
    red = {**REF, "colour": "colour.red"}
    candidates = {
        1: red,  # the reference in red: a target of "black -> red"
        2: {**red, "sub.topwear.sleeve": "sub.topwear.sleeve.long_sleeves"},  # also long sleeves
        3: {k: v for k, v in red.items() if k != "sub.topwear.sleeve"},  # sleeve unlabelled
        4: dict(REF),  # the reference itself (still black)
        5: {**red, "sub.topwear": "type.shirts"},  # a red shirt, not a T-shirt
        6: {**red, "sub.topwear.neck": "sub.topwear.neck.round_neck"},  # an extra labelled attribute
        7: {**red, "gender": "gender.women"},
    }
    index = index_labels(list(candidates), list(candidates.values()))
    assert amr_targets(REF, {"colour": "colour.red"}, index) == [1]
    assert amr_targets(REF, {"colour": "colour.red", "sub.topwear.sleeve": "sub.topwear.sleeve.long_sleeves"},
                       index) == [2]
    assert amr_targets(REF, {"colour": "colour.red", "gender": "gender.women"}, index) == [7]
    assert amr_targets(REF, {"colour": "colour.red", "sub.topwear": "type.shirts"}, index) == [5]
    assert amr_targets(REF, {"colour": "colour.blue"}, index) == []


def test_evaluated_labels_keep_comparable_groups(tree):
    labels = tree.labels(product(attribute_map={"sleeve": "Short Sleeves", "print": "Graphic"}))
    assert evaluated_labels(tree, labels) == REF  # no usage, season or independent print
    tops = tree.labels(product(article_type="Tops", attribute_map={"style": "Regular"}))
    assert not any(k.startswith("type.") for k in evaluated_labels(tree, tops))  # type-level facets left out


def test_queries_are_seeded_and_their_targets_check_out(tree):
    rng = np.random.default_rng(3)
    colours, sleeves = ["Black", "Red", "Blue", "White"], ["Short Sleeves", "Long Sleeves"]
    products = [product(base_colour=colours[rng.integers(4)], article_type=["Tshirts", "Shirts"][rng.integers(2)],
                        gender=["Men", "Women"][rng.integers(2)], attribute_map={"sleeve": sleeves[rng.integers(2)]})
                for _ in range(60)]
    ids = list(range(100, 160))
    labels = [evaluated_labels(tree, tree.labels(p)) for p in products]
    queries = make_amr_queries(tree, ids, labels, per_count=15, seed=7)
    assert queries == make_amr_queries(tree, ids, labels, per_count=15, seed=7)
    assert {len(q["changes"]) for q in queries} == {1, 2, 3}
    by_id = dict(zip(ids, labels))
    for q in queries:
        ref = by_id[q["reference"]]
        groups = [c["group"] for c in q["changes"]]
        assert len(set(groups)) == len(groups)
        assert all(c["old"] == ref[c["group"]] != c["new"] for c in q["changes"])
        wanted = {**ref, **{c["group"]: c["new"] for c in q["changes"]}}
        assert sorted(q["targets"]) == sorted(pid for pid, lab in by_id.items() if lab == wanted)
        assert q["targets"] and q["reference"] not in q["targets"]


def test_tree_edit_moves_the_mass_to_the_new_value(tree):
    structure = ConceptStructure(tree)
    logits = torch.randn(2, len(tree.order))
    cond = structure.conditional_log_probs(logits)
    colours = [tree.index[c] for c in tree.nodes["colour"].children]
    types = [tree.index[c] for c in tree.nodes["sub.topwear"].children if tree.nodes[c].kind == "category"]
    red, shirts = tree.index["colour.red"], tree.index["type.shirts"]
    edited = edit_tree_probs(cond, [[(colours, red)], [(colours, red), (types, shirts)]], structure)
    before = structure.path_log_probs(cond).exp()
    assert torch.allclose(edited[:, red], torch.ones(2)) and edited[:, colours].sum(1).allclose(torch.ones(2))
    topwear = tree.index["sub.topwear"]
    assert edited[1, shirts] == pytest.approx(float(before[1, topwear]), rel=1e-5)
    assert float(edited[1, tree.index["type.tshirts"]]) < 1e-30
    sleeve = tree.index["sub.topwear.sleeve.short_sleeves"]
    assert edited[0, sleeve] == pytest.approx(float(before[0, sleeve]), rel=1e-5)  # untouched groups stay
    assert IMPOSSIBLE < -100
    flat = edit_flat_probs(torch.full((1, len(tree.order)), 0.5), [[(colours, red)]])
    assert flat[0, red] == 1 and flat[0, colours].sum() == 1


def test_hierarchical_similarity_prefers_agreeing_levels(tree):
    levels = similarity_levels(tree)
    assert set(levels) >= {"master", "sub", "type", "colour", "attribute"}
    k = len(tree.order)
    probs = torch.zeros(3, k)
    probs[:, tree.index["master.apparel"]] = 1
    probs[0, tree.index["colour.red"]] = probs[1, tree.index["colour.red"]] = probs[2, tree.index["colour.blue"]] = 1
    probs[0, tree.index["type.tshirts"]] = probs[1, tree.index["type.shirts"]] = probs[2, tree.index["type.shirts"]] = 1
    emb = torch.nn.functional.normalize(torch.randn(3, 4), dim=1)
    scores = hierarchical_similarity(probs[:1], probs, emb[:1], emb, levels, emb_weight=0.0)
    assert scores[0, 0] > scores[0, 1] > scores[0, 2]


def test_metrics_on_small_cases(tree):
    scores = torch.tensor([[0.9, 0.1, 0.0], [0.95, 0.9, 0.0], [0.0, 0.5, 0.4]])
    assert recall_at_k(scores, 1) == pytest.approx(1 / 3)
    assert recall_at_k(scores, 2) == pytest.approx(1.0)
    hits = topk_hits(torch.tensor([[5.0, 1.0, 2.0, 3.0]]), [0], [[1]], ks=(1, 3))
    assert not hits[1][0] and hits[3][0]  # the reference (5.0) is excluded; the target ranks third
    assert average_precision(np.array([0.9, 0.8, 0.1]), np.array([True, False, True])) == pytest.approx((1 + 2 / 3) / 2)
    labels = [tree.labels(product()), tree.labels(product(master_category="Footwear", sub_category="Shoes",
                                                          article_type="Casual Shoes", attribute_map={}))]
    positive, _ = concept_label_matrix(tree, labels)
    probs = np.zeros_like(positive, dtype=float)
    probs[:, tree.index["master.apparel"]] = 1  # says "apparel" for both: right once
    probs[:, tree.index["colour.black"]] = 1
    probs[:, tree.index["sub.topwear.sleeve.long_sleeves"]] = 1  # wrong for the T-shirt's short sleeves
    acc = level_accuracy(tree, probs, positive)
    assert acc["master"] == {"acc": 0.5, "n": 2} and acc["colour"] == {"acc": 1.0, "n": 2}
    assert acc["sleeve"] == {"acc": 0.0, "n": 1}  # the shoe has no sleeve label: not counted
