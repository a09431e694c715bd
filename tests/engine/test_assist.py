"""Compare, complete the look and product details through the engine's turns (``POST /query``
ops ``compare``, ``complete``, ``details``) over the demo catalogue's real index, checked against
the catalogue's own fields; and the complementarity table mined from real descriptions."""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from retrieval.catalog.complements import Complements, StylingWords, mine
from retrieval.catalog.money import rupees
from retrieval.query.references import named_positions
from retrieval.settings import DATA_DIR, DEMO_DIR
from tests.engine.test_turns import Shopper

NEVER = StylingWords.load(DATA_DIR / "styling.yaml").never


@pytest.fixture
def shopper(demo_engine):
    return Shopper(demo_engine)


def catalogue(engine, ids):
    by_id = {p.id: p for p in engine.catalog.products(ids=list(ids))}
    return [by_id[i] for i in ids]


@pytest.mark.parametrize("text, positions", [
    ("compare 1 and 2", [1, 2]), ("what's the difference between the first two", [1, 2]), ("1 or 3?", [1, 3]),
    ("compare the 2nd and the last one", [2, -1]), ("which is cheaper", []), ("is #4 better than #2", [4, 2]),
    ("compare the 1st, 2nd and 3rd", [1, 2, 3]), ("which of these two under 1500", [1, 2])])
def test_positions_named(text, positions):
    assert named_positions(text) == positions


def test_compare_names_both_prices_and_the_differences(shopper, demo_engine):
    shopper.say("men shirts")
    shown = shopper.state["shown"]
    answer = shopper.say("compare 1 and 3", op="compare")
    comparison = answer["comparison"]
    products = catalogue(demo_engine, [shown[0], shown[2]])
    assert [i["id"] for i in comparison["items"]] == [shown[0], shown[2]]
    assert [i["rank"] for i in comparison["items"]] == [1, 3]
    for item, product in zip(comparison["items"], products):
        assert item["price_text"] == rupees(product.price) and item["brand"] == product.brand
        assert item["sizes"] == product.sizes and item["colour"] == product.base_colour
    for row in comparison["differences"]:  # each row differs, in plain names
        names = [v["name"] if v else None for v in row["values"]]
        assert len(set(names)) > 1, row
    assert answer["state"]["shown"] == shown  # the search is kept


def test_which_is_cheaper_and_lighter(shopper, demo_engine):
    shopper.say("women tops")
    shown = shopper.state["shown"]
    products = catalogue(demo_engine, shown[:2])
    answer = shopper.say("which is cheaper, 1 or 2?", op="compare")["comparison"]["answer"]
    assert answer["question"] == "cheaper"
    if products[0].price != products[1].price:
        assert answer["winner"] == 1 + int(np.argmin([p.price for p in products]))
    answer = shopper.say("which is lighter", op="compare")["comparison"]["answer"]
    assert answer["question"] == "lighter" and answer["values"] == [p.base_colour for p in products]


def test_complete_the_look_follows_the_catalogue_advice(shopper, demo_engine):
    shopper.say("kurtas for women")
    reference = catalogue(demo_engine, [shopper.state["shown"][1]])[0]
    answer = shopper.say("what goes with the 2nd?", op="complete")
    look = answer["outfit"]
    assert look["reference"]["id"] == reference.id and look["reference"]["rank"] == 2
    items = catalogue(demo_engine, [i["id"] for i in look["items"]])
    assert len(items) >= 3
    pairs = Complements.load(DATA_DIR / "complements.yaml").partners(reference.article_type)
    for product, item in zip(items, look["items"]):
        assert product.sub_category != reference.sub_category
        assert product.gender in (reference.gender, "Unisex")
        assert product.master_category not in NEVER["master"] and product.sub_category not in NEVER["sub"]
        assert product.article_type in pairs and item["why"]["type"] == product.article_type
        assert item["why"]["pairs"]["named"] > 0
    assert len({p.article_type for p in items}) == len(items)  # spread over types
    # "the 1st" now names the look's first product; "it" the kurta
    assert answer["state"]["shown"] == [i["id"] for i in look["items"]] and answer["state"]["focus"] == reference.id
    again = shopper.say("what should I wear with it", op="complete")
    assert again["outfit"]["reference"]["id"] == reference.id


