"""``fashionbot eval photo``: photo search measured through the served ranking.

Each query is a test-split product's catalogue photo, read as an upload is (``Engine.encode_image``
on the photo file: uploads keep a lossless copy, so a catalogue photo gives the same pixels), and
ranked by the served page builder (``ResultBuilder.page``, what ``POST /query`` with a photo
calls) over the served index. The query's own product is left out of its results (as if the
shop did not sell it), and the first ``k`` results are compared with the query product's
catalogue labels:

- *type precision@k*: the share of results with the query's article type;
- *type+colour precision@k*: ... with its article type and its base colour;
- *type hit@k*: the share of queries with at least one result of their article type;
- *mixing*: over the unsure photos (a second article type with at least 0.15 and half the
  likeliest type's probability), the share whose first ``k`` results hold that second type.
"""
from __future__ import annotations

import random
import time
from typing import Callable

import numpy as np

from retrieval.query.state import QueryState
from retrieval.ranking.photo import likely_types

PHOTO_FILE = "photo_search.json"
QUERY_IMAGE_ID = "0" * 32  # marks the state's reference as a photo; the photo itself is encoded here
UNSURE = (0.15, 0.5)  # an unsure photo: a second article type of at least 0.15 and half the likeliest's


def photo_queries(engine, limit: int | None = None, seed: int = 0) -> list:
    """Test-split products with a photo, ascending ids (a seeded sample of ``limit`` of them)."""
    products = [p for p in engine.catalog.products(split="test") if p.image_path]
    indexed = set(engine.ranker.vectors.ids.tolist())
    products = sorted((p for p in products if p.id in indexed), key=lambda p: p.id)
    if limit is not None and limit < len(products):
        products = sorted(random.Random(seed).sample(products, limit), key=lambda p: p.id)
    return products


def photo_search(engine, k: int = 5, limit: int | None = None, seed: int = 0, progress: Callable = lambda xs: xs,
                 log: Callable[[str], None] = print) -> dict:
    """Type and type+colour precision@k of photo queries over the served index (module docstring)."""
    started = time.perf_counter()
    service, ranker = engine.service, engine.ranker
    queries = photo_queries(engine, limit, seed)
    facts = {p.id: (p.article_type, p.base_colour) for p in engine.catalog.products()}
    type_dims = ranker.levels.get("type", np.zeros(0, dtype=np.int64))
    same_type = same_both = shown = hits = unsure = mixed = 0
    examples = []
    for product in progress(queries):
        photo = engine.encode_image(engine.catalog.image_file(product))
        state = QueryState(image_id=QUERY_IMAGE_ID)
        page = service.results.page(state, photo["probs"], photo["emb"], k, {product.id})
        got = [facts[item["id"]] for item in page.items]
        kind, colour = facts[product.id]
        type_matches = sum(t == kind for t, _ in got)
        same_type += type_matches
        same_both += sum(t == kind and c == colour for t, c in got)
        shown += len(got)
        hits += type_matches > 0
        likely = likely_types(photo["probs"], type_dims, *UNSURE)
        if len(likely) > 1:
            unsure += 1
            mixed += bool(np.any(ranker.row_category[ranker.vectors.rows([i["id"] for i in page.items])] == likely[1]))
            if len(examples) < 10:
                examples.append({"id": product.id, "type": kind, "likely": [
                    {"type": ranker.display(ranker.tree.order[d]), "prob": round(float(photo["probs"][d]), 3)}
                    for d in likely], "shown": [t for t, _ in got]})
    seconds = time.perf_counter() - started
    result = {"queries": len(queries), "k": k, "seed": seed, "limit": limit, "catalogue_products": len(ranker.vectors.ids),
              "type_precision": round(same_type / max(shown, 1), 4),
              "type_colour_precision": round(same_both / max(shown, 1), 4),
              "type_hit": round(hits / max(len(queries), 1), 4),
              "unsure_photos": unsure, "unsure_with_second_type": round(mixed / max(unsure, 1), 4),
              "examples": examples, "seconds": round(seconds, 1)}
    log(f"photo search: {len(queries)} test photos, type precision@{k} {result['type_precision']:.3f}, "
        f"type+colour {result['type_colour_precision']:.3f} ({seconds:.0f} s)")
    return result
