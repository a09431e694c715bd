"""The sixty-eighth round (issue 17), each test from a turn of the hundred-and-thirty-ninth to
hundred-and-forty-second blind sets that failed at its first measure, reworded: a wardrobe with
nothing of a kind wants that kind ("a woman with nothing ethnic"), where a thing is carried decides
among the needs asked ("keep my phone, wallet and lunch together on my back": a backpack), studs
and court shoes said of a sport, feet slipped into after an operation, a smell likened to a gym bag.
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


def test_nothing_of_a_kind_wants_that_kind(shopper):
    shopper.say("my cousin's sangeet is next week and I'm a girl with nothing ethnic in my wardrobe")
    assert "Ethnic" not in shopper.names("usage", exclude=True), shopper.answer["query"]
    assert shopper.products() and shopper.types() <= {"Kurtas", "Kurtis", "Sarees", "Salwar and Dupatta",
                                                      "Lehenga Choli", "Churidar", "Dupatta"}, shopper.types()


@pytest.mark.parametrize("text, kinds", [
    ("I walk to college and need to keep my laptop charger, wallet and snacks together on my back",
     {"Backpacks"}),
    ("my football studs broke last sunday, I'm a man", {"Sports Shoes"}),
    ("my son plays badminton and needs proper court shoes, his old ones slip", {"Sports Shoes"}),
    ("my father had knee surgery and needs something he can slip his feet into",
     {"Casual Shoes", "Flats", "Sports Sandals", "Sandals", "Flip Flops"})])
def test_needs_of_the_sixtyeighth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_a_smell_likened_to_a_gym_bag_is_no_bag(shopper):
    shopper.say("my brother smells like a gym bag, a subtle gift please")
    assert not shopper.types() & {"Duffel Bag", "Backpacks"} and shopper.products(), shopper.types()


@pytest.mark.parametrize("text, kinds", [
    ("a co-ord set for my sister, matching top and bottom", {"Kurta Sets", "Apparel Set", "Clothing Set", "Night suits"}),
    ("drawers for men, loose cotton ones", {"Boxers", "Briefs", "Trunk"}),
    ("tracksuit bottoms for a woman for her zumba class", {"Track Pants"}),
    ("a carryall for short trips", {"Duffel Bag"}),
    ("an eau de toilette for men, something woody", {"Perfume and Body Mist"}),
    ("kjal for my eyes, the smudge proof kind", {"Kajal and Eyeliner"})])
def test_words_of_the_sixtyeighth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_not_comfortable_in_those_is_the_reason_for_the_refusal(shopper):
    shopper.say("women's tops but nothing sleeveless, I'm not comfortable in those")
    assert shopper.types() == {"Tops"} and "Sleeveless" in shopper.names("sleeve", exclude=True), shopper.types()


def test_writing_on_a_tshirt_is_its_typography(shopper):
    shopper.say("men's tshirts without any writing or graphics on them")
    refused = shopper.names("print", exclude=True)
    assert {"Typography", "Graphic"} <= refused, shopper.answer["query"]


def test_melting_in_sleeves_refuses_them(shopper):
    shopper.say("sleeveless tops for women, it's so hot and I melt in anything with sleeves")
    assert "Sleeveless" in shopper.names("sleeve") and "Long Sleeves" in shopper.names("sleeve", exclude=True), \
        shopper.answer["query"]


@pytest.mark.parametrize("first, then, order", [
    ("white shirts for men", "white shows every mark, something a few shades toward the dark end", "darker"),
    ("three quarter sleeve tops for women", "summer is here, reduce the sleeves please", "shorter")])
def test_moves_said_in_other_words(shopper, first, then, order):
    shopper.say(first)
    answer = shopper.say(then, op="refine")
    moves = [n for n in answer.get("notes") or [] if n.get("kind") == "relative"]
    assert moves and moves[0]["said"].startswith(order) and moves[0]["to"], answer.get("notes")
    assert shopper.products() and shopper.types() <= {"Shirts", "Tops"}, shopper.types()


def test_a_with_in_another_sentence_is_no_company(shopper):
    shopper.say("right, let's get this over with. men's formal trousers in black")
    assert shopper.names("gender") == {"Men"}, shopper.answer["query"]