def test_details_show_the_catalogue_record(shopper, demo_engine):
    shopper.say("watches for men")
    pid = shopper.state["shown"][2]
    product = catalogue(demo_engine, [pid])[0]
    details = shopper.say("tell me more about the 3rd", op="details")["details"]
    assert details["id"] == pid and details["rank"] == 3 and details["name"] == product.name
    assert details["price_text"] == rupees(product.price) and details["sizes"] == product.sizes
    assert details["colour"] == product.base_colour and details["article_type"] == product.article_type
    assert details["description"] and "<" not in details["description"]
    assert details["description"][:40] in " ".join(product.description.split())
    assert details["concepts"] and all(0.5 <= c["prob"] <= 1 for c in details["concepts"])


def test_assist_turns_without_results_or_out_of_range_ask(shopper):
    assert shopper.say("compare 1 and 2", op="compare")["question"]["kind"] == "need_results"
    shopper.say("red dresses")
    assert shopper.say("compare 1 and 9", op="compare")["question"]["kind"] == "no_such_item"
    assert shopper.say("tell me about the 40th", op="details")["question"]["kind"] == "no_such_item"


def test_mined_table_from_real_descriptions(tmp_path):
    table = mine(DEMO_DIR, StylingWords.load(DATA_DIR / "styling.yaml"), min_count=2)
    assert table["meta"]["products"] > 2000 and table["meta"]["with_advice"] > 300
    assert "Jeans" in table["types"]["Tshirts"]["pairs"]
    assert "Leggings" in table["types"]["Kurtas"]["pairs"]
    committed = yaml.safe_load((DATA_DIR / "complements.yaml").read_text())
    assert committed["meta"]["products"] == 44441 and committed["types"]["Kurtas"]["pairs"]["Leggings"] > 100


@pytest.mark.parametrize("op", ["compare", "complete", "details"])
def test_hostile_assist_turns_are_bounded_answers(demo_engine, op):
    from fastapi.testclient import TestClient

    from retrieval.serving.api import create_app

    client = TestClient(create_app(demo_engine), raise_server_exceptions=False)
    forged = {"shown": [2 ** 62, 3], "focus": 2 ** 62}  # ids no index holds
    answer = client.post("/query", json={"state": forged, "edit": {"op": op, "text": "compare 1 and 2 " * 60}})
    assert answer.status_code == 400 and "not in the index" in answer.json()["error"]
    answer = client.post("/query", json={"state": {"shown": [1], "focus": -5}, "edit": {"op": op}})
    assert answer.status_code == 422
    answer = client.post("/query", json={"state": None, "edit": {"op": op, "ordinal": 2 ** 63 - 1}})
    assert answer.status_code == 200 and answer.json()["question"]["kind"] == "need_results"


@pytest.mark.parametrize("text", ["and cheaper than the first one", "anything cheaper than the 1st?"])
def test_cheaper_than_one_product_is_a_search_even_when_read_as_compare(shopper, text):
    """"cheaper than the first one" names one product and asks no "which": cheaper products,
    not a comparison; "which is cheaper, 1 or 2?" still compares."""
    shopper.say("tops for women")
    first = shopper.products()[0].price
    answer = shopper.say(text, op="compare")
    assert "comparison" not in answer and shopper.products()
    assert all(p.price < first for p in shopper.products()), (first, [p.price for p in shopper.products()])
    answer = shopper.say("which is cheaper, 1 or 2?", op="compare")
    assert answer["comparison"]["answer"]["question"] == "cheaper"
