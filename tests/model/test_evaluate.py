"""The evaluation's pieces on hand-checked cases: AMR targets and queries, their scoring by the
engine's ranking, metrics."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from models.ei_tree import concept_label_matrix
from models.evaluation.concepts import level_accuracy
from models.metrics import average_precision, recall_at_k
from models.tree import EITree
from retrieval.evaluation.amr import (amr_query_vectors, amr_scores, amr_summary, amr_targets, embedding_only,
                           evaluated_labels, index_labels, make_amr_queries, ranks_from_scores,
                           text_offset_vectors)
from retrieval.ranking.search import Ranker, SearchConfig
from retrieval.settings import DATA_DIR
from retrieval.ranking.vectors import ProductVectors, apply_labels


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


def labelled_vectors(tree, label_sets, seed=0) -> ProductVectors:
    """Products whose concept probabilities are their labels made certain (the rest uniform within
    each group), with random unit embeddings; ids 1, 2, ..."""
    rng = np.random.default_rng(seed)
    cond = np.ones((len(label_sets), len(tree.order)), dtype=np.float32)
    for group in tree.exclusive_groups:
        cond[:, group] = 1.0 / len(group)
    probs, _ = apply_labels(tree, cond, label_sets)
    emb = rng.normal(size=(len(label_sets), 8)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return ProductVectors(ids=np.arange(1, len(label_sets) + 1, dtype=np.int64), concept_probs=probs.astype(np.float32),
                          emb=emb, labelled=np.zeros(probs.shape, dtype=bool))


def test_concept_edit_ranks_the_changed_product_first(tree):
    black = tree.labels(product())
    red = tree.labels(product(base_colour="Red"))
    red_shirt = tree.labels(product(base_colour="Red", article_type="Shirts"))
    vectors = labelled_vectors(tree, [black, black, red_shirt, red])  # 1: reference, 2: its twin, 4: the target
    vectors.emb[:] = vectors.emb[0]  # equal looks: only the concepts decide
    ranker = Ranker(tree, vectors, None, SearchConfig())
    query = {"reference": 1, "changes": [{"group": "colour", "level": "colour", "old": "colour.black",
                                          "new": "colour.red"}], "targets": [4]}
    q = amr_query_vectors(ranker, [query])[0]
    k = len(tree.order)
    red_dim = tree.index["colour.red"]
    assert q[k + red_dim] == SearchConfig().w_request  # the request bonus of the new value
    assert q[tree.index["colour.black"]] == 0 and q[red_dim] > 0  # the colour block moved to red
    scores = amr_scores(ranker, [query])
    assert scores[0, 0] == -np.inf  # the reference is not in its own gallery
    assert ranks_from_scores(ranker, scores, [query]) == [0]
    assert np.argsort(-scores[0]).tolist()[:3] == [3, 2, 1]  # red T-shirt, red shirt, black twin


def test_text_offsets_rank_by_the_edited_embedding_alone(tree):
    vectors = labelled_vectors(tree, [tree.labels(product()) for _ in range(6)], seed=1)
    ranker = Ranker(tree, embedding_only(vectors), None, SearchConfig())
    assert not ranker.matrix[:, :2 * len(tree.order)].any()  # no concept block left
    rng = np.random.default_rng(2)
    names = {"colour.black": rng.normal(size=8), "colour.red": rng.normal(size=8)}
    query = {"reference": 3, "changes": [{"group": "colour", "level": "colour", "old": "colour.black",
                                          "new": "colour.red"}], "targets": [5]}
    scores = ranker.score(text_offset_vectors(ranker, [query], names))[0]
    edited = vectors.emb[2] + names["colour.red"] - names["colour.black"]
    expected = SearchConfig().w_visual * vectors.emb.astype(np.float64) @ (edited / np.linalg.norm(edited))
    np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-6)


def test_ranks_and_summary(tree):
    vectors = labelled_vectors(tree, [tree.labels(product()) for _ in range(4)])
    ranker = Ranker(tree, vectors, None, SearchConfig())
    scores = np.array([[-np.inf, 1.0, 2.0, 3.0], [9.0, -np.inf, 9.0, 1.0]])
    queries = [{"reference": 1, "targets": [2], "changes": [{"level": "colour"}]},
               {"reference": 2, "targets": [3, 4], "changes": [{"level": "type"}, {"level": "colour"}]}]
    ranks = ranks_from_scores(ranker, scores, queries)
    assert ranks == [2, 0]  # the second query's best target ties the top: strict rank 0
    summary = amr_summary(queries, ranks, ks=(1, 3))
    assert summary["by_changes"] == {"1": {"top1": 0.0, "top3": 1.0, "queries": 1},
                                     "2": {"top1": 1.0, "top3": 1.0, "queries": 1}}
    assert summary["single_by_level"] == {"colour": {"top1": 0.0, "top3": 1.0, "queries": 1}}


def test_metrics_on_small_cases(tree):
    scores = torch.tensor([[0.9, 0.1, 0.0], [0.95, 0.9, 0.0], [0.0, 0.5, 0.4]])
    assert recall_at_k(scores, 1) == pytest.approx(1 / 3)
    assert recall_at_k(scores, 2) == pytest.approx(1.0)
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
