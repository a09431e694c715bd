"""The forty-fifth round (issue 17), each test from a turn of the fifty-sixth or fifty-seventh
blind set that failed at its first measure: a gift asked by name beside an interest ("a present for
my nephew who loves football") gives way to it as before, beside an occasion it does not; what the
shopper has that is worn out is wanted anew ("only has one pair of office shoes and they're worn
out"); "gifted me a watch" owns the watch; "I'm a fresher girl" is grown; hands always full.
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, kinds", [
    ("my husband only has one pair of office shoes and they're worn out", {"Formal Shoes"}),
    ("my boss gifted me a watch so now I need matching cufflinks for the gala", {"Cufflinks"}),
    ("I'm a new dad and carrying stuff for the baby, my hands are always full", {"Backpacks", "Messenger Bag"})])
def test_products_of_the_fortyfifth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_a_present_for_a_football_fan_is_football_things(shopper, labels):
    shopper.say("want a present for my teenage nephew who loves football")
    assert shopper.products() and all("usage.sports" in labels[p.id] for p in shopper.products())


def test_a_fresher_girl_is_a_woman(shopper):
    shopper.say("a bank interview on thursday, I'm a fresher girl and have nothing formal")
    assert shopper.products() and {p.gender for p in shopper.products()} == {"Women"}
