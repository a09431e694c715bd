"""The fifty-fifth round (issue 17), each test from a turn of the eighty-ninth to ninety-second
blind sets that failed at its first measure: a present for a child (children's clothes, not the
grown-ups' watches), bra straps that show or slip (a bra), "nothing to wear" beside an occasion
(the occasion's clothes), an office party (a party), a phone sliding out of a pocket. Checked
against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest

CLOTHES = {"Tshirts", "Shirts", "Shorts", "Jeans", "Kurta Sets", "Clothing Set", "Dresses", "Tops", "Capris"}


@pytest.mark.parametrize("text, gender", [
    ("birthday present for a 10 year old boy, no idea what kids like", "Boys"),
    ("my daughter is turning 9, gift ideas", "Girls")])
def test_a_present_for_a_child_is_clothes(shopper, text, gender):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= CLOTHES, shopper.types()
    assert {p.gender for p in shopper.products()} == {gender}


def test_a_present_for_a_grown_up_is_unchanged(shopper):
    shopper.say("gift for my wife")
    assert shopper.products() and not shopper.types() & CLOTHES


@pytest.mark.parametrize("text, kinds", [
    ("my bra straps show through every white top I own", {"Bra"}),
    ("my bra straps keep slipping and digging into my shoulders", {"Bra"}),
    ("cocktail party saturday night and I have nothing to wear, female", {"Dresses", "Tops", "Shirts", "Heels", "Jeans"}),
    ("office party on friday and I want to look good for once, I'm a girl", {"Dresses", "Tops", "Shirts", "Heels", "Jeans"}),
    ("my phone keeps sliding out of my pocket, I need somewhere to keep it", {"Mobile Pouch", "Clutches", "Handbags"})])
def test_needs_of_the_fiftyfifth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_nothing_to_wear_beside_a_party_is_party_wear(shopper, labels):
    shopper.say("cocktail party saturday night and I have nothing to wear, female")
    assert shopper.products() and all("usage.party" in labels[p.id] for p in shopper.products())


def test_nothing_to_wear_alone_still_suggests_basics(shopper):
    shopper.say("moving to a new city, need everyday basics")
    assert shopper.products() and shopper.types() <= {"Tshirts", "Jeans", "Shirts", "Tops", "Casual Shoes", "Backpacks"}
