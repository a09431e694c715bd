"""Compare, complete the look and details end to end: Rasa (NLU, rules), the action server and
the engine over the demo catalogue as real processes (tests/stack.py), conversations over the REST
webhook, every product checked against the catalogue's own fields; and what ``rasa shell`` prints
of such a turn (bot/channels/console.py)."""
from __future__ import annotations

import re
import sys

import pytest

from retrieval.catalog.complements import StylingWords
from retrieval.catalog.money import rupees
from retrieval.catalog.store import Catalog
from retrieval.settings import DATA_DIR
from tests.bot.test_bot_integration import Chat, texts
from tests.stack import stack  # noqa: F401  (the fixture)
from tests.support import BOT, REPO

sys.path.insert(0, str(BOT))
from channels.console import shell_lines  # noqa: E402  (pure: imports no Rasa)

sys.path.remove(str(BOT))

pytestmark = pytest.mark.slow
NEVER = StylingWords.load(DATA_DIR / "styling.yaml").never
REPORT = REPO / "reports" / "assistant_conversation.md"


@pytest.fixture(scope="module")
def catalog(stack):
    return Catalog(stack.db_url)


def records(catalog, ids):
    by_id = {p.id: p for p in catalog.products(ids=list(ids))}
    return [by_id[i] for i in ids]


def payload(messages: list[dict], view: str | None = None) -> dict:
    found = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)
             and m["custom"].get("type") == "products" and m["custom"].get("view") == view]
    assert len(found) == 1, [m.get("text") for m in messages]
    return found[0]


def shown(chat: Chat) -> list[int]:
    return [int(i) for i in (chat.slots().get("query") or {}).get("shown") or []]


def test_compare_names_both_prices_and_answers_which_is_cheaper(stack, catalog):
    chat = Chat(stack.rasa.url)
    chat.say("show me shirts for men")
    ids = shown(chat)
    messages = chat.say("compare 1 and 2")
    first, second = records(catalog, ids[:2])
    text = texts(messages)
    assert text.startswith("Side by side:"), text
    for product in (first, second):
        assert f"{product.name}" in text and rupees(product.price) in text and product.brand in text
    assert f"Price: {rupees(first.price)}" in text.replace("(", " (")  # in the shown order
    assert [i["id"] for i in payload(messages, "compare")["items"]] == ids[:2]
    assert shown(chat) == ids  # the search and its page are kept

    messages = chat.say("which one is cheaper, the 1st or the 2nd?")
    line = texts(messages)
    if first.price != second.price:
        cheaper, rank = min((first, 1), (second, 2), key=lambda pr: pr[0].price)
        assert f"#{rank} {cheaper.name} is cheaper" in line, line
    else:
        assert "They are level" in line, line


def test_complete_the_look_holds_no_product_of_the_reference_sub_category(stack, catalog):
    chat = Chat(stack.rasa.url)
    chat.say("kurtas for women")
    reference = records(catalog, [shown(chat)[1]])[0]
    messages = chat.say("what goes with the 2nd?")
    look = payload(messages, "outfit")
    items = records(catalog, [i["id"] for i in look["items"]])
    assert len(items) >= 3 and reference.name in texts(messages)
    for product, card in zip(items, look["items"]):
        assert product.sub_category != reference.sub_category, (product.name, reference.name)
        assert product.gender in (reference.gender, "Unisex") and product.master_category not in NEVER["master"]
        assert product.sub_category not in NEVER["sub"]
        assert card["why"].startswith("The catalogue pairs kurtas with"), card["why"]
    assert shown(chat) == [p.id for p in items]  # "the 1st" now names the look's first product

    again = chat.say("help me style it")  # "it" is still the kurta
    assert reference.name in texts(again)


def test_details_show_the_description_and_a_larger_photo(stack, catalog):
    chat = Chat(stack.rasa.url)
    chat.say("watches for men")
    product = records(catalog, [shown(chat)[2]])[0]
    messages = chat.say("tell me more about the 3rd")
    text = texts(messages)
    assert f"#3 {product.name}" in text and rupees(product.price) in text and product.brand in text
    assert " ".join(product.description.split())[:60] in " ".join(text.split())
    assert "The model sees:" in text and "%" in text and "<p>" not in text
    assert any(m.get("image", "").endswith(f"/items/{product.id}/image") for m in messages)
    buttons = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert "Complete the look" in buttons


def test_details_from_the_card_button(stack, catalog):
    chat = Chat(stack.rasa.url)
    chat.say("red dresses")
    pid = shown(chat)[0]
    text = texts(chat.say('/details{"ordinal":1}'))
    assert records(catalog, [pid])[0].name in text


def test_shell_prints_text_and_image_links_never_the_payload(stack):
    chat = Chat(stack.rasa.url)
    messages = chat.say("show me red dresses")
    assert any("custom" in m for m in messages)  # the payload is there to leave out
    lines = shell_lines(messages)
    joined = "\n".join(lines)
    assert "Custom json" not in joined and '"items"' not in joined and not any(l.lstrip().startswith("{") for l in lines)
    for pid in shown(chat):
        assert any(line.startswith("Image: ") and line.endswith(f"/items/{pid}/image") for line in lines), pid
    assert any(line.startswith("1. ") for line in lines) and len(lines) < 40
    table = shell_lines(chat.say("compare 1 and 2"))
    assert table[0] == "Side by side:" and any(line.startswith("Price: ") and " | " in line for line in table)


def test_what_it_cannot_do_is_answered_with_what_it_can(stack):
    chat = Chat(stack.rasa.url)
    text = texts(chat.say("can you book me a table at a restaurant tonight?"))
    assert "compare" in text and ("details" in text or "look" in text), text


def test_a_shoppers_conversation_is_recorded(stack, catalog):
    """Compare and complete the look in one conversation, as ``make shell`` prints it; the
    transcript goes to reports/assistant_conversation.md (shown in the README)."""
    chat, out = Chat(stack.rasa.url), []
    for text in ("show me shirts for men", "which is cheaper, 1 or 3?", "what goes with the 1st?",
                 "tell me more about the 2nd"):
        lines = shell_lines(chat.say(text))
        assert lines, text
        out += [f"Your input ->  {text}"] + lines
    transcript = re.sub(r"http://127\.0\.0\.1:\d+", "http://localhost:8000", "\n".join(out))  # as `make run` serves
    assert "Side by side:" in transcript and "The catalogue pairs shirts with" in transcript
    REPORT.write_text("A real conversation with the bot over the demo catalogue (2,993 products), recorded by\n"
                      "`tests/bot/test_assist_chat.py` through Rasa, the action server and the engine,\n"
                      "printed as `make shell` prints it.\n\n```\n" + transcript + "\n```\n", encoding="utf-8")
