"""Shoppers' Hindi written in Latin letters (issue 17, the twenty-fourth round): colour names and
"rang", product names, negations said after a word ("na ho", "mat dikhana") or before it ("bina"),
ordinals ("teesra wala") and "aise aur" (more like these), and the everyday words that name nothing
the shop sells ("pasand aaya"), which are never asked about. The words live in data/colours.yaml
and data/words.yaml; checked against the demo catalogue's labels over its real index (fixtures in
``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, colour, kinds", [
    ("laal rang ki flip flops hai?", "Red", {"Flip Flops"}),
    ("gulabi top chahiye college ke liye", "Pink", {"Tops"}),
    ("hara t-shirt dikhao bhaiya", "Green", {"Tshirts"}),
    ("jamuni rang ka handbag", "Purple", {"Handbags"}),
    ("neela kurta chahiye", "Blue", {"Kurtas"})])
def test_hindi_colour_names_are_the_catalogue_colours(shopper, text, colour, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds
    assert {p.base_colour for p in shopper.products()} == {colour}


def test_rang_is_colour_not_a_ring(shopper):
    answer = shopper.say("mehroon rang ka kuch bhi mil jayega ladies ke liye?")
    assert not any("ring" in c for c in answer["state"]["include"])
    assert shopper.products() and {p.base_colour for p in shopper.products()} <= {"Maroon", "Burgundy"}


@pytest.mark.parametrize("text, kinds", [
    ("ganji chahiye daily use ke liye", {"Innerwear Vests"}),
    ("a topi for summer, men", {"Caps", "Hat"}),
    ("chudiyan for a function", {"Bangle"}),
    ("cooling glass for summer, men", {"Sunglasses"})])
def test_hindi_and_indian_english_product_names(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds


@pytest.mark.parametrize("text, kinds, unwanted", [
    ("tops jinke v neck na ho", {"Tops"}, "neck.v_neck"),
    ("socks, white mat dikhana, jaldi ganda ho jata hai", {"Socks"}, "colour.white"),
    ("bina heel ki chappal, ladies", {"Flip Flops", "Sandals", "Flats"}, "type.heels")])
def test_hindi_negations_before_and_after_a_word(shopper, labels, text, kinds, unwanted):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds
    assert not any(unwanted in label for p in shopper.products() for label in labels[p.id])


def test_a_no_after_a_list_reaches_back_through_it(shopper):
    shopper.say("kurta chahiye, blue ya white nahi, kuch aur")
    assert shopper.products() and shopper.types() == {"Kurtas"}
    assert not {p.base_colour for p in shopper.products()} & {"Blue", "White"}


def test_a_hindi_ordinal_names_a_shown_product(shopper):
    shopper.say("heels for women")
    shopper.say("teesra wala brown mein hai kya?")
    assert shopper.products() and shopper.types() == {"Heels"}
    assert {p.base_colour for p in shopper.products()} == {"Brown"}


def test_more_like_a_product_said_in_hindi_asks_nothing(shopper):
    shopper.say("tshirts for men")
    second = shopper.answer["items"][1]["id"]
    answer = shopper.say("doosra wala pasand aaya, aise aur dikhao")
    assert answer["state"]["like"] == second
    assert (answer.get("question") or {}).get("kind") != "unknown"
    assert shopper.products() and shopper.types() == {"Tshirts"}


def test_a_bit_of_a_dark_shade_in_hindi_keeps_the_product(shopper):
    shopper.say("jeans for men")
    shopper.say("thoda dark shade chahiye", op="refine")
    assert shopper.products() and shopper.types() == {"Jeans"}
    assert {p.base_colour for p in shopper.products()} <= {"Black", "Navy Blue", "Charcoal", "Brown", "Maroon", "Burgundy", "Purple"}


@pytest.mark.parametrize("text, below", [("thoda sasta dikhao", True), ("aur mehenga wala dikhao", False)])
def test_hindi_price_words_move_from_the_products_shown(shopper, text, below):
    shopper.say("casual shoes for men to wear on weekends")
    shown = [p.price for p in shopper.products()]
    shopper.say(text, op="fallback")
    prices = [p.price for p in shopper.products()]
    assert prices and shopper.types() == {"Casual Shoes"}
    assert all(p < min(shown) for p in prices) if below else all(p > max(shown) for p in prices)
