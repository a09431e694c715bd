"""The thirtieth round (issue 17), each test from a turn of the thirty-seventh blind set that
failed at its first measure: a negated list that ends when each item had its own "not", what is
refused after a colour ("black excluded", "grey is dull"), a refused colour never standing in
for a missing one, and what the shopper only owns ("only own tshirts", "have a pair of blue jeans").
Checked against the demo catalogue's labels over its real index (``tests/engine/conftest.py``)."""
from __future__ import annotations


def test_a_list_of_own_negations_ends_at_the_wanted_one(shopper):
    shopper.say("not a tshirt, not a shirt, a kurta is what i want for the function")
    assert shopper.products() and shopper.types() == {"Kurtas"}


def test_refusals_said_after_a_colour(shopper):
    shopper.say("flip flops for men, black excluded")
    assert shopper.products() and "Black" not in {p.base_colour for p in shopper.products()}
    shopper.say("grey is dull, give me sweatshirts in any other shade")
    assert shopper.products() and shopper.types() == {"Sweatshirts"}
    assert "Grey" not in {p.base_colour for p in shopper.products()}


def test_a_refused_colour_never_stands_in(shopper):
    answer = shopper.say("earrings, but ones that aren't silver, silver makes my skin look grey")
    assert "colour.silver" in answer["state"]["exclude"]
    assert shopper.products() and "Silver" not in {p.base_colour for p in shopper.products()}


def test_what_the_shopper_only_owns_is_no_request(shopper):
    shopper.say("interview at a bank on monday, first proper job, i'm a guy and only own tshirts honestly")
    assert shopper.products() and "Tshirts" not in shopper.types()
    assert {p.usage for p in shopper.products()} == {"Formal"}
    shopper.say("have a pair of blue jeans and nothing to wear on top, for a girl")
    assert shopper.products() and "Jeans" not in shopper.types()

