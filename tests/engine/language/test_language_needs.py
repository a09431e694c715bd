"""Shoppers' words through the engine (issue 17), classes 5, 7 and 8: needs and the text part,
conversation state, honest limits; the word files by property and the HTTP contract. Checked against
the catalogue's own labels (article type, colour, usage, sleeves) over the demo catalogue's real
index; the ``shopper`` and ``labels`` fixtures are in ``tests/engine/conftest.py``."""
from __future__ import annotations

import pytest


# ---------------------------------------------------------------------------- 5. needs
def test_for_the_rain_finds_jackets(shopper):
    shopper.say("I need something for the rain")
    assert shopper.products() and shopper.types() <= {"Jackets", "Rain Jacket"}


def test_keep_me_warm_finds_warm_clothes_not_winter_watches(shopper):
    shopper.say("something to keep me warm this winter")
    assert shopper.products() and shopper.types() <= {"Sweaters", "Jackets", "Sweatshirts"}


def test_for_the_gym_is_sportswear(shopper):
    shopper.say("tshirts for the gym")
    assert shopper.products() and {(p.article_type, p.usage) for p in shopper.products()} == {("Tshirts", "Sports")}


def test_a_flowy_dress_for_a_beach_wedding_finds_dresses(shopper):
    answer = shopper.say("a flowy dress for a beach wedding")
    assert answer["items"] and {p.sub_category for p in shopper.products()} == {"Dress"}
    assert answer["question"] is None


def test_a_birthday_gift_for_my_wife_under_3000(shopper):
    answer = shopper.say("a birthday gift for my wife under 3000")
    assert answer["items"] and all(p.price <= 3000 and p.gender in ("Women", "Unisex") for p in shopper.products())
    assert all(p.master_category in ("Accessories", "Personal Care") for p in shopper.products())
    assert answer["question"] is None  # the budget was given: no question


def test_a_gift_asks_the_budget_beside_results(shopper):
    answer = shopper.say("a gift for my husband")
    assert answer["items"] and answer["question"]["kind"] == "clarify" and answer["question"]["ask"] == "budget"
    assert all(p.gender in ("Men", "Unisex") for p in shopper.products())
    answer = shopper.say("under 2000", op="refine")  # the answer is another edit; the question is not repeated
    assert answer["items"] and all(p.price <= 2000 for p in shopper.products()) and answer["question"] is None


@pytest.mark.parametrize("text, usage", [("what should I wear to a wedding", {"Ethnic", "Party"}),
                                         ("outfit for a job interview", {"Formal"})])
def test_occasions_show_results_at_once(shopper, text, usage):
    answer = shopper.say(text)
    assert answer["items"] and {p.usage for p in shopper.products()} <= usage


def test_words_that_are_no_concept_rank_through_the_joint_text_space(shopper):
    shopper.say("watches")
    plain = sum("chronograph" in p.name.lower() for p in shopper.products())
    answer = shopper.say("chronograph watches")
    assert answer["state"]["text"] == "chronograph" and shopper.types() == {"Watches"}
    assert sum("chronograph" in p.name.lower() for p in shopper.products()) >= max(2, plain + 1)


# ---------------------------------------------------------------------------- 7. conversation state
def test_a_new_text_search_drops_the_photo(shopper, demo_engine):
    image_id = "0" * 32
    shopper.state = {"image_id": image_id, "include": [], "exclude": [], "shown": []}
    answer = shopper.say("I need something for my husband's birthday")
    assert answer["state"]["image_id"] is None and answer["items"]
    assert all(p.gender in ("Men", "Unisex") for p in shopper.products())


@pytest.mark.parametrize("text", ["a present for my dad's anniversary", "now some sandals for women"])
def test_a_new_request_read_as_a_refinement_drops_the_photo(shopper, demo_engine, text):
    """The NLU may take a new request after a photo for a refinement: a need or a new category
    still leaves the photo behind."""
    photo = next(p for p in demo_engine.catalog.products() if p.article_type == "Tshirts")
    image_id = demo_engine.uploads.save(demo_engine.catalog.image_file(photo).read_bytes())["image_id"]
    shopper.say("", op="photo", image_id=image_id)
    answer = shopper.say(text, op="refine")
    assert answer["state"]["image_id"] is None and answer["items"]
    assert "Tshirts" not in shopper.types()


