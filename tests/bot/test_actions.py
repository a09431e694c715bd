"""The custom actions as translators, against a fake engine client (the engine itself is tested
in test_turns.py and, with the real processes, in test_bot_integration.py).

Each test loads a tracker from bot/tests/trackers/*.json (the latest message as Rasa parses
it: both extractors' entities, synonyms mapped), runs the action and checks the one engine call
it makes (op, the words as said, the entities, the state from the ``query`` slot), the events
(the state the engine returned, and only when it changed) and the reply built from the answer.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import engine_client, formatting
from actions.engine_client import EngineDown, EngineRejected
from actions.explain import ActionExplain
from actions.refine import (ActionAffirm, ActionChoose, ActionDeny, ActionDrop, ActionMoreLike, ActionRefine,
                            ActionStartOver)
from actions.search import ActionImageSearch, ActionSearch, ActionShowMore

TRACKERS = Path(__file__).resolve().parents[2] / "bot" / "tests" / "trackers"
STATE = {"include": ["type.shirts", "colour.navy_blue"], "shown": [101, 102, 103], "offset": 0}


def item(pid: int, rank: int, **extra) -> dict:
    return {"id": pid, "rank": rank, "name": f"Product {pid}", "brand": "Nike", "price": 799.0, "list_price": 999.0,
            "price_text": "₹799", "list_price_text": "₹999", "discount_pct": 20, "sizes": ["S", "M", "L"],
            "image_url": f"http://engine/items/{pid}/image", "score": 9.5,
            "score_parts": {"category": 5.0, "colour": 2.5, "attributes": 1.0, "visual": 1.0},
            "matched": [{"concept": "type.shirts", "name": "Shirts", "group": "type"}],
            "missed": [{"concept": "colour.navy_blue", "name": "Navy Blue", "group": "colour"}] if rank == 2 else [],
            "filters": [{"filter": "price", "text": "₹799, within your ₹1,000"}],
            "top_concepts": [{"concept": "gender.men", "name": "Men", "group": "gender"}], "variants": 0, **extra}


def results(state: dict, n: int = 3, **extra) -> dict:
    items = [item(101 + i, i + 1) for i in range(n)]
    query = {"include": [{"concept": "colour.navy_blue", "name": "Navy Blue", "group": "colour"},
                         {"concept": "type.shirts", "name": "Shirts", "group": "type"}],
             "exclude": [], "filters": [{"filter": "price", "text": "under ₹1,000"}], "sort": "relevance", "offset": 0}
    summary = {"shown": n, "include": [{"concept": "colour.navy_blue", "met": n - 1}, {"concept": "type.shirts", "met": n}],
               "exclude": [], "filters": []}
    return {"state": state, "query": query, "items": items, "total": 12, "has_more": True, "summary": summary,
            "question": None, "notes": [], "reference": None, **extra}


class FakeEngine:
    """Records each ``query`` call and answers with what the test gave it (or raises it)."""

    def __init__(self, answer=None):
        self.answers = [answer] if not isinstance(answer, list) else answer
        self.calls: list[dict] = []

    async def query(self, state, edit, page_size):
        self.calls.append({"state": state, "edit": edit, "page_size": page_size})
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def engine(monkeypatch):
    fake = FakeEngine(results({"include": ["type.shirts"], "shown": [101, 102, 103]}))
    monkeypatch.setattr(engine_client, "get_client", lambda: fake)
    import actions.turn

    monkeypatch.setattr(actions.turn, "get_client", lambda: fake)
    return fake


def run(action, fixture: str, state: dict | None = None, **replace) -> tuple[list[dict], list[dict]]:
    tracker_state = json.loads((TRACKERS / f"{fixture}.json").read_text())
    tracker_state["slots"] = {"query": state}
    text = json.dumps(tracker_state)
    for old, new in replace.items():
        text = text.replace(old, new)
    tracker = Tracker.from_dict(json.loads(text))
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher.messages


def responses(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]


@pytest.mark.parametrize("action, fixture, op", [
    (ActionSearch(), "search_navy_shirts_men", "search"), (ActionRefine(), "refine_several", "refine"),
    (ActionRefine(), "exclude_not_checked", "refine"), (ActionMoreLike(), "more_like_2nd_red", "more_like"),
    (ActionShowMore(), "show_more", "page"), (ActionExplain(), "explain_collar_2nd", "explain"),
    (ActionImageSearch(), "image_search", "photo"), (ActionDrop(), "drop_button_party", "drop"),
    (ActionChoose(), "choose_shirts", "answer"), (ActionAffirm(), "affirm", "affirm"), (ActionDeny(), "deny", "deny"),
])
def test_each_action_is_one_engine_turn(engine, action, fixture, op):
    """The op, the words as said and every entity as the NLU found it go to the engine, with the
    state the engine returned last; the new state is stored."""
    events, _ = run(action, fixture, STATE)
    message = json.loads((TRACKERS / f"{fixture}.json").read_text())["latest_message"]
    (call,) = engine.calls
    assert call["edit"]["op"] == op and call["edit"]["text"] == message["text"] and call["state"] == STATE
    assert [(e["entity"], e["value"]) for e in call["edit"]["entities"]] == [
        (e["entity"], e["value"]) for e in message["entities"]]
    assert all(set(e) <= {"entity", "value", "role", "start", "end", "extractor"} for e in call["edit"]["entities"])
    assert events == [{"event": "slot", "timestamp": None, "name": "query",
                       "value": {"include": ["type.shirts"], "shown": [101, 102, 103]}}]


def test_roles_and_spans_reach_the_engine(engine):
    run(ActionRefine(), "exclude_not_checked", STATE)
    entities = engine.calls[0]["edit"]["entities"]
    assert {"entity": "pattern", "value": "checked", "role": "exclude", "start": 4, "end": 11,
            "extractor": "DIETClassifier"} in entities


def test_unchanged_state_sets_no_slot(engine):
    engine.answers = [results(STATE)]
    events, _ = run(ActionShowMore(), "show_more", STATE)
    assert events == []


def test_results_reply_has_captions_payload_and_buttons(engine):
    _, messages = run(ActionSearch(), "search_navy_shirts_men")
    assert responses(messages) == ["utter_results", "utter_product", "utter_product", "utter_product", None,
                                   "utter_refine_hint"]
    header = messages[0]
    # navy blue is met by 2 of the 3 shown: the header says so instead of claiming it
    assert header["description"] == "shirts under ₹1,000" and header["extra"] == " (2 of them navy blue)"
    assert header["count"] == 3 and header["total"] == 12
    caption = messages[1]["caption"].splitlines()
    assert caption[0] == "1. Product 101"
    assert caption[1] == f"Nike · ₹799 ({formatting.struck('₹999')} 20% off) · sizes S, M, L"
    assert caption[2] == "✓ Shirts ✓ ₹799, within your ₹1,000"
    products = messages[4]["custom"]
    assert products["type"] == "products" and [i["id"] for i in products["items"]] == [101, 102, 103]
    assert products["items"][0]["price_text"] == "₹799" and products["items"][0]["sizes"] == ["S", "M", "L"]
    assert products["items"][1]["missed"] == [{"concept": "colour.navy_blue", "name": "Navy Blue"}]
    titles = [b["title"] for b in messages[-1]["buttons"]]
    assert titles[-2:] == ["Show more", "Start over"]


def test_questions_become_their_replies(engine):
    cases = [({"kind": "what_change"}, "utter_ask_refine"), ({"kind": "ask_what"}, "utter_ask_what"),
             ({"kind": "need_results"}, "utter_need_results"), ({"kind": "no_such_item", "count": 3}, "utter_no_such_item"),
             ({"kind": "nothing_to_drop"}, "utter_nothing_to_drop"), ({"kind": "deny"}, "utter_deny")]
    for question, response in cases:
        engine.answers = [{"state": STATE, "query": {}, "items": [], "question": question, "notes": []}]
        events, messages = run(ActionRefine(), "refine_long_sleeves", STATE)
        assert responses(messages) == [response] and events == []


def test_unknown_word_is_asked_about_with_buttons(engine):
    engine.answers = [{"state": {**STATE, "pending": {"kind": "unknown", "term": "shrts"}}, "query": {}, "items": [],
                       "question": {"kind": "unknown", "term": "shrts", "suggestions": ["Shirts", "Shorts"]}, "notes": []}]
    events, messages = run(ActionSearch(), "search_unknown_word", STATE)
    assert responses(messages) == ["utter_unknown_concept"] and messages[0]["term"] == "shrts"
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/choose{"concept":"Shirts"}', '/choose{"concept":"Shorts"}']
    assert events[0]["value"]["pending"]["term"] == "shrts"


def test_blocking_question_offers_to_drop(engine):
    blocking = [{"filter": "price", "name": "under ₹50", "kind": "filter", "results_without_it": 40},
                {"concept": "type.shirts", "name": "Shirts", "kind": "include", "results_without_it": 7}]
    engine.answers = [{"state": STATE, "query": {"include": [], "filters": [{"filter": "price", "text": "under ₹50"}]},
                       "items": [], "question": {"kind": "blocking", "blocking": blocking}, "notes": []}]
    _, messages = run(ActionRefine(), "refine_long_sleeves", STATE)
    (message,) = messages
    assert message["response"] == "utter_no_results_blocking" and message["blocker"] == "under ₹50"
    assert message["without"] == 40
    assert [b["payload"] for b in message["buttons"][:2]] == ['/drop{"group":"price"}', '/drop{"concept":"type.shirts"}']


def test_a_question_comes_beside_the_closest_products(engine):
    """Issue 17: never a dead end. The engine's closest products are shown with the question."""
    blocking = [{"concept": "type.shirts", "name": "Shirts", "kind": "include", "results_without_it": 7}]
    engine.answers = [results(STATE, question={"kind": "blocking", "blocking": blocking}, total=0)]
    _, messages = run(ActionRefine(), "refine_long_sleeves", STATE)
    assert responses(messages)[0] == "utter_no_results_blocking" and "utter_results" in responses(messages)
    assert responses(messages).count("utter_product") == 3  # each card says what it misses (its caption)


