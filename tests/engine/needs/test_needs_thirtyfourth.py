"""The thirty-fourth round (issue 17), each test from a turn of the forty-first blind set that
failed at its first measure: colours named with a colour move ("brighter, maybe red?", "a darker
brown or black") are the ones asked, while a move right before one colour still moves from it
("darker blue"); a town never begins a brand ("survive Mumbai monsoon"); refusals ("anything
besides black", "isn't my colour", "nope to sleeveless", "tops without sleeves are a no"); a
refused print beside a solid colour; a count of steps is no price; the sun's glare when driving.
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest

from tests.engine.needs import nlu_entity


def test_colours_named_with_a_colour_move_are_the_ones_asked(shopper):
    shopper.say("handbags for women")
    answer = shopper.say("the 5th one but brighter, maybe red?", op="more_like")
    assert "colour.red" in answer["state"]["include"]
    assert shopper.products() and {p.base_colour for p in shopper.products()} == {"Red"}
    shopper.state = None
    shopper.say("wallets for men")
    answer = shopper.say("number 2 but in a darker brown or black", op="more_like")
    assert {"colour.brown", "colour.black"} <= set(answer["state"]["include"])


def test_a_move_right_before_one_colour_moves_from_it(shopper):
    shopper.say("blue shirts for men")
    answer = shopper.say("darker blue shirts")
    assert "colour.navy_blue" in answer["state"]["include"] and "colour.blue" not in answer["state"]["include"]


def test_a_town_never_begins_a_brand(shopper):
    text = "sandals for men that can survive Mumbai monsoon"
    answer = shopper.say(text, entities=[nlu_entity(text, "Mumbai", "brand", "Mumbai")])
    assert answer["state"]["filters"]["brands"] == []
    assert shopper.products() and {p.master_category for p in shopper.products()} == {"Footwear"}


@pytest.mark.parametrize("text, refused", [
    ("belts, anything besides black", "colour.black"),
    ("grey isn't my colour, show other sweatshirts", "colour.grey"),
    ("kurtas, nope to sleeveless", "sub.topwear.sleeve.sleeveless"),
    ("tops without sleeves are a no from me", "sub.topwear.sleeve.sleeveless")])
def test_refusals_of_the_thirtyfourth_round(shopper, labels, text, refused):
    answer = shopper.say(text)
    assert refused in answer["state"]["exclude"]
    assert shopper.products() and not any(refused in labels[p.id] for p in shopper.products())


def test_a_refused_print_beside_a_solid_colour(shopper):
    answer = shopper.say("a tshirt without any graphic print, solid colour")
    assert "sub.topwear.pattern.solid" in answer["state"]["include"]


def test_a_count_of_steps_is_no_price(shopper):
    text = "I walk 10k steps daily to work and my current shoes are falling apart"
    answer = shopper.say(text, entities=[nlu_entity(text, "10k", "price", "10k")])
    assert answer["state"]["filters"]["price_max"] is None
    assert shopper.products() and {p.master_category for p in shopper.products()} == {"Footwear"}


def test_the_sun_when_driving_wants_eyewear(shopper):
    shopper.say("sun gives me headaches when i drive")
    assert shopper.products() and {p.sub_category for p in shopper.products()} == {"Eyewear"}


def test_a_value_that_is_its_own_negation_is_refused_after(shopper, labels):
    text = "tops without sleeves are a no from me"
    answer = shopper.say(text, entities=[nlu_entity(text, "sleeves", "sleeve", "sleeveless")])
    assert "sub.topwear.sleeve.sleeveless" in answer["state"]["exclude"]
    assert shopper.products() and not any("sub.topwear.sleeve.sleeveless" in labels[p.id] for p in shopper.products())