def test_a_photo_is_kept_when_the_shopper_refers_to_it(shopper, demo_engine):
    photo = next(p for p in demo_engine.catalog.products() if p.article_type == "Tshirts")
    image_id = demo_engine.uploads.save(demo_engine.catalog.image_file(photo).read_bytes())["image_id"]
    shopper.say("", op="photo", image_id=image_id)
    answer = shopper.say("like my photo but in red")
    assert answer["state"]["image_id"] == image_id and answer["items"]
    assert all(p.base_colour == "Red" for p in shopper.products())


def test_start_over_clears_everything(shopper):
    shopper.say("red dresses under 1500")
    answer = shopper.say("start over", op="reset")
    assert answer["state"]["include"] == [] and answer["state"]["filters"]["price_max"] is None


# ---------------------------------------------------------------------------- 8. honest limits
@pytest.mark.parametrize("text, op", [("can I return it?", "search"), ("do you deliver to Pune?", "search"),
                                      ("what are the reviews like", "refine")])
def test_requests_it_cannot_serve_get_one_honest_sentence(shopper, text, op):
    shopper.say("shirts for men")
    before = shopper.state
    answer = shopper.say(text, op=op)
    assert answer["question"]["kind"] == "cannot" and answer["question"]["say"].count(".") <= 1
    assert not answer["items"]
    assert {k: v for k, v in answer["state"].items() if k != "pending"} == \
        {k: v for k, v in before.items() if k != "pending"}


@pytest.mark.parametrize("text, op, key", [("what goes with the 1st one?", "refine", "outfit"),
                                           ("compare the 1st and the 2nd", "more_like", "comparison")])
def test_a_compare_or_look_request_read_as_an_edit_is_served(shopper, text, op, key):
    """The assistant serves these (issue 19): whatever intent the NLU gave them, the engine answers
    with a comparison or a look of the shown products, never "I can't" and never a search."""
    shopper.say("shirts for men")
    before = shopper.state
    answer = shopper.say(text, op=op)
    assert answer.get(key), answer.get("question")
    assert before["include"] == answer["state"]["include"]


def test_a_compare_request_before_any_result_says_how(shopper):
    answer = shopper.say("can you compare them", op="search")
    assert answer["question"]["kind"] == "cannot" and "compare 1 and 2" in answer["question"]["say"]
    assert not answer["items"]


# ---------------------------------------------------------------------------- the data files, by property
def test_the_word_files_name_what_the_tree_has(demo_engine):
    """Every catalogue colour has a swatch and every swatch names a tree colour; every garment
    word and need reaches the tree; every relative word moves along a known order whose values
    are tree values."""
    from retrieval.query.lexicon import Lexicon
    from retrieval.settings import DATA_DIR

    tree = demo_engine.tree
    lexicon = Lexicon.load(DATA_DIR, tree)
    tree_colours = {n.name for n in tree.nodes.values() if n.kind == "value" and n.group == "colour"}
    assert set(lexicon.colours.catalogue) <= tree_colours
    assert tree_colours - set(lexicon.colours.catalogue) <= {"Multicolour", "Metallic"}
    assert all(ids for ids in lexicon.garments.values()) and len(lexicon.garments) >= 30
    assert all(need.requests or need.defaults for need in lexicon.needs.values())
    names = {n.name.lower() for n in tree.nodes.values() if n.kind == "value"}
    for order, (group, ranks) in lexicon.orders.items():
        known = [v for rank in ranks for v in rank if v.lower() in names]
        assert len(known) >= 3, (order, known)
    assert {m.order for m in lexicon.relative.values()} <= set(lexicon.orders) | {"lightness", "chroma"}
    for shade in lexicon.colours.shades:
        assert lexicon.colours.read(shade), shade


