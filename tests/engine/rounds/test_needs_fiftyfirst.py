"""The fifty-first round (issue 17), each test from a turn of the seventy-seventh to eighty-fourth
blind sets that failed at its first measure (data only, in data/needs.yaml): "for working out"
said whole, eyes that look so tired, hips to skim, a scalp in the sun, skin that burns to a crisp,
cards that fall out, dark glasses after an operation, makeup that looks patchy, an empty neck
with a suit. Checked against the demo catalogue's labels over its real index
(``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, kinds", [
    ("joined a gym finally, need stuff for working out",
     {"Sports Shoes", "Tshirts", "Track Pants", "Shorts", "Sweatshirts", "Tracksuits", "Socks"}),
    ("my eyes look so tired in photos, I want to make them pop a bit", {"Kajal and Eyeliner", "Eyeshadow"}),
    ("I'm going bald on top and the sun is brutal on my head", {"Caps", "Hat", "Headband"}),
    ("heading to Goa next week and I always burn to a crisp", {"Sunscreen"}),
    ("my husband's cards keep falling out of his old torn thing", {"Wallets"}),
    ("mummy just had her cataract operation and the doctor said dark glasses outdoors for a month", {"Sunglasses"}),
    ("my makeup always looks patchy, I think I need a better base", {"Foundation and Primer", "Compact"}),
    ("wearing my grey suit to a board meeting, the neck looks empty", {"Ties", "Cufflinks"})])
def test_needs_of_the_fiftyfirst_round(shopper, text, kinds):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds, shopper.types()


def test_hips_are_no_lips(shopper):
    shopper.say("i'm a bit heavy around the hips and want something that flows over them instead of clinging")
    assert shopper.products() and not shopper.types() & {"Lipstick", "Lip Gloss", "Lip Balm", "Lip Liner"}
