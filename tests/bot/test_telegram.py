"""The Telegram channel (bot/channels/telegram.py) end to end: real-shaped updates posted to Rasa's
webhook, replies checked at a stand-in Bot API (tests/stack.py) and against the engine."""
from __future__ import annotations

import itertools
import json
import re
import sys

import httpx
import pytest

from tests.stack import TELEGRAM_SECRET, TELEGRAM_TOKEN, stack  # noqa: F401  (the fixture)
from tests.support import BOT, REPO

sys.path.insert(0, str(BOT))
from channels import cards  # noqa: E402  (pure: imports no Rasa)

sys.path.remove(str(BOT))

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_ids = itertools.count(1000)


def update(chat_id: int, **content) -> dict:
    """A Telegram update as the Bot API posts it: a message (text or photo) or a button press."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Shopper", "username": f"shopper{chat_id}"}
    chat = {"id": chat_id, "type": "private", "first_name": "Shopper"}
    if "callback_data" in content:
        return {"update_id": next(_ids), "callback_query": {
            "id": str(next(_ids)), "from": user, "chat_instance": "42", "data": content["callback_data"],
            "message": {"message_id": next(_ids), "date": 1700000000, "chat": chat, "text": "buttons"}}}
    message = {"message_id": next(_ids), "from": user, "chat": chat, "date": 1700000000, **content}
    return {"update_id": next(_ids), "message": message}


def post(stack, body: dict, secret: str | None = TELEGRAM_SECRET) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return httpx.post(stack.telegram_webhook, json=body, headers=headers, timeout=120)


def shown_ids(stack, chat_id: int) -> list[int]:
    """The product ids the bot showed last, in rank order (the engine's state in the ``query`` slot)."""
    tracker = stack.tracker(f"telegram:{chat_id}")
    return [int(pid) for pid in (tracker["slots"].get("query") or {}).get("shown") or []]


def album_ids(stack, call) -> list[int]:
    prefix = f"{stack.engine.url}/items/"
    ids = []
    for media in call.params["media"]:
        assert media["type"] == "photo" and media["media"].startswith(prefix), media
        ids.append(int(re.fullmatch(r"(\d+)/image", media["media"][len(prefix):]).group(1)))
    return ids


def say(stack, chat_id: int, **content):
    """Post one update; return the Bot API calls it caused."""
    mark = stack.telegram.mark()
    answer = post(stack, update(chat_id, **content))
    assert answer.status_code == 200, answer.text
    return stack.telegram.since(mark)


def only(calls, method: str):
    found = [c for c in calls if c.method == method]
    assert len(found) == 1, [(c.method, c.params) for c in calls]
    return found[0]


def buttons_of(call) -> list[dict]:
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


# ---------------------------------------------------------------- pure parts, no processes
def test_turn_plan_replaces_product_photos_by_cards():
    products = {"type": "products", "offset": 5, "items": [
        {"id": 7, "name": "Red Dress", "image_url": "http://e/items/7/image",
         "matched": [{"concept": "colour.red", "name": "Red"}, {"concept": "type.dresses", "name": "Dresses"}],
         "missed": [{"concept": "sleeve.long_sleeves", "name": "Long Sleeves"}], "score": 3.0}]}
    messages = [{"text": "Here are 1 red dresses"},
                {"text": "6. Red Dress ✓ Red", "image": "http://e/items/7/image", "utter_action": "utter_product"},
                {"text": None, "custom": products},
                {"text": "Narrow it down:", "buttons": [{"title": "Show more", "payload": "/show_more"}]},
                {"text": "Where the model sees Red on #6:", "image": "http://e/items/7/heatmap?concept=colour.red"}]
    blocks = cards.plan_turn(messages)
    assert [type(b).__name__ for b in blocks] == ["TextBlock", "CardsBlock", "TextBlock", "ImageBlock"]
    card = blocks[1].cards[0]
    assert card.rank == 6 and card.caption == "6. Red Dress\n✓ Red ✓ Dresses ✗ Long Sleeves"
    assert [b.payload for b in card.buttons] == ['/more_like{"ordinal":6}',
                                                  '/explain{"ordinal":6,"concept":"colour.red"}',
                                                  '/details{"ordinal":6}']
    assert blocks[2].buttons[0].payload == "/show_more"


def test_why_button_drops_a_concept_that_would_overflow_64_bytes():
    card = cards.Card(rank=10, id=1, name="x", image_url="u", matched=["X"], why_concepts=["sleeve_style." + "x" * 60])
    assert card.buttons[1].payload == '/explain{"ordinal":10}'
    assert all(cards.fits(b.payload) for b in card.buttons)
    card.why_concepts.append("sub.dress")  # the next matched concept that fits is drawn instead
    assert card.buttons[1].payload == '/explain{"ordinal":10,"concept":"sub.dress"}'
    parts_first = cards.why_concepts([{"concept": "sub.dress", "group": "sub"}, {"concept": "colour.red", "group": "colour"}])
    assert parts_first == ["colour.red", "sub.dress"]


# ---------------------------------------------------------------- the running bot
def test_webhook_is_registered_with_the_secret(stack):
    calls = stack.telegram.since(0)
    assert "getMe" in [c.method for c in calls]
    hook = [c for c in calls if c.method == "setWebhook"]
    assert hook and hook[0].params["url"] == stack.telegram_webhook
    assert hook[0].params["secret_token"] == TELEGRAM_SECRET
    assert set(hook[0].params["allowed_updates"]) >= {"message", "callback_query"}


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET + "x"])
def test_updates_without_the_secret_token_are_rejected(stack, secret):
    mark = stack.telegram.mark()
    answer = post(stack, update(501, text="show me red dresses"), secret=secret)
    assert answer.status_code == 403
    assert stack.telegram.since(mark) == []
    assert shown_ids(stack, 501) == []