def test_the_engines_sentences_are_said(engine):
    """A limit ("can I return it?") is one sentence and no products; a need's optional question
    and a relative edit's direction come beside the results."""
    say = "I can't handle returns or orders; I can find products."
    engine.answers = [{"state": STATE, "query": {}, "items": [], "notes": [],
                       "question": {"kind": "cannot", "topic": "returns", "say": say}}]
    _, messages = run(ActionSearch(), "search_navy_shirts_men", STATE)
    assert messages == [{**messages[0], "text": say}] and len(messages) == 1
    engine.answers = [results(STATE, question={"kind": "clarify", "ask": "budget", "say": "Any budget in mind?"},
                              notes=[{"kind": "relative", "text": "darker than Navy Blue: Black"}])]
    _, messages = run(ActionSearch(), "search_navy_shirts_men", STATE)
    texts = [m.get("text") for m in messages]
    assert texts[0] == "Darker than Navy Blue: Black." and texts[-1] == "Any budget in mind?"
    assert "utter_results" in responses(messages)


def test_notes_say_what_was_corrected_and_dropped(engine):
    engine.answers = [results(STATE, notes=[{"kind": "corrected", "said": "tshrts", "read_as": "Tshirts"},
                                            {"kind": "dropped", "what": ["Red"]}])]
    _, messages = run(ActionSearch(), "search_navy_shirts_men", STATE)
    assert responses(messages)[:3] == ["utter_corrected", "utter_dropped", "utter_results"]
    assert messages[0]["corrections"] == '"tshrts" as Tshirts' and messages[1]["concepts"] == "Red"