def test_the_http_contract_carries_the_new_answers(demo_engine):
    """Through ``POST /query``: the state the engine returns (with any-of requests and a pending
    question beside results) is accepted back unchanged, and a limit is a 200 with its sentence."""
    from fastapi.testclient import TestClient

    from retrieval.serving.api import create_app

    client = TestClient(create_app(demo_engine))
    first = client.post("/query", json={"edit": {"op": "search", "text": "wine coloured kurtas in rost"}}).json()
    assert first["items"] and first["question"]["kind"] == "unknown"
    darker = client.post("/query", json={"state": first["state"], "edit": {"op": "refine", "text": "a bit darker"}})
    assert darker.status_code == 200 and darker.json()["items"]
    limit = client.post("/query", json={"state": darker.json()["state"], "edit": {"op": "search",
                                                                               "text": "do you deliver to Pune?"}})
    assert limit.status_code == 200 and limit.json()["question"]["kind"] == "cannot" and not limit.json()["items"]


@pytest.mark.parametrize("text, article_types", [
    ("I get cold easily, what do you have", {"Sweaters", "Jackets", "Sweatshirts"}),
    ("I need clothes to sleep in", {"Nightdress", "Night suits", "Lounge Pants", "Lounge Shorts", "Baby Dolls",
                                    "Bath Robe", "Lounge Tshirts", "Shorts", "Robe"}),
    ("anything to protect my eyes against the glare", {"Sunglasses"}),
    ("need something to keep my jeans up", {"Belts"}),
    ("starting college next month, need a bag for books and stuff", {"Laptop Bag", "Backpacks", "Messenger Bag"}),
    ("something to carry just my phone and keys", {"Mobile Pouch", "Clutches", "Handbags"}),
    ("need something to stop the smell, for men", {"Perfume and Body Mist", "Deodorant"}),
    ("it's freezing and i'm a guy with nothing warm to wear", {"Sweaters", "Jackets", "Sweatshirts"}),
])
def test_more_needs_are_placed(shopper, text, article_types):
    answer = shopper.say(text)
    assert answer["items"] and shopper.types() <= article_types, shopper.types()


# ---------------------------------------------------------------------------- where a thing is worn or kept
@pytest.mark.parametrize("text, wanted", [
    ("my feet are always cold at night", {"Socks", "Casual Shoes", "Sports Shoes", "Formal Shoes", "Flats", "Heels",
                                          "Sandals", "Sports Sandals", "Flip Flops"}),
    ("something to keep my neck warm", {"Mufflers", "Scarves", "Stoles"}),
    ("something to cover my head in the sun", {"Caps", "Hat", "Headband"}),
    ("something to carry my laptop to work", {"Laptop Bag", "Backpacks", "Messenger Bag"}),
    ("i need somewhere to keep my cards and cash", {"Wallets"}),
])
def test_a_place_decides_the_product_among_needs(shopper, text, wanted):
    """A need naming where a thing is worn or kept (data/needs.yaml `place`) decides the product
    over a weather need ("always cold" alone would show jackets)."""
    shopper.say(text)
    assert shopper.products() and shopper.types() <= wanted, (text, shopper.types())


def test_a_need_default_narrows_the_category_named(shopper):
    """"for my feet at the beach": the beach's flip flops narrow the footwear the feet ask for."""
    shopper.say("something for my feet at the beach")
    assert shopper.products() and shopper.types() <= {"Flip Flops", "Sandals", "Sports Sandals"}, shopper.types()


