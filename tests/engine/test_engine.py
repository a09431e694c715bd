"""The engine: index backends, ranking against brute force, edits, labels, explanations, swaps."""
from __future__ import annotations

import numpy as np
import pytest

from retrieval.ranking.index import IndexConfig, VectorIndex
from retrieval.ranking.indexing import IndexMismatch, check_manifest, load_index
from retrieval.query.concepts import ConceptResolver, UnknownConcept
from retrieval.query.state import QueryState, apply_edit
from retrieval.ranking.search import Ranker, SearchConfig
from retrieval.settings import DATA_DIR
from models.tree import EITree
from retrieval.ranking.vectors import ProductVectors, apply_labels, path_probs

TREE = EITree.load(DATA_DIR / "ei_tree.yaml")


def synthetic_vectors(n: int = 600, seed: int = 0) -> ProductVectors:
    """Seeded products with tree-consistent concept vectors (random conditionals, path products)."""
    rng = np.random.default_rng(seed)
    cond = rng.random((n, len(TREE.order))).astype(np.float32)
    for group in TREE.exclusive_groups:
        cond[:, group] /= cond[:, group].sum(axis=1, keepdims=True)
    cond[:, TREE.pass_through_nodes] = 1.0
    emb = rng.normal(size=(n, 32)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return ProductVectors(ids=np.arange(1000, 1000 + n, dtype=np.int64), concept_probs=path_probs(TREE, cond),
                          emb=emb, labelled=np.zeros(cond.shape, dtype=bool))


def brute_force(vectors, query):
    """Score of every product, the slow way: one loop over products and tree levels."""
    from retrieval.ranking.search import similarity_levels

    levels = similarity_levels(TREE)
    k = len(TREE.order)
    q_concepts, r, e = query[:k], query[k:2 * k], query[2 * k:]
    out = np.zeros(len(vectors.ids))
    for i, (p, emb) in enumerate(zip(vectors.concept_probs.astype(np.float64), vectors.emb.astype(np.float64))):
        total = float(r @ p + e @ emb)
        for dims in levels.values():
            norm = np.linalg.norm(p[dims])
            total += float(q_concepts[dims] @ (p[dims] / norm)) if norm > 1e-9 else 0.0
        out[i] = total
    return out


@pytest.mark.parametrize("backend", ["flat", "sq8", "ivf", "hnsw"])
def test_ranking_matches_brute_force(backend):
    vectors = synthetic_vectors()
    index = VectorIndex(IndexConfig(backend=backend, ivf_probe=64)).build(Ranker.product_matrix(vectors, TREE), vectors.ids)
    ranker = Ranker(TREE, vectors, index, SearchConfig(candidates=100))
    rng = np.random.default_rng(1)
    agree = []
    for trial in range(10):
        ref = int(rng.integers(len(vectors.ids)))
        state = QueryState(like=int(vectors.ids[ref]), include=["colour.red", "sub.topwear.sleeve.long_sleeves"],
                           exclude=["sub.topwear.pattern.striped"])
        base, emb = vectors.concept_probs[ref], vectors.emb[ref]
        result = ranker.search(state, base, emb, k=10)
        q, r = ranker.concept_query(base, state)
        expected = brute_force(vectors, ranker.query_vector(q, r, emb).astype(np.float64))
        top = vectors.ids[np.argsort(-expected, kind="stable")[:10]]
        got = [h.id for h in result.hits]
        # reported scores are exact, whatever the backend
        for hit in result.hits:
            assert hit.score == pytest.approx(expected[vectors.rows([hit.id])[0]], abs=1e-3)
            assert hit.score == pytest.approx(sum(hit.score_parts.values()), abs=1e-3)
        agree.append(len(set(got) & set(top.tolist())) / 10)
        if backend == "flat":
            assert got == top.tolist()
    assert np.mean(agree) >= (1.0 if backend == "flat" else 0.8)


def test_index_add_remove_without_rebuild():
    vectors = synthetic_vectors(200)
    for backend in ("flat", "sq8", "hnsw"):
        index = VectorIndex(IndexConfig(backend=backend)).build(Ranker.product_matrix(vectors, TREE), vectors.ids)
        query = Ranker.product_matrix(vectors, TREE)[5]
        _, ids = index.search(query, 1)
        assert ids[0, 0] == vectors.ids[5]
        index.remove([vectors.ids[5]])
        _, ids = index.search(query, 5)
        assert vectors.ids[5] not in ids[0] and len(index) == 199
        index.add(query[None], np.array([77]))
        _, ids = index.search(query, 1)
        assert ids[0, 0] == 77


def test_index_save_load_roundtrip(tmp_path):
    vectors = synthetic_vectors(100)
    index = VectorIndex(IndexConfig(backend="hnsw")).build(Ranker.product_matrix(vectors, TREE), vectors.ids)
    index.remove([vectors.ids[0]])
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    q = Ranker.product_matrix(vectors, TREE)[:3]
    assert np.array_equal(index.search(q, 5)[1], loaded.search(q, 5)[1]) and len(loaded) == 99


def test_edits_respect_exclusivity():
    state = QueryState(include=["type.tshirts", "sub.topwear.sleeve.short_sleeves", "colour.red"])
    state = apply_edit(state, "set", ["sub.topwear.sleeve.long_sleeves"], TREE)
    assert "sub.topwear.sleeve.short_sleeves" not in state.include
    assert {"type.tshirts", "colour.red", "sub.topwear.sleeve.long_sleeves"} == set(state.include)
    state = apply_edit(state, "set", ["colour.navy_blue", "type.shirts"], TREE)
    assert set(state.include) == {"sub.topwear.sleeve.long_sleeves", "colour.navy_blue", "type.shirts"}
    state = apply_edit(state, "exclude", ["sub.topwear.pattern.checked"], TREE)
    state = apply_edit(state, "set", ["sub.topwear.pattern.checked"], TREE)
    assert "sub.topwear.pattern.checked" in state.include and not state.exclude
    state = apply_edit(state, "remove", ["colour.navy_blue"], TREE)
    assert "colour.navy_blue" not in state.include
    with pytest.raises(ValueError):
        apply_edit(state, "toggle", ["colour.red"], TREE)


def test_category_from_another_branch_replaces_the_old_one():
    state = QueryState(include=["type.shirts", "sub.topwear.sleeve.long_sleeves", "colour.blue"])
    state = apply_edit(state, "set", ["type.jeans"], TREE)
    assert set(state.include) == {"colour.blue", "type.jeans"}
    state = apply_edit(state, "set", ["sub.bottomwear"], TREE)  # an ancestor keeps the type
    assert set(state.include) == {"colour.blue", "type.jeans", "sub.bottomwear"}


def test_changing_category_drops_its_attributes():
    dress_sleeve = next((c for c in TREE.order if c.startswith("sub.dress.") and TREE[c].group == "sleeve"
                         and TREE[c].kind == "value"), None)
    if dress_sleeve is None:
        pytest.skip("no sleeve facet under dresses in this tree")
    state = QueryState(include=["sub.dress", dress_sleeve])
    state = apply_edit(state, "set", ["sub.topwear"], TREE)
    assert dress_sleeve not in state.include


def test_resolver_scopes_rescopes_and_suggests():
    resolver = ConceptResolver(TREE, {"for my husband": ["gender.men"]})
    assert resolver.resolve("long sleeves", "type.shirts").concepts == ["sub.topwear.sleeve.long_sleeves"]
    assert len(resolver.resolve("sleeveless").concepts) >= 2  # every category that has them: any of these
    assert resolver.resolve("sub.topwear.sleeve.sleeveless", "sub.dress").concepts == ["sub.topwear.sleeve.sleeveless"]
    assert resolver.rescope("sub.topwear.sleeve.sleeveless", "sub.dress") == ["sub.dress.sleeve.sleeveless"]
    assert resolver.resolve("For my Husband").concepts == ["gender.men"]
    corrected = resolver.resolve("tshrts")
    assert corrected.concepts == ["type.tshirts"] and corrected.corrected_to
    with pytest.raises(UnknownConcept) as err:
        resolver.resolve("bluu")
    assert "Blue" in err.value.suggestions


def test_labels_override_predictions():
    vectors = synthetic_vectors(3)
    cond = np.full(vectors.concept_probs.shape, 0.5, dtype=np.float32)
    cond[:, TREE.pass_through_nodes] = 1.0
    probs, labelled = apply_labels(TREE, cond, [{"master.apparel", "sub.topwear", "type.shirts", "colour.red"}, set(),
                                                {"colour.blue"}])
    i = TREE.index
    assert probs[0, i["type.shirts"]] == 1.0 and probs[0, i["type.tshirts"]] == 0.0
    assert probs[0, i["colour.red"]] == 1.0 and probs[0, i["colour.blue"]] == 0.0
    assert labelled[0, i["colour.blue"]] and not labelled[1].any()
    assert probs[2, i["colour.blue"]] == 1.0 and probs[2, i["type.shirts"]] == pytest.approx(0.125)


def test_manifest_mismatch_is_refused(demo_engine):
    manifest, _, _ = load_index(demo_engine.settings.index_dir)
    check_manifest(manifest, demo_engine.checkpoint_sha, demo_engine.catalog.fingerprint)
    with pytest.raises(IndexMismatch, match="checkpoint"):
        check_manifest(manifest, "0000", demo_engine.catalog.fingerprint)
    with pytest.raises(IndexMismatch, match="catalogue"):
        check_manifest(manifest, demo_engine.checkpoint_sha, "feedface")


def test_failed_build_keeps_old_index(demo_engine):
    before = demo_engine.search(text="black watch", k=5)
    current = (demo_engine.settings.index_dir / "current").resolve()
    with pytest.raises(RuntimeError, match="simulated"):
        demo_engine.build_index(fail_after_write=True)
    assert (demo_engine.settings.index_dir / "current").resolve() == current
    assert not list((demo_engine.settings.index_dir / "builds").glob("*.partial"))
    after = demo_engine.search(text="black watch", k=5)
    assert [h.id for h in after.hits] == [h.id for h in before.hits]


def test_excluded_concepts_absent_from_labelled_results(demo_engine):
    result = demo_engine.search(text="shirts for men", exclude=["checked", "striped"], k=20)
    products = {p.id: p for p in demo_engine.catalog.products(ids=[h.id for h in result.hits])}
    labelled = [p for p in products.values() if p.attribute_map.get("pattern")]
    assert labelled, "expected some results with a labelled pattern"
    assert all(p.attribute_map["pattern"] not in ("Checked", "Striped") for p in labelled)


def test_edit_query_returns_requested_concepts(demo_engine):
    shirts = [p for p in demo_engine.catalog.products() if p.article_type == "Shirts"
              and p.attribute_map.get("sleeve") == "Short Sleeves"]
    result = demo_engine.search(like=shirts[0].id, include=["long sleeves", "white"], k=5)
    products = {p.id: p for p in demo_engine.catalog.products(ids=[h.id for h in result.hits])}
    assert result.total > 0 and shirts[0].id not in products
    for hit in result.hits:
        product = products[hit.id]
        assert product.base_colour == "White" and product.attribute_map.get("sleeve") == "Long Sleeves"
        assert {m["name"] for m in hit.matched} == {"Long Sleeves", "White"} and not hit.missed


def test_explanations_consistent_with_vectors(demo_engine):
    result = demo_engine.search(text="red dress", include=["women"], k=8)
    vectors, index = demo_engine.ranker.vectors, demo_engine.tree.index
    for hit in result.hits:
        probs = vectors.concept_probs[vectors.rows([hit.id])[0]]
        for item in hit.matched + hit.missed:
            assert item["prob"] == pytest.approx(probs[index[item["concept"]]], abs=1e-4)
            assert (item in hit.matched) == (item["prob"] >= 0.5)
            assert item["path"][-1] == item["name"]
        for top in hit.top_concepts:
            assert top["prob"] >= 0.5


def test_no_results_names_the_blocking_constraint(demo_engine):
    """Dresses have sleeves in the tree but none long: the request blocks and is named. (A
    quality of a group the product never has, "sleeveless watches", is looked for in the words
    instead: tests/engine/language/test_language_twentythird.py.)"""
    result = demo_engine.search(include=["dresses", "long sleeves"], k=5)
    assert result.total == 0
    assert result.blocking and result.blocking[0]["name"] == "Long Sleeves"
    assert result.blocking[0]["results_without_it"] > 0


def test_amr_through_engine_equals_offline_scoring(demo_engine, tmp_path):
    """The attribute-manipulation protocol gives the same numbers through Engine.search as scored
    offline over the whole gallery (test split, labels hidden), and the evaluation's scoring of
    the model (``score_models``, as ``fashionbot eval`` runs it) gives those numbers too."""
    import dataclasses

    from retrieval.evaluation.amr import (amr_scores, evaluated_labels, make_amr_queries, ranks_from_scores,
                               run_through_engine, score_models, topk_accuracy)
    from retrieval.serving.engine import Engine

    engine = Engine(dataclasses.replace(demo_engine.settings, index_dir=tmp_path / "index"))
    engine.build_index(split="test", hide_labels=True)
    assert engine.ranker.vectors.labelled.sum() == 0
    test = engine.catalog.products(split="test")
    labels = engine.catalog.concept_labels()
    queries = make_amr_queries(engine.tree, [p.id for p in test],
                               [evaluated_labels(engine.tree, labels.get(p.id, set())) for p in test],
                               changes_per_query=(1, 2), per_count=15, seed=0)
    assert len(queries) >= 10
    offline = topk_accuracy(ranks_from_scores(engine.ranker, amr_scores(engine.ranker, queries), queries),
                            [len(q["changes"]) for q in queries])
    assert run_through_engine(engine, queries) == offline
    features = engine.features(engine.catalog.products()).subset(engine.ranker.vectors.ids)
    rng = np.random.default_rng(0)
    scored = score_models([("ours", engine.model)], engine.tree, features, queries, engine.search_config,
                          lambda texts: rng.standard_normal((len(texts), 384)).astype(np.float32))
    assert scored["models"]["ours: concept edit"]["by_changes"] == offline
    assert scored["models"]["ours: text-offset edit"]["by_changes"] != offline  # another query, another ranking


def test_exact_scan_with_a_bounded_dense_tail_equals_brute_force():
    """The flat backend adds the dense embedding only where it can change the top k; the result
    is the brute-force top k, with and without a mask, for sparse and dense queries."""
    from retrieval.ranking.exact import ExactScan

    rng = np.random.default_rng(7)
    n, sparse, dense = 30_000, 120, 32
    head = np.where(rng.random((n, sparse)) < 0.1, rng.random((n, sparse)), 0.0)
    tail = rng.normal(size=(n, dense))
    tail /= np.linalg.norm(tail, axis=1, keepdims=True)
    vectors = np.concatenate([head, tail], axis=1).astype(np.float32)
    scan = ExactScan(vectors, dense_tail=dense)
    for trial in range(12):
        query = np.zeros(sparse + dense, dtype=np.float32)
        query[rng.choice(sparse, 6, replace=False)] = rng.random(6) * (4 if trial % 2 else 0.5)
        query[sparse:] = rng.normal(size=dense) * (3.0 if trial % 3 == 0 else 0.3)
        allowed = rng.random(n) < 0.6 if trial % 4 == 1 else None
        exact = vectors.astype(np.float64) @ query
        if allowed is not None:
            exact[~allowed] = -np.inf
        expected = np.argsort(-exact, kind="stable")[:200]
        scores, positions = scan.top(query, 200, allowed)
        assert positions.tolist() == expected.tolist()
        assert np.allclose(scores, exact[expected], atol=1e-4)