def test_explanation_with_heatmap(engine):
    explanation = {"item": item(102, 2), "sees": [{"concept": "gender.men", "name": "Men"}],
                   "heatmap": {"concept": "sub.topwear.collar.spread_collar", "name": "Spread Collar",
                               "url": "http://engine/items/102/heatmap?concept=sub.topwear.collar.spread_collar"},
                   "unknown_part": None}
    engine.answers = [{"state": STATE, "query": {}, "items": [], "question": None, "notes": [],
                       "explanation": explanation}]
    events, messages = run(ActionExplain(), "explain_collar_2nd", STATE)
    assert responses(messages) == ["utter_explain", "utter_explain_score", "utter_explain_sees", "utter_heatmap"]
    assert events == []
    assert messages[0]["rank"] == 2 and "Shirts ✓" in messages[0]["plain"] and "Navy Blue ✗" in messages[0]["missed"]
    assert "₹799, within your ₹1,000 ✓" in messages[0]["plain"]  # plain words first, the score behind
    assert messages[1]["score"] and messages[1]["parts"]
    assert messages[3]["heatmap_url"].endswith("concept=sub.topwear.collar.spread_collar")


def test_engine_down_is_polite_and_keeps_the_state(engine):
    engine.answers = [EngineDown("timeout")]
    events, messages = run(ActionRefine(), "refine_long_sleeves", STATE)
    assert responses(messages) == ["utter_engine_down"] and events == []


def test_a_state_the_engine_no_longer_reads_is_dropped_once(engine):
    engine.answers = [EngineRejected(422, "invalid request: state.sort"), results({"include": ["type.shirts"]})]
    events, messages = run(ActionSearch(), "search_navy_shirts_men", {"sort": "by-magic"})
    assert [c["state"] for c in engine.calls] == [{"sort": "by-magic"}, None]
    assert responses(messages)[0] == "utter_results" and events[0]["value"] == {"include": ["type.shirts"]}


