"""The forty-ninth round (issue 17), each test from a turn of the sixty-eighth to seventy-second
blind sets that failed at its first measure: two needs naming products where one only suggests
the other's ("barish ... pair bheegte hain": the wet feet's sandals, not the rain's jackets); a
need's suggested products that only another gender wears are left out ("beach wedding, men": no
dresses); walking on sand and a hostel bathroom, a killer sun, skin that tans, a smell, pale lips,
keys lost in a bag, a baby's bag, hands free, a walking tour, a collar, a classic gentleman, a
wrist that is his, warm sleepwear, shoulders to cover, "i own plenty of". Checked against the
demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest

SAND = {"Flip Flops", "Sandals", "Sports Sandals"}
SUN = {"Sunglasses", "Caps", "Hat", "Headband", "Sunscreen"}


@pytest.mark.parametrize("text, kinds", [
    ("heading to goa with friends, want something to walk on the beach in", SAND),
    ("going for a beach wedding in Kovalam, I'm a guy and the sand will be hot", SAND),
    ("hostel bathroom is gross, need something to wear on my feet in there", SAND),
    ("what should i wear on my feet for walking on goa beaches all day", SAND),
    ("outdoor cricket match this weekend, sun's going to be killer", SUN),
    ("going to a cricket match in the afternoon heat", SUN),
    ("my skin tans badly every summer", {"Sunscreen"}),
    ("i sweat a lot during my commute, smell is an issue", {"Perfume and Body Mist", "Deodorant"}),
    ("lips always look so dull and dry, want a bit of colour", {"Lipstick", "Lip Gloss"}),
    ("my lips are always pale in photos, want some colour", {"Lipstick", "Lip Gloss"}),
    ("i'm always losing my keys and cards in my bag", {"Wallets"}),
    ("new dad here, need a bag that can hold diapers and bottles", {"Backpacks", "Duffel Bag", "Handbags", "Messenger Bag"}),
    ("I cycle to work and need to carry my stuff without using my hands", {"Backpacks", "Messenger Bag", "Handbags"}),
    ("walking tour of europe, 20k steps a day", {"Casual Shoes", "Sports Shoes", "Flats", "Sports Sandals"}),
    ("i have a black suit already, need something to go around the collar", {"Ties"}),
    ("gift for a colleague who's retiring, he's a gentleman of the old school",
     {"Watches", "Wallets", "Belts", "Ties", "Cufflinks", "Perfume and Body Mist"}),
    ("dad is retiring, want to gift him something classy to wear on the hand", {"Watches", "Bracelet", "Bangle"}),
    ("I own plenty of jeans but have no tops to pair them with, i'm female", {"Tops"}),
    ("the nights are cold and i wake up freezing, want warm sleepwear, female",
     {"Night suits", "Nightdress", "Baby Dolls", "Lounge Pants", "Lounge Shorts", "Lounge Tshirts"}),
    ("winter wedding in Delhi and I always feel cold in a saree, need to cover my shoulders",
     {"Stoles", "Scarves", "Mufflers", "Dupatta"})])
def test_needs_of_the_fortyninth_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_a_need_that_only_suggests_anothers_products_gives_way(shopper):
    text = "barish mein roz bheegte hain pair, kuch chahiye jo kharab na ho"
    shopper.say(text, entities=[{"entity": "category", "value": "barish", "start": 0, "end": 6,
                                 "extractor": "DIETClassifier"}])  # as the bot's NLU tags it
    assert shopper.products() and shopper.types() <= SAND, shopper.types()


@pytest.mark.parametrize("text, never", [
    ("beach wedding in pondicherry, daytime, men", {"Dresses", "Jumpsuit", "Sarees"}),
    ("my husband has a wedding reception, needs a full formal look", {"Sarees", "Dresses", "Heels", "Clutches"})])
def test_suggestions_only_another_gender_wears_are_left_out(shopper, labels, text, never):
    shopper.say(text)
    assert shopper.products() and not shopper.types() & never, shopper.types()
    assert all(labels[p.id] & {"gender.men", "gender.unisex", "gender.boys"} for p in shopper.products())
