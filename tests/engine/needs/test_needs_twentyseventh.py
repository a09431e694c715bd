"""The twenty-seventh round (issue 17), each test from a turn of the thirty-fourth blind set that
failed at its first measure: negations with a verb between ("I never wear half sleeves", "never
liked striped"), what has not been bought yet, a list of owned colours, a "details" turn that asks
for more like a product, a head covered at a place of worship, and shoppers' words for products
(keds, a cleanser, a phone pouch, a sweatsuit, a readymade suit set, flat footwear, "jamun").
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, kinds, unwanted", [
    ("give me only full sleeve shirts, I never wear half sleeves", {"Shirts"}, "sub.topwear.sleeve.short_sleeves"),
    ("never liked striped shirts, show the rest", {"Shirts"}, "sub.topwear.pattern.striped")])
def test_a_negation_with_a_verb_between(shopper, labels, text, kinds, unwanted):
    shopper.say(text)
    assert shopper.products() and shopper.types() == kinds
    assert not any(unwanted in labels[p.id] for p in shopper.products())


def test_what_is_not_bought_yet_is_asked_for(shopper):
    shopper.say("ok so school reopens on monday and I STILL haven't bought a backpack, anything decent will do")
    assert shopper.products() and shopper.types() == {"Backpacks"}


def test_a_list_of_owned_colours_goes_with_the_product(shopper):
    answer = shopper.say("I only own black and grey trousers, need some shirts to go with them")
    assert shopper.products() and shopper.types() == {"Shirts"}
    assert not {"colour.black", "colour.grey"} & set(answer["state"]["include"])


def test_details_asked_as_more_like_it_show_similar_products(shopper):
    shopper.say("shoes for men")
    first = shopper.products()[0]
    answer = shopper.say("the first one is exactly my style, show me more like that", op="details")
    assert len(shopper.products()) >= 3 and first.article_type in shopper.types()
    assert answer["reference"] is not None


def test_a_head_covered_at_a_place_of_worship(shopper):
    shopper.say("going to the gurudwara tomorrow and need something to cover my head, I'm a woman")
    assert shopper.products() and shopper.types() <= {"Dupatta", "Scarves", "Stoles"}


@pytest.mark.parametrize("text, kinds, colour", [
    ("keds for my nephew, white if possible", {"Casual Shoes"}, "White"),
    ("a gentle cleanser for my face", {"Face Wash and Cleanser"}, None),
    ("a little pouch for my phone", {"Mobile Pouch"}, None),
    ("sweatsuit for morning walks, top and bottom together", {"Tracksuits"}, None),
    ("readymade suit set for my mother in law", {"Kurta Sets", "Clothing Set", "Salwar and Dupatta", "Churidar Kurta"}, None),
    ("I'm seven months pregnant and my feet swell up, I need flat footwear", {"Flats", "Flip Flops", "Sandals"}, None),
    ("jamun colour ka kurta chahiye", {"Kurtas"}, "Purple")])
def test_shoppers_words_for_products_and_colours(shopper, text, kinds, colour):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds
    if colour:
        assert {p.base_colour for p in shopper.products()} == {colour}
