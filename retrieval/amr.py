"""Attribute-manipulation retrieval (AMNet/ADDE protocol) scored by the engine's own ranking.

``amr_scores`` is what ``models/evaluate.py`` uses for our model, and ``run_through_engine``
replays the same saved queries (``reports/amr_queries.json``) through ``Engine.search`` over an
index of the test split with labels hidden: the two must agree.

A query is a reference product plus concept changes ``[{group, old, new}]``; its targets are
the test products labelled like the reference except for the changed groups.
"""
from __future__ import annotations

import numpy as np

from .query import QueryState
from .search import Ranker

TOPK = (10, 30, 50)


def amr_query_vectors(ranker: Ranker, queries: list[dict]) -> np.ndarray:
    """(Q, 2K + D) query vectors: each reference with its changes applied as ``set`` edits."""
    out = []
    for query in queries:
        row = ranker.vectors.rows([query["reference"]])[0]
        state = QueryState(like=query["reference"], include=[c["new"] for c in query["changes"]])
        q, r = ranker.concept_query(ranker.vectors.concept_probs[row], state)
        out.append(ranker.query_vector(q, r, ranker.vectors.emb[row]))
    return np.stack(out)


def amr_scores(ranker: Ranker, queries: list[dict]) -> np.ndarray:
    """(Q, N) exact engine scores of every indexed product for every query (reference excluded)."""
    scores = ranker.score(amr_query_vectors(ranker, queries))
    refs = ranker.vectors.rows([q["reference"] for q in queries])
    scores[np.arange(len(queries)), refs] = -np.inf
    return scores


def topk_accuracy(hit_ranks: list[int], counts: list[int], ks=TOPK) -> dict:
    """Top-k accuracy by number of changes from each query's best target rank (0-based)."""
    ranks, counts = np.asarray(hit_ranks), np.asarray(counts)
    return {str(n): {**{f"top{k}": float((ranks[counts == n] < k).mean()) for k in ks},
                     "queries": int((counts == n).sum())} for n in sorted(set(counts.tolist()))}


def ranks_from_scores(ranker: Ranker, scores: np.ndarray, queries: list[dict]) -> list[int]:
    """Rank of each query's best-scored target among all products."""
    out = []
    for row, query in enumerate(queries):
        targets = ranker.vectors.rows(query["targets"])
        best = scores[row, targets].max()
        out.append(int((scores[row] > best).sum()))
    return out


def run_through_engine(engine, queries: list[dict], ks=TOPK) -> dict:
    """Replay queries through ``Engine.search`` (like = reference, include = the new values)."""
    ranks = []
    for query in queries:
        result = engine.search(like=query["reference"], include=[c["new"] for c in query["changes"]], k=max(ks))
        targets = set(query["targets"])
        first = next((h for h in result.hits if h.id in targets), None)
        # strict rank, as in the offline evaluation: products scoring above the best target
        ranks.append(max(ks) if first is None else sum(h.score > first.score for h in result.hits))
    return topk_accuracy(ranks, [len(q["changes"]) for q in queries], ks)