@pytest.mark.parametrize("text, wanted", [
    ("footwear that survives the monsoon", {"Flip Flops", "Sandals", "Sports Sandals"}),
    ("shoes for the rain", {"Casual Shoes", "Sports Shoes", "Formal Shoes", "Flats", "Heels"}),  # no flip flop is a shoe
    ("a bag to keep me warm", None),
])
def test_the_product_named_outranks_a_needs_other_products(shopper, text, wanted):
    """The product the shopper names is the product: a need keeps only its categories within it
    (its rain jackets are no footwear), and its own default may narrow it (flip flops for the rain)."""
    shopper.say(text)
    assert shopper.products(), text
    if wanted:
        assert shopper.types() <= wanted, (text, shopper.types())
    else:  # no warm bag in the tree: bags, not jackets
        assert all(p.sub_category == "Bags" for p in shopper.products()), [p.article_type for p in shopper.products()]


@pytest.mark.parametrize("text, word, wanted", [
    ("the sun is killing my eyes", "eyes", {"Sunglasses"}),
    ("my trousers keep slipping down lol", "trousers", {"Belts", "Suspenders"}),
])
def test_a_need_of_several_words_wins_over_a_product_word_the_nlu_tagged_inside_it(shopper, text, word, wanted):
    start = text.index(word)
    shopper.say(text, entities=[{"entity": "category", "value": word, "start": start, "end": start + len(word)}])
    assert shopper.products() and shopper.types() <= wanted, shopper.types()


def test_a_turn_the_nlu_could_not_place_searches_only_what_its_words_name(shopper):
    """op ``fallback`` (Rasa's nlu_fallback and out_of_scope): "what should i wear to play football"
    is a sports search; "what's the weather like in london" searches nothing and keeps the search."""
    answer = shopper.say("what should i wear to play football", op="fallback")
    assert answer["items"] and all(p.usage == "Sports" for p in shopper.products())
    before = shopper.state
    answer = shopper.say("what's the weather like in london", op="fallback")
    assert answer["question"]["kind"] == "not_understood" and not answer["items"]
    assert {k: v for k, v in answer["state"].items() if k != "pending"} == {k: v for k, v in before.items() if k != "pending"}


def test_a_new_product_after_more_like_one_leaves_the_reference_behind(shopper):
    """"more like the 2nd" earrings, then "actually let me look at silver rings instead": rings,
    no longer ranked by the earrings; a refinement of the same product keeps the reference."""
    shopper.say("earrings")
    shopper.say("more like the 2nd", op="more_like")
    assert shopper.state["like"] is not None
    answer = shopper.say("actually let me look at silver rings instead", op="refine")
    assert answer["state"]["like"] is None and shopper.types() == {"Ring"}, shopper.types()
    shopper.say("more like the 1st", op="more_like")
    answer = shopper.say("in gold", op="refine")
    assert answer["state"]["like"] is not None


@pytest.mark.parametrize("text, genders", [
    ("tshirts for my son", {"Boys", "Men", "Unisex"}),
    ("tshirts for my 8 year old son", {"Boys"}),
    ("tshirts for my 25 year old son", {"Men", "Unisex"}),
    ("a top for a girl, it's for my daughter actually", {"Girls"}),
    ("tops for my hubby's sister", {"Women", "Unisex"}),
])
def test_who_it_is_for_is_read_once_with_an_age(shopper, text, genders):
    """A son may be a boy or a man; an age said picks one; several words keep what they agree on."""
    shopper.say(text)
    assert shopper.products() and {p.gender for p in shopper.products()} <= genders, {p.gender for p in shopper.products()}


def test_a_word_the_nlu_took_for_a_sale_word_is_read_as_what_it_is(shopper):
    text = "heals for my wife"
    answer = shopper.say(text, entities=[{"entity": "sale", "value": "heals", "start": 0, "end": 5},
                                         {"entity": "gender", "value": "my wife", "start": 10, "end": 17}])
    assert not any(f["filter"] == "sale" for f in answer["query"]["filters"])
    assert shopper.products() and shopper.types() == {"Heels"}


def test_an_age_decides_among_every_wearer_word(shopper):
    shopper.say("my 8 year old niece's birthday is coming up, something for her to wear")
    assert shopper.products() and {p.gender for p in shopper.products()} <= {"Girls"}
