"""The fiftieth round (issue 17), each test from a turn of the sixty-eighth to seventy-sixth blind
sets that failed at its first measure: a product the shopper has, named before words that ask for
what goes with it ("bought a white kurta, need something to wear under it", "I wear kurtas every
day and need footwear that goes with them", "my white kurta needs a matching bottom") is had, not
asked: what is worn under it (``worn_under`` in data/words.yaml) or what the catalogue's styling
advice pairs with it (data/complements.yaml) is wanted; a turn that only lists what it wants
("jeans and a top that goes with them") keeps both. Heels that hurt, running as a habit, worn-out
shoes, test cricket in the stands, skin that fries, a tint for dry lips, a knot at the collar, a
cold office, a shoulder that hurts from a bag; a need asked for ("need workout clothes") gives the
products even when it only suggests them, before another need's ("sweat buckets": a deodorant). Checked against the demo catalogue's labels over its
real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest

UNDER_A_KURTA = {"Leggings", "Churidar", "Salwar", "Patiala"}


@pytest.mark.parametrize("text, kinds", [
    ("bought a white chikankari kurta, need something to wear under it, women", UNDER_A_KURTA),
    ("i have a pile of kurtas but nothing to wear below them", UNDER_A_KURTA),
    ("i already own a black kurta, now i need something to wear below it", UNDER_A_KURTA),
    ("got a plain white kurta, what bottoms would go under it", UNDER_A_KURTA),
    ("I have a navy blazer and need something to wear under it for a conference", {"Shirts", "Tshirts", "Tops"}),
    ("I wear kurtas every day and need footwear that goes with them, ladies", {"Sandals", "Heels", "Flats"}),
    ("my wardrobe is full of black tops, i need bottoms to pair with them", {"Jeans", "Shorts", "Skirts"}),
    ("my white kurta needs a matching bottom", {"Leggings", "Jeans", "Trousers", "Capris"})])
def test_what_goes_with_a_product_the_shopper_has(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


@pytest.mark.parametrize("text, kind", [("need jeans and a top that goes with them", "Jeans"),
                                        ("I have to buy a kurta and leggings that go with it", "Kurtas")])
def test_a_list_of_wants_is_no_pairing(shopper, text, kind):
    shopper.say(text)
    assert kind in shopper.types(), shopper.types()


def test_the_colour_of_what_is_had_is_no_request(shopper, labels):
    shopper.say("bought a white chikankari kurta, need something to wear under it, women")
    assert "colour.white" not in shopper.answer["state"]["include"]


@pytest.mark.parametrize("text, kinds", [
    ("heels kill my feet but I still have to look nice at my cousin's reception", {"Flats"}),
    ("my feet ache in heels by 5pm, need something without a heel for office", {"Flats"}),
    ("I'm eight months pregnant and nothing with a heel fits my swollen feet", {"Flats"}),
    ("I run every morning before sunrise and my old pair has completely worn out", {"Sports Shoes"}),
    ("new year resolution is to run every morning, gear me up",
     {"Sports Shoes", "Tshirts", "Track Pants", "Shorts", "Tracksuits", "Socks"}),
    ("i'll be watching test cricket in the stands all afternoon", {"Sunglasses", "Caps", "Hat", "Headband"}),
    ("dubai in july, how do I stop my skin from frying", {"Sunscreen"}),
    ("my lips get dry and pale, I'd like a little tint on them", {"Lipstick", "Lip Gloss"}),
    ("my lips get dull and i want a bit of colour for work days", {"Lipstick", "Lip Gloss"}),
    ("my black suit is ready, just need something to knot at the collar", {"Ties", "Cufflinks"}),
    ("office AC is freezing, i want something to throw over my shoulders at my desk", {"Stoles", "Scarves"}),
    ("my shoulder hurts from lugging a heavy one-sided bag to college every day", {"Backpacks", "Rucksacks"}),
    ("i just joined a gym and sweat buckets, need workout clothes, male",  # the need asked, by its defaults
     {"Sports Shoes", "Tshirts", "Track Pants", "Shorts"})])
def test_needs_of_the_fiftieth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()
