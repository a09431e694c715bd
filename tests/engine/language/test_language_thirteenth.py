"""Shoppers' words through the engine (issue 17), what the thirteenth held-out set's failures
taught after its first measure: who a shopper says they are ("girl here", "with the boys"), who
a search was for carried to the next product, a need said before its problem ("my toenails look
boring"), a place need over a product in hand, versions of a shown product, and needs and words
said in other ways. Checked against the demo catalogue's labels over its real index; the
``shopper`` and ``labels`` fixtures are in ``tests/engine/conftest.py``."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, genders", [
    ("dinner date on friday, want to look nice. girl here", {"Women"}),
    ("going to goa with the boys, what do i need for the beach", {"Men"}),
    ("diwali puja at home and i want to dress traditional, i'm a 30 yr old guy", {"Men"}),
])
def test_who_the_shopper_says_they_are(shopper, text, genders):
    shopper.say(text)
    assert shopper.products() and {p.gender for p in shopper.products()} <= genders | {"Unisex"}, text


def test_who_a_search_was_for_carries_to_the_next_product(shopper):
    shopper.say("my son is 8 and has grown out of everything")
    answer = shopper.say("start with tshirts")
    assert shopper.types() == {"Tshirts"} and {p.gender for p in shopper.products()} == {"Boys"}
    assert "gender.boys" in answer["state"]["implied"]  # implied: it gives way first when nothing meets
    shopper.say("shirts for men")
    shopper.say("now dresses")  # the catalogue has no men's dresses: no one is carried
    assert shopper.types() == {"Dresses"} and {p.gender for p in shopper.products()} <= {"Women", "Girls"}


def test_a_need_said_before_its_problem_is_not_negated(demo_engine):
    """"my toenails look boring": the toenails are the need, "boring" is why."""
    reading = demo_engine.service.reader.read("my toenails look boring, want some colour for summer", [])
    assert "sub.nails" in reading.concepts() and "sub.nails" not in reading.concepts(exclude=True)


@pytest.mark.parametrize("text, kinds", [
    ("need something to make my plain saree look less plain, for my ears", {"Earrings"}),
    ("he's got french cuff shirts and nothing to close the cuffs with", {"Cufflinks", "Ties"}),
    ("my cousin's wedding and i'm wearing a formal shirt, need something for the collar", {"Ties", "Cufflinks"}),
    ("my eyes look tired in every photo, want to make them pop", {"Kajal and Eyeliner", "Eyeshadow"}),
    ("i don't wear makeup but my skin looks uneven, something light for the base", {"Foundation and Primer", "Compact"}),
    ("my brother is into fitness, bday next month", {"Sports Shoes", "Tshirts", "Track Pants", "Shorts", "Watches"}),
])
def test_needs_the_thirteenth_set_said_in_other_words(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, (text, shopper.types())


def test_is_there_a_version_of_a_shown_product_is_more_like_it(shopper):
    shopper.say("black handbags for women")
    second = shopper.products()[1]
    answer = shopper.say("hmm the 2nd. is there a brown version", op="explain")
    assert answer["state"]["like"] == second.id and {p.base_colour for p in shopper.products()} == {"Brown"}


@pytest.mark.parametrize("text, kinds", [("a pyjama set for men", {"type.night_suits"}),
                                         ("a neckpiece for my mom", {"type.necklace_and_chains", "type.pendant",
                                                                     "type.jewellery_set"}),
                                         ("sun cream", {"type.sunscreen"}),
                                         ("salwar kameez sets for women", {"sub.apparel_set", "type.kurtas",
                                                                           "type.salwar_and_dupatta"})])
def test_garment_words_the_thirteenth_set_used(demo_engine, text, kinds):
    reading = demo_engine.service.reader.read(text, [])
    named = {c for c in reading.concepts() if demo_engine.service.reader.resolver.is_category(c)}
    assert named and named <= kinds, (text, named)


def test_words_said_in_chat(demo_engine):
    reader = demo_engine.service.reader
    assert "colour.khaki" in reader.read("trouser khakhi colour", []).concepts()
    assert reader.read("nvm that pic, i actually need black socks", []).photo is False
    assert any(".pattern.printed" in c for c in reader.read("boring. something with a pattern", []).concepts())
