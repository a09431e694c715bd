"""The thirty-eighth round (issue 17), each test from a turn of the forty-fourth blind set that
failed at its first measure: a complaint of fit said of a product ("every pair of jeans looks
baggy on me") asks for the product in a better fit, while said of a fit it refuses it; a need
whose products go with the thing in hand ("my trousers slide down my hips": a belt) is not
narrowed to that thing's kind; what ends a list begun by carrying is carried ("carry water,
snacks and a jacket"); a product after "for my" beside a shown product asked like ("a brown one
just like it for my brown shoes") is what it goes with; needs for smell, the sun on the face,
cold feet, a night train; "look the part" is no dress code; Hindi words for the photo ("ye wala").
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


def test_a_complaint_of_fit_said_of_a_product_keeps_it(shopper):
    answer = shopper.say("i'm tall and skinny and every pair of jeans looks baggy on me")
    assert "type.jeans" in answer["state"]["include"] and "type.jeans" not in answer["state"]["exclude"]
    assert shopper.products() and shopper.types() == {"Jeans"}


def test_a_belt_for_the_trousers_in_hand(shopper):
    shopper.say("lost 8 kilos this year and now all my trousers slide down my hips")
    assert shopper.products() and shopper.types() == {"Belts"}


def test_what_ends_a_carried_list_is_carried(shopper):
    shopper.say("need to carry water, snacks and a jacket on a day hike")
    assert shopper.products() and shopper.types() <= {"Backpacks", "Duffel Bag"}


def test_for_my_product_beside_a_shown_one_is_what_it_goes_with(shopper):
    shopper.say("belts for men")
    answer = shopper.say("need a brown one just like the 2nd for my brown shoes", op="more_like")
    assert "sub.shoes" not in answer["state"]["include"]
    assert shopper.products() and shopper.types() == {"Belts"}


@pytest.mark.parametrize("text, kinds", [
    ("i sweat like crazy in the metro and want to smell decent by the time i reach", {"Deodorant", "Perfume and Body Mist"}),
    ("the sun here in rajasthan is brutal on my face", {"Sunscreen"}),
    ("i get cold feet at night in this himachal winter", {"Socks"}),
    ("night train journey to kolkata, want something comfy to change into", {"Night suits", "Nightdress", "Baby Dolls",
                                                                             "Lounge Pants", "Lounge Shorts"}),
    ("we have a cricket match in the society this sunday and i want to look the part",
     {"Sports Shoes", "Tshirts", "Shorts", "Track Pants"})])
def test_needs_of_the_thirtyeighth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds


def test_ye_wala_keeps_the_photo(demo_engine):
    reading = demo_engine.service.reader.read("ye wala style thoda sasta milega kya", [], None)
    assert reading.photo
