"""``fashionbot eval kagl``: the public KAGL text-to-image protocol of the Marqo fashion leaderboard.

The ground truth (``data/benchmarks/kagl_text_image.json``) is carried over from
marqo-ai/marqo-FashionCLIP (``data/KAGL/gt_query_doc/ground_truth_text-image.json``, Apache-2.0):
2,000 product names of the Kaggle "Fashion Product Images" catalogue, each relevant to every
product of that name. The gallery is the served index (the whole catalogue under ``make run``),
and recall@k is BEIR's, as the leaderboard computes it: per query, the share of its relevant
products among the first k, averaged over the queries. Relevant products the index does not hold
are dropped, and queries left with none.

Two rankings are measured:

- *joint space alone*: the query's text embedding against every product's photo embedding (the
  model's text and image towers, nothing else), as the leaderboard measures the fashion CLIPs;
- *as served*: ``Engine.search(text=...)``, the engine's stateless search (what ``POST /search``
  answers): the words read as concepts and filters, the catalogue's labels, and the joint
  embedding of the product's photo and text.

Both are also given over the *held-out* queries (every relevant product in the test split).
Caveats, stated in the report: the photos here are 60x80 pixels, and 80% of the gallery (and of
the queries' products) is the model's training data, which the leaderboard's models never saw.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np

from retrieval.settings import DATA_DIR

KAGL_FILE = DATA_DIR / "benchmarks" / "kagl_text_image.json"
KAGL_REPORT = "kagl.json"
KS = (1, 10)


def load_ground_truth(path: Path = KAGL_FILE) -> dict:
    """The carried-over ground truth: ``source``, ``leaderboard`` and ``queries`` (text, relevant ids)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def recall_at(ranked: list[list[int]], relevant: list[set[int]], k: int) -> float:
    """BEIR's recall@k: mean over queries of |first k of ranked & relevant| / |relevant|."""
    if not ranked:
        return float("nan")
    return float(np.mean([len(set(r[:k]) & rel) / len(rel) for r, rel in zip(ranked, relevant)]))


def photo_embeddings(engine, ids: np.ndarray) -> np.ndarray:
    """(N, D) unit photo embeddings of the indexed products (the image tower alone, on the cached
    backbone features of the catalogue)."""
    from .training import labelled_products

    products = labelled_products(engine.catalog.products(), engine.tree, engine.catalog.fingerprint)
    features = engine.features(products.products).subset(ids)
    return engine.model.represent(image_maps=features.image_maps, image_colour=features.image_colour)["emb"].numpy()


def text_embeddings(engine, texts: list[str], batch: int = 256) -> np.ndarray:
    """(Q, D) unit joint embeddings of query texts (the text tower alone)."""
    import torch

    out = []
    with torch.no_grad():
        for start in range(0, len(texts), batch):
            feats = engine.text_backbone.encode(texts[start:start + batch]).to(engine.device)
            out.append(engine.model(text=feats)["joint_emb"].float().cpu().numpy())
    return np.concatenate(out)


def kagl(engine, limit: int | None = None, progress: Callable = lambda xs: xs,
         log: Callable[[str], None] = print) -> dict:
    """Recall@1/10 of the KAGL text-to-image queries, joint space alone and as served (module
    docstring); ``limit`` takes the first queries of the file."""
    started = time.perf_counter()
    truth = load_ground_truth()
    ids = engine.ranker.vectors.ids
    indexed = set(ids.tolist())
    queries = [(q["text"], set(q["relevant"]) & indexed) for q in truth["queries"]]
    queries = [(text, rel) for text, rel in queries if rel][:limit]
    texts, relevant = [t for t, _ in queries], [rel for _, rel in queries]
    test_ids = {p.id for p in engine.catalog.products(split="test")}
    train_ids = {p.id for p in engine.catalog.products(split="train")}
    held_out = [i for i, rel in enumerate(relevant) if rel <= test_ids]

    scores = text_embeddings(engine, texts) @ photo_embeddings(engine, ids).T  # (Q, N)
    top = np.argpartition(-scores, max(KS), axis=1)[:, :max(KS)]
    joint = [ids[row[np.argsort(-scores[i, row])]].tolist() for i, row in enumerate(top)]
    served = [[hit.id for hit in engine.search(text=text, k=max(KS)).hits] for text in progress(texts)]

    def measures(ranked: list[list[int]]) -> dict:
        picked = [ranked[i] for i in held_out]
        return {**{f"recall@{k}": round(recall_at(ranked, relevant, k), 4) for k in KS},
                **{f"held_out_recall@{k}": round(recall_at(picked, [relevant[i] for i in held_out], k), 4)
                   for k in KS}}

    seconds = time.perf_counter() - started
    result = {"source": truth["source"], "leaderboard": truth["leaderboard"], "queries": len(queries),
              "queries_in_file": len(truth["queries"]), "held_out_queries": len(held_out),
              "gallery": len(ids), "gallery_train_share": round(len(train_ids & indexed) / len(ids), 3),
              "joint_space": measures(joint), "served": measures(served), "seconds": round(seconds, 1)}
    log(f"KAGL text->image: {len(queries)} queries over {len(ids)} products, R@10 joint space "
        f"{result['joint_space']['recall@10']:.3f}, served {result['served']['recall@10']:.3f} ({seconds:.0f} s)")
    return result
