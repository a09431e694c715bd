"""The sixty-third round (issue 17), each test from a turn of the hundred-and-nineteenth to
hundred-and-twenty-second blind sets that failed at its first measure: ages said in words from twenty
on ("a twenty two year old guy"), "a guy of 25" is an age and no budget, the products of a need of
the body stay over an occasion said with them ("blisters ... at parties": comfortable shoes), boots
for a sport are sports shoes, what a thing outgrew ("too heavy for my old shoulder bag"), clothes
said with a word between ("my summer clothes"), what the shopper wears when a need comes
("when i wear skirts"), a hyphen as a space in a price phrase ("more high-end"), colours too showy,
a pattern made cleaner or given some design, hems said to be short, the skin on one's face; and
needs: cold legs, thighs that rub, a desert safari, a bare wrist, a promotion, money and cards, the
pool, sweat patches, tired eyes in photos, a hospital job. Checked against the demo catalogue's
labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest

COMFORT_SHOES = {"Sports Shoes", "Casual Shoes", "Flats", "Sports Sandals", "Sandals"}


@pytest.mark.parametrize("text, gender", [
    ("I just joined a gym and have nothing to wear there, I'm a twenty two year old guy", {"Men"}),
    ("I want to stop looking like a college kid now that I'm a manager, I'm a twenty eight year old man", {"Men"})])
def test_ages_said_in_words_from_twenty(shopper, text, gender):
    shopper.say(text)
    assert shopper.names("gender") == gender, shopper.answer["query"]


def test_a_guy_of_25_is_no_budget(shopper):
    said = "jeans for men, I'm a skinny guy of 25"
    start = said.index("25")
    shopper.say(said, entities=[{"entity": "price", "value": "25", "start": start, "end": start + 2}])
    assert not shopper.answer["query"]["filters"] and shopper.types() == {"Jeans"}, shopper.answer["query"]


@pytest.mark.parametrize("text, kinds", [
    ("my heels give me blisters every single time, I'm a woman, I need something kinder for my feet at parties",
     COMFORT_SHOES),
    ("I'm a woman and I work in a hospital on my feet for twelve hours", COMFORT_SHOES),
    ("football practice three times a week and my son's boots are torn, he's 15", {"Sports Shoes"}),
    ("I play football on sundays with office friends and my boots are dead, I'm a man", {"Sports Shoes"}),
    ("my laptop is too heavy for my old shoulder bag, I commute by bus", {"Backpacks", "Laptop Bag", "Messenger Bag"}),
    ("my legs get cold under a skirt in Bangalore winters, any ideas", {"Leggings", "Stockings", "Jeggings"}),
    ("my thighs rub together in the heat when I wear skirts, what can go under",
     {"Shorts", "Leggings", "Stockings", "Lounge Shorts"}),
    ("the sun in Rajasthan is brutal and I'm going for a desert safari, I'm a woman",
     {"Sunglasses", "Caps", "Hat", "Sunscreen", "Scarves", "Stoles"}),
    ("my boyfriend's wrist looks bare and his birthday is next week", {"Watches", "Bracelet", "Bangle"}),
    ("my boss gave me a promotion so I want to look like a manager now, I'm a guy in my thirties",
     {"Shirts", "Trousers", "Formal Shoes", "Blazers", "Ties", "Belts"}),
    ("my mom always loses her money and cards at the market, something to keep them safe", {"Wallets"}),
    ("swimming lessons start next week, I'm a man, what should I get for the pool area",
     {"Shorts", "Flip Flops", "Bath Robe", "Sports Sandals", "Trunk", "Swimwear"}),
    ("I sweat a lot and my shirts get patches by lunch, what can help, I'm male",
     {"Deodorant", "Innerwear Vests", "Perfume and Body Mist"}),
    ("my eyes look so tired and flat in photos, want to make them pop", {"Kajal and Eyeliner", "Eyeshadow", "Mascara"}),
    ("the skin on my face gets oily and breaks out in summer, what should I use", {"Face Wash and Cleanser", "Sunscreen"})])
def test_needs_of_the_sixtythird_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_skirts_worn_when_a_need_comes_say_who(shopper):
    shopper.say("my thighs rub together in the heat when I wear skirts, what can go under")
    assert shopper.names("gender") == {"Women"}, shopper.answer["query"]


@pytest.mark.parametrize("first, then, check", [
    ("a handbag for work, women", "a lighter shade would suit my summer clothes better",
     lambda s: s.types() == {"Handbags"}),
    ("party dresses for women", "hmm I'd feel more comfortable in a longer hemline, these are quite short",
     lambda s: s.types() == {"Dresses"}),
    ("aviator sunglasses for my dad", "he deserves better, go more high-end than these",
     lambda s: any(f["filter"] == "price" and f["text"].startswith("over") for f in s.answer["query"]["filters"]))])
def test_refinements_of_the_sixtythird_round(shopper, first, then, check):
    shopper.say(first)
    shopper.say(then, op="refine")
    assert shopper.products() and check(shopper), (shopper.types(), shopper.answer["query"])


@pytest.mark.parametrize("text, order, direction", [
    ("too showy a colour for me, I'm sixty, something gentle and grown-up", "chroma", -1),
    ("the pattern is a bit much, can you take it down to something cleaner", "pattern", -1),
    ("kinda boring, show me ones with some design going on", "pattern", 1)])
def test_moves_of_the_sixtythird_round(demo_engine, text, order, direction):
    moves = demo_engine.service.reader.read(text).relative
    assert [(m["order"], m["direction"]) for m in moves][:1] == [(order, direction)], moves


def test_two_needs_agree_in_the_order_their_products_are_listed(demo_engine):
    """The products two needs share keep the order data/needs.yaml lists them in, whatever the
    process's hash seed (it once came from a set, so the first product shown changed run to run)."""
    said = demo_engine.service.reader.read("walking tour of europe, 20k steps a day")
    kinds = [c for t in said.terms if t.need is not None and t.need.name == "sore_feet" for c in t.values]
    assert kinds[:4] == ["type.sports_shoes", "type.casual_shoes", "type.flats", "type.sports_sandals"], kinds