def test_results_come_as_one_album_with_concept_captions_then_buttons(stack):
    calls = say(stack, 601, text="show me red dresses")
    album = only(calls, "sendMediaGroup")
    ids = album_ids(stack, album)
    assert len(ids) >= 3 and ids == shown_ids(stack, 601)
    assert str(album.params["chat_id"]) == "601"
    captions = [media["caption"] for media in album.params["media"]]
    for rank, caption in enumerate(captions, start=1):
        assert caption.startswith(f"{rank}. ") and ("✓ " in caption or "✗ " in caption), caption
    full = [c for c in captions if "✗" not in c]
    assert full and all("✓ Red" in c and "✓ Dress" in c for c in full), captions
    for pid in ids[:3]:  # the URLs are the engine's photos of those products
        photo = httpx.get(f"{stack.engine.url}/items/{pid}/image", timeout=30)
        assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    methods = [c.method for c in calls]
    assert methods.index("sendMediaGroup") < len(methods) - 1
    keyboard = buttons_of(calls[-1])
    titles = [b["text"] for b in keyboard]
    assert {f"More like #{r}" for r in range(1, len(ids) + 1)} <= set(titles)
    assert {f"Why #{r}?" for r in range(1, len(ids) + 1)} <= set(titles)
    assert all(len(b["callback_data"].encode()) <= 64 for b in keyboard)


def test_buttons_work(stack):
    first = say(stack, 602, text="show me red dresses")
    before = shown_ids(stack, 602)
    keyboard = {b["text"]: b["callback_data"] for b in buttons_of(first[-1])}

    calls = say(stack, 602, callback_data=keyboard["More like #2"])
    assert calls[0].method == "answerCallbackQuery"
    after = album_ids(stack, only(calls, "sendMediaGroup"))
    assert after and after != before and after == shown_ids(stack, 602)
    assert any(c.method == "sendMessage" and "like" in c.params["text"] for c in calls)

    keyboard = {b["text"]: b["callback_data"] for b in buttons_of(calls[-1])}
    calls = say(stack, 602, callback_data=keyboard["Why #1?"])
    texts = " ".join(c.params.get("text", "") for c in calls if c.method == "sendMessage")
    assert "sure of" in texts and "✓" in texts, texts
    heatmap = only(calls, "sendPhoto")
    assert f"/items/{after[0]}/heatmap?concept=" in heatmap.params["photo"]
    image = httpx.get(heatmap.params["photo"], timeout=60)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"

    if "Show more" in keyboard:
        calls = say(stack, 602, callback_data=keyboard["Show more"])
        more = album_ids(stack, only(calls, "sendMediaGroup"))
        assert more and not set(more) & set(after)


