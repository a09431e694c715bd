"""The fifty-eighth round (issue 17), each test from a turn of the hundred-and-first to
hundred-and-fourth blind sets that failed at its first measure: moves said by where a sleeve
reaches, by a cut's room or closeness, by a colour's effect ("stand out", "easier on the eyes",
"hides dirt") or by degree ("a step up in formality", "the opposite of office wear"); a value
asked of the products shown ("can these come in near white", "full length sleeves instead")
with a need that is only its reason; a light colour said in the singular; and needs: a long train
journey, sweat that people notice, the finishing touches, a dropped phone, no clock, drying off
after a swim, a school farewell or dance, a dark cold morning. Checked against the demo
catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("first, then", [
    ("tops for women", "my office AC is freezing though, can the sleeves come down further, like to the elbow or wrist"),
    ("tops for women", "my office AC is freezing, can the sleeves reach my wrists or at least my elbows"),
    ("shirts for men", "thinking again, give me full length sleeves instead, it's getting chilly in the evenings")])
def test_sleeves_said_by_where_they_reach_keep_the_product(shopper, first, then):
    """The cold is the reason for the sleeves: still tops or shirts, with sleeves, never jackets
    or watches for the wrists."""
    shopper.say(first)
    kinds = shopper.types()
    shopper.say(then)
    assert shopper.types() == kinds and shopper.names("sleeve") - {"Sleeveless"}, shopper.answer["query"]


@pytest.mark.parametrize("first, then, group, wanted", [
    ("jeans for women", "I can't sit down in these, one with more space in the thighs please", "fit", {"Regular Fit", "Loose Fit"}),
    ("red kurtas for women", "that red is screaming at me, a gentler, dustier version of the colour please", "colour",
     None),
    ("printed tops for women", "the prints are giving me a headache, something with a quieter design, closer to solid",
     "pattern", {"Solid", "Self Design", "Striped", "Checked"}),
    ("casual shirts for men", "ok now something I could wear to a board meeting, a step up in formality", "usage",
     {"Formal"}),
    ("formal shirts for men", "got the job! now I need something for weekends, the opposite of office wear", "usage",
     {"Casual", "Travel", "Sports"}),
    ("white sports shoes for men", "white gets filthy on the treadmill, show a dark coloured pair instead", "colour",
     None)])
def test_moves_said_by_effect_or_degree(shopper, first, then, group, wanted):
    shopper.say(first)
    kinds, before = shopper.types(), shopper.names(group)
    shopper.say(then, op="refine")
    after = shopper.names(group)
    assert shopper.products() and shopper.types() <= kinds and after and after != before, shopper.answer["query"]
    assert wanted is None or after <= wanted, after


def test_a_value_asked_of_the_products_shown_keeps_them(shopper):
    """"black soaks up the sun, can these come in a light shade, like near white": T-shirts in
    white, not rain jackets; a light summery colour "in these dresses" keeps the dresses."""
    shopper.say("black tshirts for men")
    shopper.say("black soaks up the sun like crazy, can these come in a light shade, like near white")
    assert shopper.types() == {"Tshirts"} and {p.base_colour for p in shopper.products()} == {"White"}
    shopper.say("black dresses for women")
    shopper.say("it's a daytime party actually, can we do a light summery colour in these dresses")
    light = [p for p in shopper.products() if p.base_colour != "Black"]
    assert shopper.types() <= {"Dresses", "Jumpsuit"} and len(light) >= 4, [p.base_colour for p in shopper.products()]
    assert "Black" not in shopper.names("colour") and "White" in shopper.names("colour")


def test_a_new_product_asked_for_the_weather_is_still_a_new_search(shopper):
    shopper.say("shirts for men")
    shopper.say("it's cold now, something warm in black")
    assert shopper.types() <= {"Jackets", "Sweaters", "Sweatshirts"}


@pytest.mark.parametrize("text, kinds", [
    ("I'm a woman with a long train journey ahead, 30 hours, want to be comfortable",
     {"Tshirts", "Lounge Pants", "Track Pants", "Sweatshirts", "Casual Shoes", "Backpacks", "Tops", "Leggings"}),
    ("I sweat a lot in the metro and people notice, I'm a guy", {"Deodorant", "Perfume and Body Mist"}),
    ("I'm a woman who bikes to work and arrives all sweaty, what can I freshen up with",
     {"Deodorant", "Perfume and Body Mist"}),
    ("cousin's wedding in udaipur, I already have the suit, I'm a guy who needs the finishing touches",
     {"Cufflinks", "Ties"}),
    ("I keep dropping my phone, want something to keep it in, I'm a woman", {"Mobile Pouch", "Clutches", "Handbags"}),
    ("I keep getting late because I have no clock on me, I'm a man who hates phones", {"Watches"}),
    ("I've got a swimming class at the club and nothing for after, I need to dry off and change, I'm a woman",
     {"Bath Robe"}),
    ("my teenage son has a school farewell, what should he wear, he's in men's sizes now",
     {"Shirts", "Trousers", "Formal Shoes", "Ties", "Blazers", "Suits"}),
    ("my teenage daughter has her first school dance, she's 16 and wants to feel pretty",
     {"Dresses", "Tops", "Heels", "Skirts", "Clutches"}),
    ("I walk my dog at 5am every day and it's pitch dark and cold, I'm a guy", {"Jackets", "Sweaters", "Sweatshirts"})])
def test_needs_of_the_fiftyeighth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()
