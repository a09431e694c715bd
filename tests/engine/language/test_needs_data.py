"""Shoppers' situations through the engine, as data/needs.yaml words them: the places, weather,
occasions, jobs, bodies and people shoppers name instead of products, and product requests those
words must not take over ("black ties", "baby pink tops", "pitch black dress"). Checked against
the demo catalogue's own labels over its real index; the ``shopper`` and ``labels`` fixtures are in
``tests/engine/conftest.py``."""
from __future__ import annotations

import pytest

WARM = {"Sweaters", "Jackets", "Sweatshirts"}


@pytest.mark.parametrize("text", ["first skiing trip ever, what should i get", "i keep shivering at my desk",
                                  "heading to manali next month"])
def test_cold_places_and_snow_keep_the_shopper_warm(shopper, text):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= WARM, (text, shopper.types())


def test_a_funeral_is_sober_black_or_white(shopper):
    shopper.say("got a funeral to attend on friday")
    assert shopper.products() and {p.base_colour for p in shopper.products()} <= {"Black", "White"}
    assert shopper.types() <= {"Shirts", "Trousers", "Kurtas", "Kurtis", "Kurta Sets", "Dresses", "Jumpsuit", "Sarees"}


def test_sweltering_heat_is_summer_wear(shopper, labels):
    shopper.say("it's sweltering outside and so muggy")
    assert shopper.products() and all("season.summer" in labels[p.id] for p in shopper.products())


def test_a_black_tie_event_is_formal_but_black_ties_stay_ties(shopper):
    shopper.say("invited to a black tie event")
    assert shopper.products() and {p.usage for p in shopper.products()} <= {"Formal", "Party"}
    assert "Ties" not in shopper.types() or len(shopper.types()) > 1
    shopper.say("black ties for men")
    assert shopper.types() == {"Ties"} and {p.base_colour for p in shopper.products()} == {"Black"}


def test_a_toddler_is_a_child_but_baby_pink_is_a_colour(shopper):
    shopper.say("my toddler needs new clothes")
    assert shopper.products() and {p.gender for p in shopper.products()} <= {"Boys", "Girls"}
    shopper.say("baby pink tops")
    assert shopper.types() == {"Tops"} and {p.base_colour for p in shopper.products()} == {"Pink"}


def test_a_pregnancy_shows_womens_loose_tops_and_dresses(shopper):
    shopper.say("i'm six months pregnant")
    assert shopper.products() and {p.gender for p in shopper.products()} == {"Women"}
    assert shopper.types() <= {"Tunics", "Kurtis", "Kurtas", "Dresses", "Jumpsuit", "Leggings", "Tops"}, shopper.types()


def test_back_pain_asks_for_comfortable_shoes(shopper):
    shopper.say("i have back pain, what should i wear")
    assert shopper.products() and shopper.types() <= {"Sports Shoes", "Casual Shoes", "Flats", "Sports Sandals"}


def test_holi_is_white_and_casual(shopper):
    shopper.say("holi party with friends")
    assert shopper.products() and {(p.base_colour, p.usage) for p in shopper.products()} == {("White", "Casual")}


@pytest.mark.parametrize("text, genders", [("a gift for my grandpa", {"Men", "Unisex"}),
                                           ("mothers day is coming up", {"Women", "Unisex"})])
def test_grandparents_and_gifting_days_say_who_and_ask_the_budget(shopper, text, genders):
    answer = shopper.say(text)
    assert shopper.products() and {p.gender for p in shopper.products()} <= genders
    assert all(p.master_category in ("Accessories", "Personal Care") for p in shopper.products())
    assert answer["question"] and answer["question"]["ask"] == "budget"


def test_a_pitch_is_work_but_pitch_black_is_a_colour(shopper):
    shopper.say("pitching to investors on monday")
    assert shopper.products() and {p.usage for p in shopper.products()} == {"Formal"}
    answer = shopper.say("pitch black dress")
    assert shopper.types() <= {"Dresses", "Jumpsuit"} and "usage.formal" not in answer["state"]["include"]
