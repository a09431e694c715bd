"""The milvus index backend on the real Milvus engine (Milvus Lite 2.5), against the exact scan
on the demo catalogue: the same top 10, filters pushed down as scalar expressions that select
exactly what the engine's own masks select, and the same pages from the engine end to end."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from retrieval.query.filters import Filters
from retrieval.query.state import QueryState, apply_edit
from retrieval.ranking.index import IndexConfig, VectorIndex
from retrieval.ranking.scalars import ScalarFilter
from retrieval.settings import REPO_ROOT

pytest.importorskip("milvus_lite")


@pytest.fixture(scope="module")
def demo(demo_engine):
    """The demo engine's ranker and table, a Milvus index of its products and the exact scan."""
    ranker = demo_engine.ranker
    attributes = demo_engine.index_attributes("milvus", ranker.vectors)  # as the engine builds them
    milvus = VectorIndex(IndexConfig(backend="milvus")).build(ranker.matrix, ranker.vectors.ids, attributes)
    exact = VectorIndex(IndexConfig(backend="flat")).build(ranker.matrix, ranker.vectors.ids)
    yield demo_engine, milvus, exact, attributes
    milvus.close()


def amr_states(engine, limit: int = 60):
    """The evaluation's attribute-manipulation queries whose reference is a demo product."""
    queries = json.loads((REPO_ROOT / "reports" / "amr_queries.json").read_text())["queries"]
    ranker = engine.ranker
    indexed = set(ranker.vectors.ids.tolist())
    out = []
    for query in [q for q in queries if q["reference"] in indexed][:limit]:
        row = ranker.vectors.rows([query["reference"]])[0]
        state = apply_edit(QueryState(like=query["reference"]), "set", [c["new"] for c in query["changes"]],
                           ranker.tree)
        out.append((state, ranker.vectors.concept_probs[row], ranker.vectors.emb[row]))
    return out


def test_milvus_top10_equals_the_exact_scan_on_the_evaluation_queries(demo):
    engine, milvus, exact, _ = demo
    states = amr_states(engine)
    assert len(states) >= 50
    queries = np.stack([engine.ranker.state_query(*s) for s in states])
    exact_scores, exact_ids = exact.search(queries, 10)
    scores, ids = milvus.search(queries, 10)
    assert np.array_equal(ids, exact_ids)
    assert np.allclose(scores, exact_scores, atol=1e-4)


def demo_filters(engine) -> list[tuple[Filters, list[str]]]:
    """Filters a shopper could set on the demo catalogue: its commonest brands and sizes,
    prices around the median, sale, and categories."""
    table = engine.service.table
    brands = [table.brand_keys[c] for c in np.bincount(table.brand_codes[table.brand_codes >= 0]).argsort()[::-1][:3]]
    sizes = sorted(table.size_rows, key=lambda k: -len(table.size_rows[k]))[:2]
    median = float(np.nanmedian(table.price))
    return [(Filters(price_max=median), []), (Filters(price_min=median, price_max=2 * median), []),
            (Filters(brands=brands[:2]), []), (Filters(not_brands=brands[:1], on_sale=True), []),
            (Filters(sizes=sizes), []), (Filters(on_sale=True, price_max=median), ["type.tshirts"]),
            (Filters(), ["sub.topwear", "type.jeans"]), (Filters(brands=brands, sizes=sizes), ["sub.topwear"])]


