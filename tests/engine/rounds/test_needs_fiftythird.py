"""The fifty-third round (issue 17), each test from a turn of the eighty-fifth and eighty-sixth blind
sets that failed at its first measure: the gender said by its own name over a relative's ("shirts
for men, no purple, my wife hates it"), a colour affirmed after "but" that a later "no" does not
reach ("similar flats but black, white gets dirty"), a product the shown ones are likened to
("these look like pyjamas"), an age that is no price ("my little brother turns 12"), Hindi
"halka colour" and "sahi", and shoppers' words as data: kolhapuris, a briefcase, ear tops,
lingerie, a shawl, an oily face by lunch, the sun on the skin, a phone kept safe, a teacher.
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, gender", [
    ("shirts for men, no purple please, my wife hates it", "Men"),
    ("i'm a woman shopping for men's shirts for my husband", "Men")])
def test_the_gender_said_by_its_name_wins(shopper, text, gender):
    shopper.say(text)
    assert shopper.products() and {p.gender for p in shopper.products()} == {gender}
    assert shopper.types() == {"Shirts"}


def test_a_colour_after_but_is_asked_though_a_later_one_is_refused(shopper):
    shopper.say("flats for women")
    shopper.say("similar flats but black, white gets dirty", op="refine")
    assert shopper.products() and {p.base_colour for p in shopper.products()} == {"Black"}
    assert shopper.types() == {"Flats"}


def test_a_list_refused_after_it_is_still_refused(shopper):
    shopper.say("red or pink are a no, tops please")
    assert shopper.products() and not {p.base_colour for p in shopper.products()} & {"Red", "Pink"}


def test_what_the_shown_are_likened_to_is_no_request(shopper):
    shopper.say("tshirts for men")
    shopper.say("plainer please, these look like pyjamas", op="refine")
    assert shopper.products() and shopper.types() == {"Tshirts"}


def test_an_age_is_no_price(shopper):
    shopper.say("my little brother turns 12 next week, what can I get him")
    assert shopper.products() and {p.gender for p in shopper.products()} <= {"Boys", "Unisex"}
    assert not shopper.answer["query"]["filters"]


def test_halka_colour_is_lighter(shopper, labels):
    shopper.say("black kurtas for men")
    shopper.say("isse thoda halka colour, summer ke liye", op="refine")
    assert shopper.products() and shopper.types() == {"Kurtas"}
    assert "Black" not in {p.base_colour for p in shopper.products()}


def test_sahi_is_no_sari(shopper):
    shopper.say("tshirts for men")
    shopper.say("pehla wala sahi hai but white mein chahiye", op="refine")
    assert shopper.products() and shopper.types() == {"Tshirts"}
    assert {p.base_colour for p in shopper.products()} == {"White"}


@pytest.mark.parametrize("text, kinds", [
    ("kolhapuris for men", {"Sandals", "Sports Sandals", "Flats"}),
    ("briefcase for work", {"Laptop Bag", "Messenger Bag"}),
    ("ear tops for daily wear", {"Earrings"}),
    ("lingerie for women", {"Bra", "Briefs", "Camisoles"}),
    ("a shawl for my grandmother", {"Stoles", "Scarves", "Mufflers"}),
    ("by lunchtime my face is an oil slick, help", {"Face Wash and Cleanser", "Compact"}),
    ("the sun is ruining my skin on my commute", {"Sunscreen", "Sunglasses", "Caps", "Hat", "Scarves", "Stoles"}),
    ("need somewhere to keep my phone safe when I go out", {"Mobile Pouch"}),
    ("I'm a schoolteacher, need smart but comfortable things to teach in, woman",
     {"Shirts", "Trousers", "Tops", "Kurtas", "Kurtis", "Sarees", "Flats"})])
def test_words_of_the_fiftythird_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_a_girl_with_zero_ethnic_clothes_wants_them(shopper):
    shopper.say("my best friend's mehendi is next week and I'm a girl with zero ethnic clothes")
    assert shopper.products() and shopper.types() <= {"Kurtas", "Kurtis", "Sarees", "Kurta Sets", "Clothing Set"}
    assert {p.gender for p in shopper.products()} == {"Women"}


@pytest.mark.parametrize("text", ["my grandpa can't bend down to tie his laces anymore",
                                  "my dad hates tying laces, shoes please"])
def test_laces_not_to_tie(shopper, labels, text):
    shopper.say(text)
    assert shopper.products() and "Ties" not in shopper.types()
    slip = {"sub.shoes.fastening.slip_on", "sub.sandal.fastening.slip_on", "sub.sandal.fastening.velcro"}
    assert all(labels[p.id] & slip or not any(".fastening." in c for c in labels[p.id])  # unlabelled: unknown, as the judge
               for p in shopper.products())


@pytest.mark.parametrize("op, text", [("page", "show me other colours"), ("compare", "hmm, anything in a different colour?")])
def test_another_colour_is_an_edit_whatever_the_intent(shopper, op, text):
    shopper.say("white shirts for men")
    shopper.say(text, op=op)
    assert shopper.products() and shopper.types() == {"Shirts"} and "White" not in {p.base_colour for p in shopper.products()}


def test_the_next_page_and_a_comparison_stay(shopper):
    shopper.say("white shirts for men")
    first = [p.id for p in shopper.products()]
    shopper.say("show me more", op="page")
    assert shopper.products() and not set(first) & {p.id for p in shopper.products()}
    assert {p.base_colour for p in shopper.products()} == {"White"}
    shopper.say("white shirts for men")
    answer = shopper.say("compare the 1st and the 2nd", op="compare")
    assert answer.get("comparison")
