"""The forty-fourth round (issue 17), each test from a turn of the fifty-fourth or fifty-fifth
blind set that failed at its first measure: a run's distance after an article is no price ("signed
up for a 21k"; "a 5k budget" still is one); what the shopper has that one gender alone wears says
who it is for; a gift asked for by name beside an occasion; "something for my lips" is where it
goes; "all-black"; "can't sleep in jeans"; a group's dress code ("boys are wearing kurtas");
Hindi complaints about the shown beside a price move.
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, kinds", [
    ("new haircut, feeling fresh, want a little something for my lips to finish the look",
     {"Lipstick", "Lip Gloss", "Lip Liner", "Lip Care", "Lip Plumper"}),
    ("can't sleep in jeans lol, need something comfy for bedtime",
     {"Night suits", "Nightdress", "Lounge Pants", "Lounge Shorts", "Baby Dolls", "Bath Robe"}),
    ("farewell at college, boys are wearing kurtas, I need one too", {"Kurtas"}),
    ("going on a business trip, need a bag for a 3 day stay", {"Backpacks", "Duffel Bag", "Rucksacks"})])
def test_products_of_the_fortyfourth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_a_runs_distance_after_an_article_is_no_price(shopper):
    price = {"entity": "price", "value": "21k", "start": 16, "end": 19, "extractor": "DIETClassifier"}
    answer = shopper.say("signed up for a 21k in February and my current pair is done", entities=[price])
    assert not any(answer["state"]["filters"].get(k) for k in ("price_min", "price_max"))
    assert shopper.products()
    budget = {"entity": "price", "value": "5k", "start": 12, "end": 14, "extractor": "DIETClassifier"}
    answer = shopper.say("shoes for a 5k budget", entities=[budget])
    assert answer["state"]["filters"].get("price_max") == 5000


def test_what_one_gender_alone_wears_says_who_it_is_for(shopper):
    shopper.say("I have a black dress already, need shoes that go with it")
    assert shopper.products() and {p.gender for p in shopper.products()} == {"Women"}
    assert {p.master_category for p in shopper.products()} == {"Footwear"}


def test_a_gift_asked_by_name_beside_an_occasion(shopper):
    shopper.say("boss's farewell tomorrow, need a gift for him quickly")
    assert shopper.products() and not shopper.types() & {"Dresses", "Tops", "Shirts", "Heels", "Jeans"}


def test_all_black_is_black(shopper):
    shopper.say("all-black sports shoes please")
    assert shopper.products() and {p.base_colour for p in shopper.products()} == {"Black"}


def test_a_hindi_complaint_about_the_shown_is_no_floor(shopper):
    shopper.say("sports shoes for men")
    entities = [{"entity": "price_level", "value": word, "start": start, "end": start + len(word),
                 "extractor": "DIETClassifier"} for word, start in (("mehenge", 8), ("sasta", 21))]
    answer = shopper.say("yeh sab mehenge hai, sasta dikhao", op="refine", entities=entities)
    cap = answer["state"]["filters"].get("price_max")
    assert not answer["state"]["filters"].get("price_min") and cap
    assert shopper.products() and all(p.price <= cap for p in shopper.products())