def test_filters_pushed_down_select_what_the_engine_masks_select(demo):
    engine, milvus, exact, attributes = demo
    ranker, table = engine.ranker, engine.service.table
    query = engine.ranker.state_query(*amr_states(engine, 1)[0])
    for filters, categories in demo_filters(engine):
        where = ScalarFilter.from_filters(filters, categories)
        mask = np.logical_and.reduce([np.ones(len(table), bool), *filters.masks(table).values(),
                                      *([ranker.has_concepts(categories)] if categories else [])])
        assert 0 < mask.sum() < len(table), (filters, categories)
        assert np.array_equal(where.mask(attributes), mask), where.expression()
        k = 50
        _, exact_ids = exact.search(query, k, allowed_ids=ranker.vectors.ids[mask])
        _, ids = milvus.search(query, k, where=where)  # the filter alone, evaluated inside Milvus
        assert ids[0][ids[0] >= 0].tolist() == exact_ids[0].tolist(), where.expression()
        # a filter plus an id restriction (the engine's tiers): both hold
        some = ranker.vectors.ids[mask][::3]
        _, ids = milvus.search(query, 10, allowed_ids=some, where=where)
        _, exact_ids = exact.search(query, 10, allowed_ids=some)
        assert np.array_equal(ids, exact_ids)


def test_milvus_add_remove_save_load(demo, tmp_path):
    engine, _, _, attributes = demo
    ranker = engine.ranker
    n = 300
    matrix, ids = ranker.matrix[:n], ranker.vectors.ids[:n]
    index = VectorIndex(IndexConfig(backend="milvus")).build(matrix, ids, attributes.take(np.arange(n)))
    _, got = index.search(matrix[5], 1)
    assert got[0, 0] == ids[5]
    index.remove([ids[5]])
    _, got = index.search(matrix[5], 5)
    assert ids[5] not in got[0] and len(index) == n - 1
    index.add(matrix[5][None], np.array([77]), attributes.take(np.array([5])))
    _, got = index.search(matrix[5], 1, where=ScalarFilter(price_max=float(attributes.price[5]) + 1))
    assert got[0, 0] == 77
    index.save(tmp_path)
    index.close()
    loaded = VectorIndex.load(tmp_path)
    try:
        assert loaded.backend == "milvus" and len(loaded) == n
        _, got = loaded.search(matrix[:3], 5)
        assert got[:, 0].tolist() == ids[:3].tolist()
    finally:
        loaded.close()


def test_engine_pages_on_milvus_equal_the_exact_engine(demo_engine, demo_settings, tmp_path):
    """`fashionbot index build --backend milvus` end to end: the engine built on Milvus serves
    the same pages, filters and tiers included, as the engine on the exact scan."""
    from retrieval.serving.engine import Engine

    on_milvus = Engine(replace(demo_settings, index_dir=tmp_path / "index"))
    on_milvus.build_index(backend="milvus")
    try:
        assert on_milvus.ranker.index.backend == "milvus"
        for (state, _, _), (filters, _) in zip(amr_states(demo_engine, 8), demo_filters(demo_engine)):
            state = replace(state, filters=filters)
            for offset in (0, 5):
                state.offset = offset
                want = [i["id"] for i in demo_engine.service.find(state, 5).items]
                got = [i["id"] for i in on_milvus.service.find(state, 5).items]
                assert got == want, (state.include, filters)
    finally:
        on_milvus.ranker.index.close()


def test_exact_scan_takes_the_same_scalar_filter(demo):
    """The in-process backends evaluate a ``ScalarFilter`` over the attributes given to build,
    through add and remove: the same products as Milvus's pushdown."""
    engine, milvus, _, attributes = demo
    ranker = engine.ranker
    n = 400
    matrix, ids = ranker.matrix[:n], ranker.vectors.ids[:n]
    exact = VectorIndex(IndexConfig(backend="flat")).build(matrix, ids, attributes.take(np.arange(n)))
    where = ScalarFilter(price_max=float(np.median(attributes.price[:n])))
    query = matrix[7]
    _, got = exact.search(query, 20, where=where)
    mask = where.mask(attributes.take(np.arange(n)))
    _, want = exact.search(query, 20, allowed_ids=ids[mask])
    assert np.array_equal(got, want) and set(got[0]) <= set(ids[mask].tolist())
    cheap = int(np.flatnonzero(mask)[0])
    exact.remove([ids[cheap]])
    exact.add(matrix[cheap][None], ids[cheap:cheap + 1], attributes.take(np.array([cheap])))
    _, again = exact.search(matrix[cheap], 1, where=where)
    assert again[0, 0] == ids[cheap]