def test_a_photo_finds_its_product(stack):
    say(stack, 603, text="show me red dresses")
    pid = shown_ids(stack, 603)[0]
    data = (REPO / "data" / "demo" / "images" / f"{pid}.jpg").read_bytes()
    stack.telegram.add_file("big-603", "photos/file_603.jpg", data)
    photo = [{"file_id": "small-603", "file_unique_id": "s603", "width": 60, "height": 80, "file_size": 900},
             {"file_id": "big-603", "file_unique_id": "b603", "width": 600, "height": 800, "file_size": len(data)}]

    calls = say(stack, 603, photo=photo)
    assert only(calls, "getFile").params["file_id"] == "big-603"
    assert "photos/file_603.jpg" in stack.telegram.downloads
    texts = [c.params["text"] for c in calls if c.method == "sendMessage"]
    assert texts[0] == "Searching for items like your photo"
    ids = album_ids(stack, only(calls, "sendMediaGroup"))
    assert pid in ids, (pid, ids)


def test_a_file_that_is_no_photo_is_answered(stack):
    stack.telegram.add_file("doc-604", "documents/file_604.jpg", b"not an image at all")
    document = {"file_id": "doc-604", "file_unique_id": "d604", "file_name": "x.jpg", "mime_type": "image/jpeg"}
    calls = say(stack, 604, document=document)
    texts = [c.params["text"] for c in calls if c.method == "sendMessage"]
    assert len(texts) == 1 and texts[0].startswith("Sorry, I couldn't use that photo"), texts
    assert not [c for c in calls if c.method == "sendMediaGroup"]


def test_start_command_greets_and_a_resent_update_is_answered_once(stack):
    body = update(605, text="/start")
    mark = stack.telegram.mark()
    assert post(stack, body).status_code == 200
    assert post(stack, body).status_code == 200
    calls = stack.telegram.since(mark, "sendMessage")
    assert len(calls) == 1 and "fashion" in calls[0].params["text"].lower(), [c.params for c in calls]
    assert buttons_of(calls[0])
    assert json.dumps(TELEGRAM_TOKEN) not in json.dumps([c.params for c in calls])


# ---------------------------------------------------------------- compare, complete the look, details
def test_compare_is_an_album_of_both_photos_and_a_text_table(stack):
    say(stack, 611, text="show me shirts for men")
    ids = shown_ids(stack, 611)
    calls = say(stack, 611, text="compare 1 and 2")
    table = [c for c in calls if c.method == "sendMessage" and c.params["text"].startswith("Side by side:")]
    assert table and "Price: " in table[0].params["text"] and " | " in table[0].params["text"]
    assert album_ids(stack, only(calls, "sendMediaGroup")) == ids[:2]
    for pid in ids[:2]:  # both prices, as the engine's product records say
        record = httpx.get(f"{stack.engine.url}/items/{pid}", timeout=30).json()
        assert f"₹{int(record['price']):,}".replace(",", "") in table[0].params["text"].replace(",", "")


def test_details_button_sends_the_larger_photo_and_the_description(stack):
    first = say(stack, 612, text="show me red dresses")
    ids = shown_ids(stack, 612)
    keyboard = {b["text"]: b["callback_data"] for b in buttons_of(first[-1])}
    assert "Details #1" in keyboard
    calls = say(stack, 612, callback_data=keyboard["Details #1"])
    photo = only(calls, "sendPhoto")
    assert photo.params["photo"].endswith(f"/items/{ids[0]}/image")
    record = httpx.get(f"{stack.engine.url}/items/{ids[0]}", timeout=30).json()
    text = " ".join(c.params["text"] for c in calls if c.method == "sendMessage")
    assert record["name"] in text and " ".join(record["description"].split())[:50] in " ".join(text.split())


def test_complete_the_look_is_an_album_with_why(stack):
    say(stack, 613, text="kurtas for women")
    calls = say(stack, 613, text="what goes with the 1st one?")
    album = only(calls, "sendMediaGroup")
    assert len(album.params["media"]) >= 3
    assert all("The catalogue pairs kurtas with" in m["caption"] for m in album.params["media"])
    assert album_ids(stack, album) == shown_ids(stack, 613)
