"""Generated hostile input to the engine's ``POST /query``: wrong types, unknown concepts and
ids in any field of the state and the edit, odd unicode (lone surrogates) and wrong JSON
shapes. Every answer is a 4xx with a reason, or a 200 when the input happens to be valid;
never a 500. Bounded: a fixed number of examples, each within the request bounds."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st

from retrieval.serving.api import create_app

EXAMPLES = 300  # per test: about 40 s on 2 busy cores

junk = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
                 st.floats(allow_nan=False), st.text(max_size=30), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
unknown_concepts = st.sampled_from(["colour.nope", "sub.nothing", "type.unicorns", "", "\ud800", "root", "x" * 100])
concepts = st.one_of(st.sampled_from(["colour.red", "sub.dress", "type.tshirts"]), unknown_concepts)
pending = st.fixed_dictionaries({"kind": st.sampled_from(["unknown", "drop"])}, optional={
    "term": st.one_of(st.text(max_size=20), unknown_concepts),
    "suggestions": st.lists(concepts, max_size=3),
    "op": st.sampled_from(["search", "refine", "more_like", "photo", "answer"]),
    "turn": st.fixed_dictionaries({"op": st.sampled_from(["search", "refine"]), "text": st.text(max_size=20)}),
    "target": st.one_of(st.fixed_dictionaries({"concept": concepts}),
                        st.fixed_dictionaries({"filter": st.one_of(st.text(max_size=10),
                                                                   st.sampled_from(["price", "brands", "sizes"]))})),
    "name": st.text(max_size=20)})
well_typed = {"like": st.integers(min_value=0, max_value=60000), "text": st.text(max_size=40),
              "include": st.lists(concepts, max_size=4), "exclude": st.lists(concepts, max_size=4),
              "filters": st.fixed_dictionaries({}, optional={
                  "price_max": st.floats(min_value=0, max_value=1e6), "brands": st.lists(st.text(max_size=12), max_size=3),
                  "sizes": st.lists(st.text(max_size=5), max_size=3), "on_sale": st.booleans()}),
              "sort": st.sampled_from(["relevance", "price_asc", "discount"]),
              "offset": st.integers(min_value=0, max_value=1000),
              "shown": st.lists(st.integers(min_value=0, max_value=60000), max_size=6), "pending": pending}
# a state of the right shape whose values may name what does not exist, or one field of a wrong type
states = st.one_of(st.fixed_dictionaries({}, optional=well_typed),
                   st.builds(lambda base, key, bad: {**base, key: bad}, st.fixed_dictionaries({}, optional=well_typed),
                             st.sampled_from(sorted(well_typed) + ["image_id"]), junk))
ops = st.sampled_from(["search", "refine", "drop", "more_like", "page", "photo", "explain", "answer", "affirm",
                       "deny", "reset"])
edits = st.fixed_dictionaries({"op": ops}, optional={
    "text": st.one_of(st.text(max_size=60), st.sampled_from(["red dresses", "yes", "\ud800 shirts", "the 2nd"])),
    "entities": st.lists(st.fixed_dictionaries({"entity": st.sampled_from(["concept", "colour", "price", "ordinal",
                                                                           "brand"]),
                                                "value": st.one_of(concepts, st.integers(0, 10 ** 6),
                                                                   st.text(max_size=8))},
                                               optional={"role": st.sampled_from(["exclude", "max", "x"])}),
                         max_size=3),
    "ordinal": st.integers(min_value=-1, max_value=30),
    "page": st.sampled_from(["next", "first", "previous"])})
turns = st.fixed_dictionaries({"edit": edits, "state": states}, optional={"page_size": st.integers(1, 20)})
shapes = st.one_of(st.fixed_dictionaries({"edit": st.one_of(edits, junk)}, optional={"state": junk, "page_size": junk}),
                   junk)


@pytest.fixture(scope="module")
def client(demo_engine):
    return TestClient(create_app(demo_engine), raise_server_exceptions=False)


def check(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:400])
    if response.status_code >= 400:
        assert response.json()["error"]


def post(client, body):
    raw = json.dumps(body, ensure_ascii=True)  # lone surrogates travel as \ud800 escapes, as a client sends them
    return client.post("/query", content=raw, headers={"content-type": "application/json"})


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
          database=None)
@given(body=turns)
def test_generated_states_and_edits_are_never_a_500(client, body):
    """States of the right shape naming unknown concepts, ids and questions, or with one field
    of a wrong type, under every op."""
    check(post(client, body))


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
          database=None)
@given(body=shapes)
def test_generated_json_shapes_are_never_a_500(client, body):
    check(post(client, body))


@pytest.mark.parametrize("target", [{"concept": "colour.nope"}, {"concept": "\ud800"}, {"filter": "moon"}])
@pytest.mark.parametrize("op", ["affirm", "deny", "answer", "search"])
def test_a_pending_question_naming_an_unknown_concept_is_a_4xx(client, target, op):
    """Issue 18: a pending "drop" naming an unknown concept was a KeyError and a 500."""
    body = {"state": {"include": ["colour.red"], "pending": {"kind": "drop", "target": target, "name": "x"}},
            "edit": {"op": op, "text": "yes"}}
    response = client.post("/query", content=json.dumps(body), headers={"content-type": "application/json"})
    check(response)


@pytest.mark.parametrize("field, value", [("include", ["colour.nope"]), ("exclude", ["type.unicorns"]),
                                          ("include", ["root"]), ("shown", [10 ** 15]),
                                          ("pending", {"kind": "unknown", "term": "x", "suggestions": ["\ud800"],
                                                       "op": "refine", "turn": {"op": "refine", "text": "red"}})])
def test_an_unknown_concept_anywhere_in_the_state_is_a_4xx(client, field, value):
    body = {"state": {field: value}, "edit": {"op": "affirm" if field == "pending" else "refine", "text": "red"}}
    check(client.post("/query", content=json.dumps(body), headers={"content-type": "application/json"}))


@pytest.mark.parametrize("raw", [b"[]", b"[1, 2]", b"\"edit\"", b"null", b"{\"edit\": []}", b"{\"edit\": {\"op\": 3}}",
                                 b"{\"edit\": {\"text\": \"\\ud800\"}}", b"{\"edit\": {}, \"state\": []}", b"\xff\xfe",
                                 b"{" * 5000])
def test_wrong_json_shapes_are_a_4xx(client, raw):
    check(client.post("/query", content=raw, headers={"content-type": "application/json"}))
