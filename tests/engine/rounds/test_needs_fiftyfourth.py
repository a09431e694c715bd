"""The fifty-fourth round (issue 17), each test from a turn of the eighty-fifth to eighty-eighth
blind sets that failed at its first measure: two names written without their space
("bluejeans", "menswatch", "whitetshirt"), a father always on the road for work, and the sun
frying a cricketer. Checked against the demo catalogue's labels over its real index
(``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, kind, colour, gender", [
    ("bluejeans for men", "Jeans", "Blue", "Men"),
    ("blackformal shoes", "Formal Shoes", "Black", None),
    ("menswatch silver", "Watches", "Silver", "Men"),
    ("whitetshirt", "Tshirts", "White", None),
    ("whiteshirt men", "Shirts", "White", "Men")])
def test_two_names_without_their_space(shopper, text, kind, colour, gender):
    shopper.say(text)
    shown = shopper.products()
    assert shown and shopper.types() == {kind} and {p.base_colour for p in shown} == {colour}
    assert gender is None or {p.gender for p in shown} == {gender}


@pytest.mark.parametrize("text, kinds", [
    ("sweatshirts for men", {"Sweatshirts"}),  # a name that holds another ("sweat", "shirts") stays whole
    ("gift for my dad, he's always on the road for work", {"Backpacks", "Duffel Bag", "Trolley Bag"}),
    ("the sun is frying me at cricket practice", {"Sunscreen", "Sunglasses", "Caps", "Hat"})])
def test_words_of_the_fiftyfourth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()
