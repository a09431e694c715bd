"""The fifty-second round (issue 17), each test from a turn of the seventy-seventh to eighty-fourth
blind sets that failed at its first measure: a kind the shopper is tired of only for a fault a
clause names ("tired of tops that cling"), a need whose products are what the shopper has (the
life being left: "back to office after years of work from home, only have pyjamas"), western
wear, a wardrobe with zero of something, an occasion at home, "dresses" said as a verb, what is
worn below a jacket rather than under it, and something under shirts. Checked against the demo
catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, kinds", [
    ("I'm plus size and tired of tops that cling to every curve", {"Tops"}),
    ("so sick of jeans that dig into my waist", {"Jeans"}),
    ("going back to office after years of work from home, only have pyjamas lol, I'm a man",
     {"Shirts", "Trousers", "Formal Shoes"}),
    ("tired of kurtas, want something western", {"Tops", "Dresses", "Jeans", "Skirts", "Shirts", "Tshirts", "Trousers"}),
    ("there's a satyanarayan puja at home and everyone dresses traditional",
     {"Kurtas", "Kurtis", "Sarees", "Kurta Sets", "Clothing Set", "Salwar and Dupatta"}),
    ("my sister's mehendi is next week and my wardrobe has zero traditional stuff",
     {"Kurtas", "Kurtis", "Sarees", "Kurta Sets", "Clothing Set", "Salwar and Dupatta"}),
    ("I already have a navy blazer and nothing to wear below it", {"Trousers", "Jeans"}),
    ("sweating through my shirts, need something under them", {"Innerwear Vests"})])
def test_needs_of_the_fiftysecond_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_a_girl_asking_for_help_is_the_wearer(shopper):
    shopper.say("my cousin's shaadi is next month and my wardrobe has nothing traditional, help a girl out")
    assert shopper.products() and {p.gender for p in shopper.products()} == {"Women"}


def test_the_man_of_the_office_need_is_the_wearer(shopper):
    shopper.say("going back to office after years of work from home, only have pyjamas lol, I'm a man")
    assert {p.gender for p in shopper.products()} == {"Men"}


@pytest.mark.parametrize("text, refused", [
    ("tired of kurtas, want something western", "Kurtas"),  # no clause faults them: refused
    ("sick of wearing heels, need something for a wedding", "Heels")])
def test_a_kind_tired_of_without_a_fault_stays_refused(shopper, text, refused):
    shopper.say(text)
    assert shopper.products() and refused not in shopper.types()


@pytest.mark.parametrize("text, kinds", [
    ("something comfy to wear at home", {"Lounge Pants", "Lounge Shorts", "Track Pants", "Night suits", "Nightdress"}),
    ("tshirts to wear at home", {"Tshirts"}),
    ("got a black blazer, what do i wear under it", {"Tshirts", "Shirts", "Tops"})])
def test_home_and_under_still_read_as_before(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()
