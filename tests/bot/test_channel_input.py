"""Hostile input on every channel of the running bot (tests/stack.py): sender ids bounded in
length and characters, wrong JSON shapes, lone surrogates, Telegram updates of the wrong types,
a photo over the engine's upload limit, and generated bodies (hypothesis). Every answer is a
4xx with a reason or a proper reply; never a 500, and the bot keeps answering."""
from __future__ import annotations

import json
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.bot.test_telegram import post as telegram_post
from tests.bot.test_telegram import update as telegram_update
from tests.engine.test_security import rest, texts
from tests.stack import TELEGRAM_SECRET, stack  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow

MAX_SENDER = 64  # characters of a sender id (bot/channels/guard.py)
GREETING = "fashion shopping assistant"  # the bot's answer to "hi"


def rest_raw(stack, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(f"{stack.rasa.url}/webhooks/rest/webhook", content=body, timeout=120,
                      headers={"content-type": content_type})


def still_answers(stack) -> None:
    _, reply = rest(stack, f"after-{uuid.uuid4().hex[:8]}", "hi", timeout=60)
    assert GREETING in texts(reply)


# ---------------------------------------------------------------- REST
def test_rest_sender_ids_are_bounded_in_length_and_characters(stack):
    ok = "a" * MAX_SENDER
    _, reply = rest(stack, ok, "hi")
    assert reply[0]["recipient_id"] == f"rest:{ok}"
    for sender in ("a" * (MAX_SENDER + 1), "x" * 1_500_000, "two words", "line\nbreak", "<script>", "é", "",
                   "\ud800"):
        answer = rest_raw(stack, json.dumps({"sender": sender, "message": "hi"}).encode())
        assert 400 <= answer.status_code < 500 and "sender" in answer.text, (sender[:20], answer.status_code)
    # text/plain needs no CORS preflight: refused the same
    answer = rest_raw(stack, json.dumps({"sender": "y" * 100_000, "message": "hi"}).encode(), "text/plain")
    assert answer.status_code == 400
    still_answers(stack)


def test_a_rest_request_without_a_sender_gets_a_fresh_conversation(stack):
    ids = set()
    for _ in range(2):
        answer = rest_raw(stack, json.dumps({"message": "show me red dresses"}).encode())
        assert answer.status_code == 200
        ids.add(answer.json()[0]["recipient_id"])
    assert len(ids) == 2 and all(i.startswith("rest:") and len(i) <= 5 + MAX_SENDER for i in ids), ids
    for conversation in ids:  # each its own conversation, one turn each
        events = stack.tracker(conversation)["events"]
        assert sum(1 for e in events if e["event"] == "user") == 1


@pytest.mark.parametrize("body", [b"[]", b"[{\"sender\": \"a\", \"message\": \"hi\"}]", b"\"hi\"", b"42", b"null",
                                  b"{\"sender\": [1], \"message\": \"hi\"}", b"{\"sender\": {}, \"message\": \"hi\"}",
                                  b"{\"sender\": \"a\", \"message\": 5}", b"{\"sender\": \"a\", \"message\": [\"hi\"]}",
                                  b"{\"sender\": \"a\"}", b"{not json", b"\xff\xfe\x00"])
def test_wrong_rest_shapes_are_a_4xx(stack, body):
    answer = rest_raw(stack, body)
    assert 400 <= answer.status_code < 500, (body, answer.status_code, answer.text[:200])


def test_a_lone_surrogate_never_reaches_a_500(stack):
    sender = f"surrogate-{uuid.uuid4().hex[:8]}"
    for text in ("\ud800", "show me red dresses \ud800", "\udfff\ud800 hi"):
        answer = rest_raw(stack, json.dumps({"sender": sender, "message": text}).encode())  # sent as \ud800 escapes
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json(), "a reply"
    tracker = stack.tracker(f"rest:{sender}")  # readable: nothing unencodable was stored
    assert "\ud800" not in json.dumps(tracker, ensure_ascii=False).encode("utf-8", "surrogatepass").decode(
        "utf-8", "replace")
    assert any("Here are" in (e.get("text") or "") for e in tracker["events"] if e["event"] == "bot")


# ---------------------------------------------------------------- Telegram
@pytest.mark.parametrize("update_id", [[1, 2], {"a": 1}, "12", 1.5, True, 2 ** 70])
def test_telegram_update_ids_of_a_wrong_type_are_a_4xx(stack, update_id):
    body = telegram_update(821, text="hi")
    body["update_id"] = update_id
    answer = telegram_post(stack, body)
    assert answer.status_code == 400, (update_id, answer.status_code, answer.text[:200])


@pytest.mark.parametrize("change", [
    lambda u: u["message"].update(chat={"id": "x" * 200, "type": "private"}),
    lambda u: u["message"].update(chat={"id": [1], "type": "private"}),
    lambda u: u["message"].update(chat={"id": 10 ** 30, "type": "private"}),
    lambda u: u.update(message=["not", "an", "object"]),
    lambda u: u["message"].update(text={"a": 1}),
])
def test_telegram_updates_of_a_wrong_shape_are_a_4xx(stack, change):
    body = telegram_update(822, text="hi")
    change(body)
    assert telegram_post(stack, body).status_code == 400


def test_a_telegram_message_with_a_lone_surrogate_is_answered(stack):
    mark = stack.telegram.mark()
    answer = httpx.post(stack.telegram_webhook, content=json.dumps(telegram_update(823, text="hi \ud800")).encode(),
                        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                                 "content-type": "application/json"}, timeout=120)
    assert answer.status_code == 200
    assert any(GREETING in c.params.get("text", "") for c in stack.telegram.since(mark, "sendMessage"))


