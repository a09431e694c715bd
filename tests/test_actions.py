"""Custom actions against the real engine over the demo catalogue.

Each test loads a tracker from bot/tests/trackers/*.json (the latest message as Rasa parses it:
both extractors' entities, synonyms mapped), runs the action, and checks its events and
replies. Multi-turn flows chain the slots the previous action set. Results are checked
against the products' catalogue labels, not against the engine's own explanations.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.explain import ActionExplain
from actions.formatting import caption, describe, split_buttons
from actions.refine import (ActionAffirm, ActionChoose, ActionDeny, ActionDrop, ActionMoreLike, ActionRefine,
                            ActionStartOver)
from actions.search import ActionImageSearch, ActionSearch, ActionShowMore
from actions.state import pick_item, read_request
from tests import support as procs

TRACKERS = procs.REPO / "bot" / "tests" / "trackers"


def load_tracker(name: str, slots: dict | None = None, **replace) -> Tracker:
    """A tracker from its JSON fixture, with the slots a previous turn left."""
    state = json.loads((TRACKERS / f"{name}.json").read_text())
    state["slots"].update(slots or {})
    text = json.dumps(state)
    for old, new in replace.items():
        text = text.replace(old, new)
    return Tracker.from_dict(json.loads(text))


def run(action, name: str, slots: dict | None = None, **replace) -> tuple[list[dict], list[dict], dict]:
    """(events, messages, slots after the events) of one action run."""
    dispatcher = CollectingDispatcher()
    tracker = load_tracker(name, slots, **replace)
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    after = dict(tracker.slots)
    after.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
    return events, dispatcher.messages, after


def products(messages: list[dict]) -> dict:
    return next(m["custom"] for m in messages if m.get("custom", {}).get("type") == "products")


def responses(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]


@pytest.fixture(scope="module")
def engine(request):
    setup = procs.engine_setup(request)
    service = procs.start_engine(setup)
    yield service, procs.catalogue_labels(setup.db_url)
    service.stop()


@pytest.fixture
def labels(engine, monkeypatch) -> dict[int, set[str]]:
    """Catalogue labels; the actions talk to the test engine."""
    service, by_id = engine
    monkeypatch.setenv("FASHIONBOT_ENGINE_URL", service.url)
    monkeypatch.setenv("FASHIONBOT_PUBLIC_URL", service.url)
    return by_id


def assert_meets(items: list[dict], total: int, wanted: set[str], labels, unwanted: set[str] = frozenset()):
    """No catalogue label of the first ``total`` shown items (those the engine counts as full
    matches) contradicts a request."""
    assert total > 0
    for item in items[:total]:
        assert not procs.label_conflicts(labels[item["id"]], wanted, unwanted), \
            (item["name"], procs.label_conflicts(labels[item["id"]], wanted, unwanted))


@pytest.fixture
def navy_shirts(labels):
    """The slots after "show me navy blue shirts for men"."""
    return run(ActionSearch(), "search_navy_shirts_men")[2]


# ------------------------------------------------------------------------ searching and refining
def test_search_replaces_state_and_replies_with_products(labels):
    old = {"include": ["colour.red", "sub.dress"], "exclude": ["striped"], "reference": 1234.0, "page": 10.0}
    events, messages, slots = run(ActionSearch(), "search_navy_shirts_men", old)
    assert slots["include"] == ["colour.navy_blue", "type.shirts", "gender.men"]
    assert slots["exclude"] == [] and slots["reference"] is None and slots["page"] == 0.0
    assert slots["category"] == "type.shirts"
    summary = messages[0]
    assert summary["response"] == "utter_results" and summary["count"] == 5
    assert summary["description"] == "navy blue shirts for men"
    cards = [m for m in messages if m.get("response") == "utter_product"]
    payload = products(messages)
    assert len(cards) == len(payload["items"]) == len(slots["results"]) == 5
    for rank, (card, item) in enumerate(zip(cards, payload["items"]), start=1):
        assert card["caption"].startswith(f"{rank}. {item['name']}")
        assert "✓ Shirts" in card["caption"] and "✓ Navy Blue" in card["caption"]
        assert card["image_url"] == item["image_url"] == f"{labels_url()}/items/{item['id']}/image"
        assert set(item) == {"id", "name", "image_url", "matched", "missed", "score"}
    assert [i["id"] for i in payload["items"]] == [r["id"] for r in slots["results"]]
    assert_meets(payload["items"], payload["total"], {"type.shirts", "colour.navy_blue", "gender.men"}, labels)
    buttons = messages[-1]["buttons"]
    assert [b["title"] for b in buttons][-2:] == ["Show more", "Start over"]
    assert all(b["payload"].startswith('/refine{"concept": ') for b in buttons[:-2])


def labels_url() -> str:
    import os

    return os.environ["FASHIONBOT_PUBLIC_URL"]


def test_refine_adds_then_replaces_within_exclusive_groups(navy_shirts, labels):
    _, messages, slots = run(ActionRefine(), "refine_long_sleeves", navy_shirts)
    assert slots["include"] == ["colour.navy_blue", "type.shirts", "gender.men", "sub.topwear.sleeve.long_sleeves"]
    assert messages[0]["description"] == "navy blue long-sleeve shirts for men"
    payload = products(messages)
    assert_meets(payload["items"], payload["total"], set(slots["include"]), labels)
    # several edits in one message: two replace their group's value, one is added
    _, messages, slots = run(ActionRefine(), "refine_several", slots)
    assert slots["include"] == ["type.shirts", "gender.men", "colour.white", "sub.topwear.sleeve.short_sleeves",
                                "sub.topwear.fit.slim_fit"]
    payload = products(messages)
    assert_meets(payload["items"], payload["total"], set(slots["include"]), labels)


def test_exclusion_excludes(navy_shirts, labels):
    _, messages, slots = run(ActionRefine(), "exclude_not_checked", navy_shirts)
    assert slots["exclude"] == ["sub.topwear.pattern.checked"]
    assert slots["include"] == navy_shirts["include"]
    assert messages[0]["description"].endswith(", not checked")
    payload = products(messages)
    assert_meets(payload["items"], payload["total"], set(slots["include"]), labels,
                 unwanted={"sub.topwear.pattern.checked"})


def test_negation_word_excludes_without_a_role(navy_shirts, labels):
    """Only the regex extractor found the concepts (no DIET role): "not" still excludes."""
    _, _, slots = run(ActionRefine(), "refine_mixed_polarity", navy_shirts)
    assert "colour.red" in slots["include"] and "colour.navy_blue" not in slots["include"]
    assert "sub.topwear.pattern.striped" in slots["exclude"]


def test_new_category_replaces_the_old_one_and_its_attributes(navy_shirts, labels):
    _, _, slots = run(ActionRefine(), "refine_long_sleeves", navy_shirts)
    _, messages, slots = run(ActionRefine(), "refine_jeans", slots)
    assert slots["include"] == ["colour.navy_blue", "gender.men", "type.jeans"]
    assert slots["category"] == "type.jeans"
    payload = products(messages)
    assert_meets(payload["items"], payload["total"], set(slots["include"]), labels)


def test_more_like_the_second_but_red(navy_shirts, labels):
    second = navy_shirts["results"][1]
    _, messages, slots = run(ActionMoreLike(), "more_like_2nd_red", navy_shirts)
    assert slots["reference"] == second["id"]
    assert second["category"] == "type.shirts" and second["category"] in slots["include"]
    assert "colour.red" in slots["include"] and "colour.navy_blue" not in slots["include"]
    assert messages[0]["response"] == "utter_results_like" and messages[0]["reference"] == second["name"]
    payload = products(messages)
    assert second["id"] not in [i["id"] for i in payload["items"]]
    assert_meets(payload["items"], payload["total"], {"colour.red", second["category"]}, labels)


def test_show_more_pages(navy_shirts, labels):
    _, messages, slots = run(ActionShowMore(), "show_more", navy_shirts)
    assert slots["page"] == 5.0 and slots["include"] == navy_shirts["include"]
    assert messages[0]["response"] == "utter_results_more" and messages[0]["first"] == 6
    assert [r["rank"] for r in slots["results"]] == list(range(6, 6 + len(slots["results"])))
    assert not {r["id"] for r in slots["results"]} & {r["id"] for r in navy_shirts["results"]}
    _, messages, after = run(ActionShowMore(), "show_more", {**slots, "page": 1000.0})
    assert responses(messages) == ["utter_no_more"] and after["page"] == 1000.0


def test_free_text_when_no_concept_is_named(labels):
    _, messages, slots = run(ActionSearch(), "search_free_text")
    assert slots["query_text"] == "something nice for a beach holiday" and slots["include"] == []
    assert len(products(messages)["items"]) == 5


def test_image_search(labels, tmp_path):
    photo = next((procs.REPO / "data" / "demo" / "images").glob("*.jpg"))
    upload = httpx.post(f"{labels_url()}/images", files={"file": (photo.name, photo.read_bytes(), "image/jpeg")})
    image_id = upload.json()["image_id"]
    _, messages, slots = run(ActionImageSearch(), "image_search", PLACEHOLDER=image_id)
    assert slots["image_id"] == image_id and messages[0]["response"] == "utter_results_image"
    assert len(products(messages)["items"]) == 5


# ------------------------------------------------------------------------ explaining
def test_why_this_one_explains_the_first_item(navy_shirts, labels):
    first = navy_shirts["results"][0]
    events, messages, _ = run(ActionExplain(), "explain_why", navy_shirts)
    assert events == []
    assert messages[0]["response"] == "utter_explain" and messages[0]["rank"] == 1
    assert messages[0]["name"] == first["name"]
    assert "✓ Shirts" in messages[0]["matched"] and "✓ Navy Blue" in messages[0]["matched"]
    assert set(p.split()[0] for p in messages[0]["parts"].split(", ")) == {"category", "colour", "attributes",
                                                                          "visual"}
    assert "utter_explain_sees" in responses(messages) and "utter_heatmap" not in responses(messages)


def test_named_concept_gets_a_heatmap(navy_shirts, labels):
    second = navy_shirts["results"][1]
    _, messages, _ = run(ActionExplain(), "explain_vneck_2nd", navy_shirts)
    assert messages[0]["rank"] == 2
    heatmap = next(m for m in messages if m.get("response") == "utter_heatmap")
    assert heatmap["concept"] == "V-Neck"
    assert heatmap["heatmap_url"] == f"{labels_url()}/items/{second['id']}/heatmap?concept=v-neck"
    image = httpx.get(heatmap["heatmap_url"], timeout=60)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"


def test_a_word_for_a_part_finds_the_concept_to_show(navy_shirts, labels):
    """"collar" is no concept, but Spread Collar, Polo Collar ... are: the heatmap shows one."""
    _, messages, _ = run(ActionExplain(), "explain_collar_2nd", navy_shirts)
    heatmap = next(m for m in messages if m.get("response") == "utter_heatmap")
    assert heatmap["concept"].endswith("Collar") and "concept=sub.topwear." in heatmap["heatmap_url"]
    assert httpx.get(heatmap["heatmap_url"], timeout=60).status_code == 200


# ------------------------------------------------------------------------ questions the bot asks
def test_no_results_names_the_blocker_and_drops_it_on_yes(labels):
    _, messages, slots = run(ActionSearch(), "search_shirts_party")
    assert responses(messages) == ["utter_no_results_blocking"]
    assert messages[0]["blocker"] == "Party" and messages[0]["without"] > 0
    assert messages[0]["buttons"][0] == {"title": "Drop Party", "payload": '/drop{"concept": "usage.party"}'}
    assert slots["pending"] == {"kind": "drop", "concept": "usage.party", "name": "Party"}
    assert slots["include"] == ["type.shirts", "usage.party"] and slots["results"] == []
    _, messages, after = run(ActionAffirm(), "affirm", slots)
    assert messages[0] == {**messages[0], "response": "utter_dropped", "concepts": "Party"}
    assert after["include"] == ["type.shirts"] and after["pending"] is None
    payload = products(messages)
    assert_meets(payload["items"], payload["total"], {"type.shirts"}, labels)
    # the same through the "Drop Party" button
    _, messages, after = run(ActionDrop(), "drop_button_party", slots)
    assert after["include"] == ["type.shirts"]
    # "no" keeps the search
    events, messages, after = run(ActionDeny(), "deny", slots)
    assert responses(messages) == ["utter_deny"] and after["include"] == slots["include"]
    assert after["pending"] is None


def test_unknown_word_asks_with_suggestions_then_takes_the_choice(labels):
    events, messages, slots = run(ActionSearch(), "search_unknown_word")
    assert responses(messages) == ["utter_unknown_concept"] and messages[0]["term"] == "shrts"
    assert {"title": "Shirts", "payload": '/choose{"concept": "Shirts"}'} in messages[0]["buttons"]
    assert [e["name"] for e in events] == ["pending"] and slots["include"] is None
    _, messages, after = run(ActionChoose(), "choose_shirts", slots)
    assert after["include"] == ["type.shirts"] and after["pending"] is None
    assert_meets(products(messages)["items"], products(messages)["total"], {"type.shirts"}, labels)


def test_start_over_clears_everything(navy_shirts, labels):
    events, messages, slots = run(ActionStartOver(), "start_over", navy_shirts)
    assert responses(messages) == ["utter_started_over"]
    assert {e["name"] for e in events} == set(navy_shirts) and all(e["value"] is None for e in events)


# ------------------------------------------------------------------------ engine down
def test_engine_down_is_polite_and_keeps_state(navy_shirts, labels, monkeypatch):
    monkeypatch.setenv("FASHIONBOT_ENGINE_URL", f"http://127.0.0.1:{procs.free_port()}")
    for action, tracker in ((ActionSearch(), "search_navy_shirts_men"), (ActionRefine(), "refine_long_sleeves"),
                            (ActionShowMore(), "show_more"), (ActionMoreLike(), "more_like_2nd_red")):
        events, messages, slots = run(action, tracker, navy_shirts)
        assert events == [] and responses(messages) == ["utter_engine_down"], action.name()
        assert slots == {**navy_shirts}
    # the explanation is kept in the slots, so it still answers (without the engine's extras)
    _, messages, _ = run(ActionExplain(), "explain_vneck_2nd", navy_shirts)
    assert responses(messages) == ["utter_explain"]


# ------------------------------------------------------------------------ pure helpers
def test_read_request_merges_extractors_and_roles():
    message = json.loads((TRACKERS / "exclude_not_checked.json").read_text())["latest_message"]
    request = read_request(message)
    assert request.include == [] and request.exclude == ["checked"]
    overlapping = {"text": "short sleeves tees", "intent": {"name": "refine"}, "entities": [
        {"entity": "category", "start": 0, "end": 5, "value": "type.shorts", "extractor": "RegexEntityExtractor"},
        {"entity": "sleeve", "start": 0, "end": 13, "value": "short sleeves", "extractor": "RegexEntityExtractor"},
        {"entity": "sleeve", "start": 0, "end": 13, "value": "short sleeves", "extractor": "DIETClassifier"},
        {"entity": "category", "start": 14, "end": 18, "value": "type.tshirts", "extractor": "DIETClassifier"}]}
    assert read_request(overlapping).include == ["short sleeves", "type.tshirts"]
    for text, ordinal in (("like the 2nd", 2), ("more like number 3", 3), ("the last one", -1), ("#4 please", 4),
                          ("why this one", None)):
        assert read_request({"text": text, "intent": {"name": "more_like"}, "entities": []}).ordinal == ordinal


def test_reply_builders():
    query = {"include": [{"concept": "type.shirts", "name": "Shirts", "group": "type"},
                         {"concept": "colour.navy_blue", "name": "Navy Blue", "group": "colour"},
                         {"concept": "a.long", "name": "Long Sleeves", "group": "sleeve"},
                         {"concept": "b.long", "name": "Long Sleeves", "group": "sleeve"},
                         {"concept": "usage.casual", "name": "Casual", "group": "usage"},
                         {"concept": "gender.men", "name": "Men", "group": "gender"}],
             "exclude": [{"concept": "c", "name": "Checked", "group": "pattern"}]}
    assert describe(query) == "casual navy blue long-sleeve shirts for men, not checked"
    assert describe({"include": [{"concept": "sub.dress", "name": "Dress", "group": "sub"}]}) == "dresses"
    item = {"name": "Shirt A", "matched": [{"name": "Shirts"}], "missed": [{"name": "Navy Blue"}]}
    assert caption(item, 3) == "3. Shirt A  ✓ Shirts ✗ Navy Blue"
    items = [{"top_concepts": [{"concept": "fit.slim", "name": "Slim Fit", "group": "fit"}] if i % 2 else []}
             for i in range(6)]
    assert split_buttons(items, query) == [{"title": "Slim Fit", "payload": '/refine{"concept": "fit.slim"}'}]
    results = [{"rank": 6, "id": 1}, {"rank": 7, "id": 2}]
    assert pick_item(results, 7)["id"] == 2 and pick_item(results, 1)["id"] == 1 and pick_item(results, -1)["id"] == 2
    assert pick_item(results, 9) is None and pick_item([], 1) is None