def test_start_over_needs_no_engine(engine):
    events, messages = run(ActionStartOver(), "start_over", STATE)
    assert not engine.calls and responses(messages) == ["utter_started_over"]
    assert events == [{"event": "slot", "timestamp": None, "name": "query", "value": None}]


def test_a_start_over_that_names_a_product_goes_to_the_engine(engine):
    """"whte top" read as a start over: the engine searches what it names (op reset)."""
    engine.answers = [results({"include": ["type.tops"]})]
    named = '"entities": [{"entity": "category", "value": "type.tops", "start": 5, "end": 8}]'
    events, messages = run(ActionStartOver(), "start_over", STATE, **{'"entities": []': named, "start over": "whte top"})
    assert [c["edit"]["op"] for c in engine.calls] == ["reset"] and engine.calls[0]["edit"]["text"] == "whte top"
    assert responses(messages)[0] == "utter_results" and events[0]["value"] == {"include": ["type.tops"]}


def test_long_text_is_cut_to_the_engine_bound(engine):
    long = "red " * 600
    run(ActionSearch(), "search_navy_shirts_men", None, **{"show me navy blue shirts for men": long})
    assert len(engine.calls[0]["edit"]["text"]) == 1000


@pytest.mark.parametrize("intent, response", [("out_of_scope", "utter_out_of_scope"), ("nlu_fallback", "utter_fallback"),
                                              ("thank", "utter_youre_welcome")])  # "gold ones would be perfect, thank you"
def test_the_fallback_searches_only_what_the_engine_reads(monkeypatch, intent, response):
    """A turn the NLU could not place goes to the engine as a ``fallback``: products when its words
    name a request, else the intent's own reply and the search kept (no new state)."""
    from actions.search import ActionFallback

    fake = FakeEngine([results(STATE), {"state": STATE, "items": [], "question": {"kind": "not_understood"},
                                        "notes": []}])
    import actions.turn

    monkeypatch.setattr(actions.turn, "get_client", lambda: fake)
    replace = {'"deny"': f'"{intent}"', '"text": "no"': '"text": "what should i wear to play football"'}
    events, messages = run(ActionFallback(), "deny", STATE, **replace)
    assert fake.calls[0]["edit"]["op"] == "fallback" and fake.calls[0]["edit"]["text"].endswith("football")
    assert any(m.get("attachment") or m.get("image") or m.get("json_message") or m.get("elements") for m in messages) \
        or any("Product 101" in str(m) for m in messages)
    fake.answers = [{"state": STATE, "items": [], "question": {"kind": "not_understood"}, "notes": []}]
    events, messages = run(ActionFallback(), "deny", STATE, **replace)
    assert responses(messages) == [response] and events == []


def test_a_header_claims_a_filter_only_when_every_product_meets_it():
    """The closest products shown over a budget: the header says they are not within it, never
    "sports shoes under ₹600" (the engine's summary counts each filter per product)."""
    query = {"include": [{"concept": "type.sports_shoes", "name": "Sports Shoes", "group": "type"}],
             "exclude": [], "filters": [{"filter": "price", "text": "under ₹600"}]}
    summary = {"shown": 5, "include": [{"concept": "type.sports_shoes", "met": 5}], "exclude": [],
               "filters": [{"filter": "price", "text": "under ₹600", "met": 0}]}
    every, some = formatting.describe(query, summary)
    assert every == "sports shoes" and some == "none under ₹600"
    summary["filters"][0]["met"] = 5
    assert formatting.describe(query, summary) == ("sports shoes under ₹600", "")


def test_a_header_never_says_an_occasion_that_begins_the_product_name():
    """Sports shoes for sport are "sports shoes", never "sports sports shoes"; another occasion
    still stands before them ("casual sports shoes")."""
    include = [{"concept": "usage.sports", "name": "Sports", "group": "usage"},
               {"concept": "type.sports_shoes", "name": "Sports Shoes", "group": "type"},
               {"concept": "gender.men", "name": "Men", "group": "gender"}]
    query = {"include": include, "exclude": [], "filters": []}
    assert formatting.describe(query) == ("sports shoes for men", "")
    include[0] = {"concept": "usage.casual", "name": "Casual", "group": "usage"}
    assert formatting.describe(query) == ("casual sports shoes for men", "")


def test_the_engines_notes_on_its_own_readings_are_said():
    """Every note the engine writes for the shopper (a move, a stand-in, a quality left out, a
    page filled, a quality looked for in the words) is said, as the engine put it."""
    kinds = ("relative", "nearest", "unimplied", "filled", "unplaced")
    said = formatting.notes_messages([{"kind": kind, "text": f"note of kind {kind}"} for kind in kinds])
    assert [m["text"] for m in said] == [f"Note of kind {kind}." for kind in kinds]