def test_a_telegram_photo_over_the_upload_limit_gets_a_clear_reply(stack):
    """The engine takes photos up to FASHIONBOT_MAX_UPLOAD (5 MB); a larger one used to get no
    reply at all (the engine's early 413 closed the connection mid-upload)."""
    data = b"\xff\xd8\xff\xe0" + bytes(6_000_000)
    stack.telegram.add_file("huge-824", "photos/file_824.jpg", data)
    photo = [{"file_id": "huge-824", "file_unique_id": "h824", "width": 6000, "height": 8000,
              "file_size": len(data)}]
    mark = stack.telegram.mark()
    assert telegram_post(stack, telegram_update(824, photo=photo)).status_code == 200
    sent = [c.params["text"] for c in stack.telegram.since(mark, "sendMessage")]
    assert len(sent) == 1 and "too large" in sent[0] and "5 MB" in sent[0], sent


# ---------------------------------------------------------------- generated bodies
rest_bodies = st.one_of(
    st.fixed_dictionaries({}, optional={"sender": st.one_of(st.text(max_size=80), st.integers(), st.none(),
                                                            st.lists(st.text(max_size=3), max_size=2)),
                                        "message": st.one_of(st.text(max_size=80), st.integers(), st.none(),
                                                             st.dictionaries(st.text(max_size=3), st.text(max_size=3),
                                                                             max_size=2)),
                                        "metadata": st.one_of(st.text(max_size=5), st.dictionaries(
                                            st.text(max_size=5), st.text(max_size=5), max_size=2))}),
    st.lists(st.integers(), max_size=3), st.text(max_size=10), st.integers(), st.none())
telegram_bodies = st.fixed_dictionaries({"update_id": st.one_of(st.integers(0, 2 ** 31), st.text(max_size=5),
                                                                st.none(), st.floats(allow_nan=False),
                                                                st.lists(st.integers(), max_size=2),
                                                                st.dictionaries(st.text(max_size=2), st.integers(),
                                                                                max_size=1))},
                                        optional={"message": st.one_of(
                                            st.fixed_dictionaries({"chat": st.fixed_dictionaries(
                                                {"id": st.one_of(st.integers(), st.text(max_size=8))}),
                                                "text": st.one_of(st.text(max_size=40), st.integers())}),
                                            st.text(max_size=5), st.lists(st.integers(), max_size=2)),
                                            "callback_query": st.one_of(st.text(max_size=4), st.fixed_dictionaries(
                                                {"id": st.text(max_size=4), "data": st.one_of(
                                                    st.text(max_size=20), st.integers())}))})


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(body=rest_bodies)
def test_generated_rest_bodies_are_never_a_500(stack, body):
    answer = rest_raw(stack, json.dumps(body).encode())
    assert answer.status_code < 500, (body, answer.status_code, answer.text[:200])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(body=telegram_bodies)
def test_generated_telegram_updates_are_never_a_500(stack, body):
    answer = telegram_post(stack, body)
    assert answer.status_code < 500, (body, answer.status_code, answer.text[:200])
