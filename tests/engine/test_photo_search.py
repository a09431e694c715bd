"""Photo search ranks softly (issue 20): an unsure photo's first results show its likely article
types side by side, and over the demo's test photos the soft ranking is at least as precise as the
ranking that commits to the likeliest type. Queries are real test-split photos; the truth is the
catalogue's labels."""
from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from retrieval.evaluation.photo import UNSURE, photo_search
from retrieval.ranking.photo import likely_types, share_first_results
from retrieval.ranking.search import SearchConfig
from retrieval.serving.api import create_app
from retrieval.serving.engine import Engine

# A brown formal shoe of the demo's test split, whose photo the model reads as formal shoes 0.50 and
# casual shoes 0.45: before the soft ranking, its first five results were five formal shoes.
UNSURE_SHOE = 34534
COMMITTED = SearchConfig(photo_certainty=False, photo_likely_min=2.0)  # the ranking before issue 20


@pytest.fixture(scope="module")
def client(demo_engine):
    return TestClient(create_app(demo_engine))


def _upload(client, engine, pid: int) -> str:
    product = engine.catalog.get(pid)
    photo = engine.catalog.image_file(product).read_bytes()
    response = client.post("/images", files={"file": (f"{pid}.jpg", photo, "image/jpeg")})
    assert response.status_code == 200
    return response.json()["image_id"]


def test_an_unsure_photo_shows_its_two_likely_types(client, demo_engine):
    assert demo_engine.catalog.get(UNSURE_SHOE).split == "test"
    image_id = _upload(client, demo_engine, UNSURE_SHOE)
    ranker = demo_engine.ranker
    probs = demo_engine.encode_image(demo_engine.uploads.path(image_id))["probs"]
    likely = [ranker.tree.order[d] for d in likely_types(probs, ranker.levels["type"], *UNSURE)]
    assert likely[:2] == ["type.formal_shoes", "type.casual_shoes"]  # the photo is unsure between the two

    turn = client.post("/query", json={"edit": {"op": "photo", "entities": [{"entity": "image_id", "value": image_id}]},
                                       "page_size": 5}).json()
    shown = [item["category"] for item in turn["items"]]
    assert len(shown) == 5 and set(likely[:2]) <= set(shown)
    assert shown[0] == likely[0]  # the likeliest reading still leads

    stateless = client.post("/search", json={"image_id": image_id, "k": 5}).json()["items"]  # no near-duplicate spreading
    rows = ranker.vectors.rows([item["id"] for item in stateless])
    assert set(likely[:2]) <= {ranker.row_category_id(row) for row in rows}


def test_a_sure_photo_keeps_its_type(client, demo_engine):
    """A photo the model is sure of fills the first page from its type, as before."""
    ranker, tshirt = demo_engine.ranker, demo_engine.tree.index["type.tshirts"]
    photos = (demo_engine.catalog.image_file(p) for p in demo_engine.catalog.products(split="test")
              if p.article_type == "Tshirts")
    sure = next(path for path in photos if demo_engine.encode_image(path)["probs"][tshirt] > 0.8)
    image_id = client.post("/images", files={"file": ("t.jpg", sure.read_bytes(), "image/jpeg")}).json()["image_id"]
    probs = demo_engine.encode_image(demo_engine.uploads.path(image_id))["probs"]
    assert len(likely_types(probs, ranker.levels["type"], *UNSURE)) == 1
    turn = client.post("/query", json={"edit": {"op": "photo", "entities": [{"entity": "image_id", "value": image_id}]},
                                       "page_size": 5}).json()
    assert [item["category"] for item in turn["items"]] == ["type.tshirts"] * 5


def test_photo_precision_on_the_demo_test_photos_does_not_drop(demo_engine, demo_settings):
    """Type and type+colour precision@5 over every test photo of the demo: the soft ranking against
    the ranking that commits to the likeliest type, on the same index; and the unsure photos'
    first five now all hold their second-likeliest type."""
    soft = photo_search(demo_engine, log=lambda _: None)
    committed = Engine(demo_settings, COMMITTED)
    before = photo_search(committed, log=lambda _: None)
    assert soft["queries"] == before["queries"] > 250
    assert soft["type_precision"] >= before["type_precision"]
    assert soft["type_colour_precision"] >= before["type_colour_precision"]
    assert soft["unsure_photos"] == before["unsure_photos"] > 20
    assert before["unsure_with_second_type"] < 0.8 and soft["unsure_with_second_type"] == 1.0


def test_share_first_results_promotes_a_missing_likely_category():
    categories = np.array([7, 7, 7, 7, 7, 9, 8, 7])
    assert share_first_results(categories, [7], 5).tolist() == list(range(8))  # one likely type: rank order
    assert share_first_results(categories, [7, 8], 5).tolist() == [0, 1, 2, 3, 6, 4, 5, 7]
    # the lowest-ranked product whose type is listed twice or is not likely gives its place
    assert share_first_results(np.array([7, 9, 7, 6, 7, 8]), [7, 8], 5).tolist() == [0, 1, 2, 3, 5, 4]
    assert share_first_results(np.array([7, 9, 8, 6, 5, 4]), [7, 8, 4], 5).tolist() == [0, 1, 2, 3, 5, 4]
    assert share_first_results(np.array([7, 7]), [7, 8], 5).tolist() == [0, 1]  # nothing to promote


@pytest.mark.parametrize("pid, text, colour", [(21099, "this in brown?", "Brown"), (8946, "got these in black?", "Black")])
def test_a_refined_photo_keeps_the_category_it_shows(client, demo_engine, pid, text, colour):
    """"this in brown" after a photo of formal shoes: brown formal shoes, not brown wallets and
    belts; the category the model is sure of becomes a request the reply names."""
    image_id = _upload(client, demo_engine, pid)
    turn = client.post("/query", json={"edit": {"op": "photo", "entities": [{"entity": "image_id", "value": image_id}]},
                                       "page_size": 5}).json()
    turn = client.post("/query", json={"state": turn["state"], "edit": {"op": "refine", "text": text, "entities": []},
                                       "page_size": 5}).json()
    shown = demo_engine.catalog.products(ids=[item["id"] for item in turn["items"]])
    truth = demo_engine.catalog.get(pid)
    assert shown and {p.article_type for p in shown} == {truth.article_type} and {p.base_colour for p in shown} == {colour}
    assert turn["state"]["image_id"] == image_id  # still like the photo


def test_a_turn_the_nlu_could_not_place_edits_the_photo_search(client, demo_engine):
    """"i need exactly this but black" after a photo of formal shoes (the NLU's fallback): the
    photo's shoes in black, not any black item."""
    image_id = _upload(client, demo_engine, 21099)
    turn = client.post("/query", json={"edit": {"op": "photo", "entities": [{"entity": "image_id", "value": image_id}]},
                                       "page_size": 5}).json()
    turn = client.post("/query", json={"state": turn["state"], "edit": {
        "op": "fallback", "text": "i need exactly this but black for my uniform", "entities": []}, "page_size": 5}).json()
    shown = demo_engine.catalog.products(ids=[item["id"] for item in turn["items"]])
    assert shown and {p.article_type for p in shown} == {"Formal Shoes"} and {p.base_colour for p in shown} == {"Black"}
    assert turn["state"]["image_id"] == image_id
