"""The thirty-fifth round (issue 17), read in the forty-second blind set's failures and measured
by no fresh set yet: South and East Indian names shoppers write in Latin letters for colours
(Tamil, Telugu, Kannada, Malayalam, Bengali) and for products (saree, skirt, earrings, bangles,
kurta, watch), as data (data/colours.yaml, data/words.yaml).
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, kinds, colour", [
    ("karuppu colour shirt venum, for men", {"Shirts"}, "Black"),
    ("erra colour shirts unnaya?", {"Shirts"}, "Red"),
    ("pachai colour tshirt, any?", {"Tshirts"}, "Green"),
    ("golapi handbag, do you have?", {"Handbags"}, "Pink"),
    ("can I see some podavai for my amma?", {"Sarees"}, None),
    ("any blue panjabi?", {"Kurtas"}, "Blue"),
    ("kadigaram for my husband, something nice?", {"Watches"}, None)])
def test_south_and_east_indian_words(shopper, text, kinds, colour):
    shopper.say(text)
    assert shopper.products() and shopper.types() <= kinds
    if colour:
        assert {p.base_colour for p in shopper.products()} == {colour}
