"""Attribute-manipulation retrieval (the AMNet/ADDE protocol), scored by the engine's own ranking.

A query is a reference product plus changes ``[{group, level, old, new}]``, each to another
value of one exclusive group the reference is labelled in; its targets are the gallery products
labelled like the reference except for the changed groups, which take the new values.

Every model is ranked by the engine's ``Ranker`` (``retrieval/ranking/search.py``) with the served
``SearchConfig``, over its own ``ProductVectors`` (what the engine would index for the test split
with that model, labels hidden): ``fashionbot eval`` scores the checkpoint and the baselines
offline this way, and ``fashionbot eval-engine`` replays the same saved queries
(``reports/amr_queries.json``) through ``Engine.search``: for the checkpoint the two agree exactly.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import numpy as np
from tqdm.auto import tqdm

from models.tree import EITree

from retrieval.query.state import QueryState, apply_edit
from retrieval.ranking.search import Ranker, SearchConfig
from retrieval.ranking.vectors import ProductVectors, embed_products

AMR_CHANGEABLE_ROOT = ("colour", "gender")  # root facets a shopper changes; usage and season are not visual
TOPK = (10, 30, 50)
QUERIES_FILE = "amr_queries.json"
PROTOCOL = ("reference + n changes, each within one exclusive group; targets match the reference on category "
            "path, colour, gender and master/sub attributes except the changed groups")


# ---------------------------------------------------------------------------- the protocol
def evaluated_labels(tree: EITree, labels: set[str]) -> dict[str, str]:
    """The labels the protocol compares, keyed by exclusive group (the parent's id): the category
    path, colour, gender, and the exclusive attributes attached to the master or sub category
    (shared by every article type below, so a type change keeps them comparable)."""
    out = {}
    for cid in labels:
        node = tree.nodes[cid]
        parent = tree.nodes[node.parent]
        if node.kind == "category":
            out[parent.id] = cid
        elif parent.id in AMR_CHANGEABLE_ROOT:
            out[parent.id] = cid
        elif parent.kind == "facet" and parent.mode == "E" and tree.nodes[parent.parent].group in ("master", "sub"):
            out[parent.id] = cid
    return out


def changeable_groups(tree: EITree, reference: dict[str, str]) -> list[str]:
    """Groups of a reference a query may change: article type (within its sub-category), colour,
    gender and the attached attributes (not the master or sub category)."""
    return sorted(g for g, cid in reference.items()
                  if tree.nodes[cid].group not in ("master", "sub") and len(tree.nodes[g].children) > 1)


def label_key(labels: dict[str, str]) -> frozenset:
    return frozenset(labels.items())


def amr_targets(reference: dict[str, str], changes: dict[str, str], index: dict[frozenset, list[int]]) -> list[int]:
    """Products whose evaluated labels equal the reference's, except the changed groups, which take
    the new values. ``index`` maps ``label_key(evaluated labels)`` to product ids (``index_labels``);
    a group missing on one side counts as a value (missing must match missing)."""
    return list(index.get(label_key({**reference, **changes}), []))


def index_labels(ids, labels: list[dict[str, str]]) -> dict[frozenset, list[int]]:
    """``label_key`` -> product ids, for ``amr_targets``."""
    index: dict[frozenset, list[int]] = {}
    for pid, lab in zip(ids, labels):
        index.setdefault(label_key(lab), []).append(int(pid))
    return index


def make_amr_queries(tree: EITree, ids, labels: list[dict[str, str]], changes_per_query=(1, 2, 3),
                     per_count: int = 1000, seed: int = 0, attempts: int = 40) -> list[dict]:
    """Seeded queries: a reference product plus n changes, each to another member of a distinct
    exclusive group the reference is labelled in; only queries with at least one target are kept."""
    rng = np.random.default_rng(seed)
    index = index_labels(ids, labels)
    queries = []
    for n in changes_per_query:
        kept, seen = 0, set()
        for _ in range(per_count * attempts):
            if kept >= per_count:
                break
            row = int(rng.integers(len(ids)))
            groups = changeable_groups(tree, labels[row])
            if len(groups) < n:
                continue
            chosen = sorted(rng.choice(groups, size=n, replace=False).tolist())
            changes = {}
            for group in chosen:
                old = labels[row][group]
                options = [c for c in tree.nodes[group].children
                           if c != old and tree.nodes[c].kind == tree.nodes[old].kind]
                changes[group] = options[int(rng.integers(len(options)))]
            key = (row, tuple(sorted(changes.items())))
            targets = amr_targets(labels[row], changes, index)
            if not targets or key in seen:
                continue
            seen.add(key)
            queries.append({"reference": int(ids[row]), "changes": [
                {"group": g, "level": tree.nodes[changes[g]].group, "old": labels[row][g], "new": changes[g]}
                for g in chosen], "targets": targets})
            kept += 1
    return queries


def save_queries(path: Path, queries: list[dict], seed: int) -> None:
    """``amr_queries.json``: the seeded query set every AMR number is measured on."""
    path.write_text(json.dumps({"seed": seed, "protocol": PROTOCOL, "queries": queries}) + "\n")


def load_queries(path: Path) -> list[dict]:
    saved = json.loads(path.read_text())
    return saved["queries"] if isinstance(saved, dict) else saved


# ---------------------------------------------------------------------------- scoring by the engine's ranking
def model_vectors(model, tree: EITree, features) -> ProductVectors:
    """What the engine indexes for these products with this model, labels hidden; a model without
    a concept head (the embedding-only baseline) gets zero concept probabilities."""
    if model.concepts is not None:
        return embed_products(model, tree, features, None)
    emb = model.represent(image_maps=features.image_maps, image_colour=features.image_colour,
                          text=features.text)["emb"].numpy().astype(np.float32)
    zeros = np.zeros((len(features.ids), len(tree.order)), dtype=np.float32)
    return ProductVectors(ids=np.asarray(features.ids, dtype=np.int64), concept_probs=zeros, emb=emb,
                          labelled=zeros.astype(bool))


def embedding_only(vectors: ProductVectors) -> ProductVectors:
    """The same products without their concept block: the Ranker then ranks by the embedding alone."""
    return ProductVectors(ids=vectors.ids, concept_probs=np.zeros_like(vectors.concept_probs), emb=vectors.emb,
                          labelled=np.zeros_like(vectors.labelled))


def amr_query_vectors(ranker: Ranker, queries: list[dict]) -> np.ndarray:
    """(Q, 2K + D) concept-edit query vectors, built as ``Engine.search(like=reference,
    include=new values)`` builds them."""
    out = []
    for query in queries:
        row = ranker.vectors.rows([query["reference"]])[0]
        state = apply_edit(QueryState(like=query["reference"]), "set", [c["new"] for c in query["changes"]],
                           ranker.tree)
        q, r = ranker.concept_query(ranker.vectors.concept_probs[row], state)
        out.append(ranker.query_vector(q, r, ranker.vectors.emb[row]))
    return np.stack(out)


def text_offset_vectors(ranker: Ranker, queries: list[dict], name_emb: dict[str, np.ndarray]) -> np.ndarray:
    """(Q, 2K + D) latent-space edits: the query embedding is emb(reference) - name_emb(old) +
    name_emb(new) per change, normalised; no concept part."""
    k = len(ranker.tree.order)
    out = []
    for query in queries:
        emb = ranker.vectors.emb[ranker.vectors.rows([query["reference"]])[0]].astype(np.float64)
        for change in query["changes"]:
            emb = emb + name_emb[change["new"]] - name_emb[change["old"]]
        emb = emb / max(float(np.linalg.norm(emb)), 1e-12)
        out.append(ranker.query_vector(np.zeros(k), np.zeros(k), emb.astype(np.float32)))
    return np.stack(out)


def concept_name_embeddings(model, tree: EITree, concepts: set[str],
                            text_encoder: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
    """The model's unit text embedding of each concept's display name (text offsets)."""
    import torch

    ids = sorted(concepts)
    with torch.no_grad():
        model.eval()
        names = model.encode_text(torch.as_tensor(text_encoder([tree.nodes[c].name for c in ids])))
    return dict(zip(ids, names.numpy().astype(np.float64)))


def amr_scores(ranker: Ranker, queries: list[dict], query_vectors: np.ndarray | None = None) -> np.ndarray:
    """(Q, N) exact engine scores of every indexed product for every query (reference excluded);
    concept-edit queries unless ``query_vectors`` are given."""
    vectors = amr_query_vectors(ranker, queries) if query_vectors is None else query_vectors
    scores = ranker.score(vectors)
    refs = ranker.vectors.rows([q["reference"] for q in queries])
    scores[np.arange(len(queries)), refs] = -np.inf
    return scores


def ranks_from_scores(ranker: Ranker, scores: np.ndarray, queries: list[dict]) -> list[int]:
    """Rank of each query's best-scored target among all products (0-based, strict)."""
    out = []
    for row, query in enumerate(queries):
        targets = ranker.vectors.rows(query["targets"])
        best = scores[row, targets].max()
        out.append(int((scores[row] > best).sum()))
    return out


def _shares(ranks: np.ndarray, ks) -> dict:
    return {f"top{k}": float((ranks < k).mean()) for k in ks} | {"queries": int(len(ranks))}


def topk_accuracy(hit_ranks: list[int], counts: list[int], ks=TOPK) -> dict:
    """Top-k accuracy by number of changes from each query's best target rank (0-based)."""
    ranks, counts = np.asarray(hit_ranks), np.asarray(counts)
    return {str(n): _shares(ranks[counts == n], ks) for n in sorted(set(counts.tolist()))}


def amr_summary(queries: list[dict], hit_ranks: list[int], ks=TOPK) -> dict:
    """Top-k accuracy by number of changes, and for single changes by the changed level."""
    ranks = np.asarray(hit_ranks)
    counts = np.asarray([len(q["changes"]) for q in queries])
    first_level = np.asarray([q["changes"][0]["level"] for q in queries])
    single = {level: _shares(ranks[(counts == 1) & (first_level == level)], ks)
              for level in sorted(set(first_level[counts == 1].tolist()))}
    return {"by_changes": topk_accuracy(ranks, counts, ks), "single_by_level": single}


def score_models(models: list[tuple[str, object]], tree: EITree, features, queries: list[dict],
                 config: SearchConfig, text_encoder: Callable[[list[str]], np.ndarray]) -> dict:
    """Section 3 of ``fashionbot eval`` for ``(label, model)`` pairs over the test ``features``:
    the concept edit of every model with a concept head and the text-offset edit of every model
    with a text branch, all ranked by ``Ranker`` with ``config``."""
    out = {"queries": {str(n): sum(len(q["changes"]) == n for q in queries) for n in (1, 2, 3)},
           "ranking": asdict(config), "models": {}}
    changed = {c[k] for q in queries for c in q["changes"] for k in ("old", "new")}
    for label, model in tqdm(models, desc="Attribute manipulation", unit="model"):
        mode = "image+text" if model.text is not None else "image"
        vectors = model_vectors(model, tree, features)
        if model.concepts is not None:
            ranker = Ranker(tree, vectors, None, config)
            ranks = ranks_from_scores(ranker, amr_scores(ranker, queries), queries)
            out["models"][f"{label}: concept edit"] = {"mode": mode, **amr_summary(queries, ranks)}
        if model.text is not None:
            ranker = Ranker(tree, embedding_only(vectors), None, config)
            offsets = text_offset_vectors(ranker, queries, concept_name_embeddings(model, tree, changed, text_encoder))
            ranks = ranks_from_scores(ranker, amr_scores(ranker, queries, offsets), queries)
            out["models"][f"{label}: text-offset edit"] = {"mode": mode, **amr_summary(queries, ranks)}
    return out


def run_through_engine(engine, queries: list[dict], ks=TOPK) -> dict:
    """Replay queries through ``Engine.search`` (like = reference, include = the new values)."""
    ranks = []
    for query in tqdm(queries, desc="Queries through Engine.search", unit="query"):
        # twice the deepest k: a target tied with others at the last rank is still among the hits
        result = engine.search(like=query["reference"], include=[c["new"] for c in query["changes"]], k=2 * max(ks))
        targets = set(query["targets"])
        first = next((h for h in result.hits if h.id in targets), None)
        # strict rank, as in the offline scoring: products scoring above the best target
        ranks.append(max(ks) if first is None else sum(h.score > first.score for h in result.hits))
    return topk_accuracy(ranks, [len(q["changes"]) for q in queries], ks)
