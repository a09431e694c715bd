"""The bot tried as an attacker or a careless shopper would, on the running stack (tests/stack.py):
over-long messages on every channel, Rasa's HTTP API without its token, other origins, and one
channel addressing another channel's conversations (the web chat through a real socket.io
client)."""
from __future__ import annotations

import json
import os
import queue
import statistics
import subprocess
import threading
import time
import uuid

import httpx
import pytest
import socketio

from tests import support
from tests.stack import stack  # noqa: F401  (the fixture)
from tests.bot.test_telegram import post as telegram_post
from tests.bot.test_telegram import update as telegram_update

pytestmark = pytest.mark.slow

LIMIT = 500  # FASHIONBOT_MAX_MESSAGE_CHARS: the default (bot/message_limit.py)
TOO_LONG = "Sorry, that message is too long for me to read"  # utter_message_too_long
STATE_SLOTS = ("query",)  # the engine's state, the only slot a turn sets
REPLY_TIMEOUT = 120  # s: a search on 2 busy CPU cores


def long_text(chars: int) -> str:
    return ("show me red dresses with long sleeves and a round neck " * (chars // 50 + 1))[:chars]


def rest(stack, sender: str, text: str, timeout: float = REPLY_TIMEOUT) -> tuple[float, list[dict]]:
    """(seconds, reply) of one REST turn."""
    started = time.perf_counter()
    answer = httpx.post(f"{stack.rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                        timeout=timeout)
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    return elapsed, answer.json()


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def state(tracker: dict) -> tuple[int, dict]:
    """What a turn could change: the number of events and the query slots."""
    return len(tracker["events"]), {k: tracker["slots"].get(k) for k in STATE_SLOTS}


def assert_untouched(stack, conversation: str, before: tuple[int, dict], text: str = "") -> None:
    tracker = stack.tracker(conversation)
    assert state(tracker) == before, f"{conversation} changed"
    if text:
        assert text[:LIMIT + 1] not in json.dumps(tracker), f"the long text is in {conversation}'s tracker"


class WebChat:
    """The web chat widget's side of the socket.io protocol, with a real python-socketio client."""

    def __init__(self, stack, origin: str | None = None):
        self.replies: queue.Queue = queue.Queue()
        self.confirmed: queue.Queue = queue.Queue()
        # a browser's Origin: the page's (the engine), unless another is given
        self.client = socketio.Client(reconnection=False,
                                      websocket_extra_options={"origin": origin or stack.engine.url})
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", self.confirmed.put)
        self.client.connect(stack.rasa.url, transports=["websocket"], socketio_path="/socket.io", wait_timeout=30)

    def session(self, requested: str | None = None) -> str:
        """Ask for a session (as the widget does on connecting); the id the server confirms."""
        self.client.emit("session_request", {"session_id": requested})
        return self.confirmed.get(timeout=30)

    def say(self, text: str, session_id: str | None = None, wait: bool = True) -> list[dict]:
        """Send a message (optionally claiming ``session_id``); the replies of the turn: up to
        the message with quick replies that ends a turn, or what came within a few seconds."""
        self.client.emit("user_uttered", {"message": text, "session_id": session_id})
        return self.collect(REPLY_TIMEOUT if wait else 3)

    def collect(self, timeout: float) -> list[dict]:
        got, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.replies.get(timeout=min(2, max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                if got:
                    break
                continue
            got.append(message)
            if message.get("quick_replies") or TOO_LONG in (message.get("text") or ""):
                deadline = min(deadline, time.monotonic() + 1)  # the rest of the turn, if any
        return got

    def close(self) -> None:
        self.client.disconnect()


# ---------------------------------------------------------------- 1. one long message freezes Rasa
def test_a_megabyte_over_rest_is_answered_at_once_and_does_not_slow_others(stack):
    victim, other = f"long-{uuid.uuid4().hex[:8]}", f"other-{uuid.uuid4().hex[:8]}"
    _, reply = rest(stack, victim, "show me red dresses")
    assert any(isinstance(m.get("custom"), dict) for m in reply), texts(reply)
    before = state(stack.tracker(f"rest:{victim}"))
    baseline = statistics.median(rest(stack, other, "hi")[0] for _ in range(3))

    megabyte = long_text(1_048_576)
    results: dict[str, tuple[float, list[dict]]] = {}
    long_turn = threading.Thread(target=lambda: results.update(long=rest(stack, victim, megabyte, timeout=30)))
    long_turn.start()
    time.sleep(0.05)  # the long message is on its way when the other shopper says hi
    results["hi"] = rest(stack, other, "hi", timeout=60)
    long_turn.join(timeout=60)

    seconds, reply = results["long"]
    assert TOO_LONG in texts(reply) and len(reply) == 1, reply
    assert seconds < 2, f"the 1 MB message took {seconds:.1f} s"
    hi_seconds, hi_reply = results["hi"]
    assert "fashion shopping assistant" in texts(hi_reply)
    assert hi_seconds < 10 * baseline + 0.5, f"hi took {hi_seconds:.2f} s meanwhile, {baseline:.2f} s alone"
    assert_untouched(stack, f"rest:{victim}", before, megabyte)


def test_a_message_just_over_the_limit_is_refused_and_one_at_the_limit_is_read(stack):
    sender = f"limit-{uuid.uuid4().hex[:8]}"
    rest(stack, sender, "hello")
    before = state(stack.tracker(f"rest:{sender}"))
    _, reply = rest(stack, sender, long_text(LIMIT + 1))
    assert TOO_LONG in texts(reply)
    assert_untouched(stack, f"rest:{sender}", before, long_text(LIMIT + 1))
    _, reply = rest(stack, sender, "  " + long_text(LIMIT) + "  ")  # spaces around do not count
    assert TOO_LONG not in texts(reply)
    assert len(stack.tracker(f"rest:{sender}")["events"]) > before[0]


def test_request_bodies_are_bounded(stack):
    body = json.dumps({"sender": "big", "message": "x" * (3 * 1024 * 1024)})
    answer = httpx.post(f"{stack.rasa.url}/webhooks/rest/webhook", content=body, timeout=30,
                        headers={"content-type": "application/json"})
    assert answer.status_code == 413


def test_a_long_web_chat_message_gets_the_polite_reply_and_leaves_no_trace(stack):
    chat = WebChat(stack)
    try:
        session = chat.session()
        chat.say("show me red dresses")
        before = state(stack.tracker(conversation(session)))
        assert (before[1]["query"] or {}).get("include"), "the search set no slot"
        text = long_text(20_000)
        reply = chat.say(text, session)
        assert [m.get("text") for m in reply if TOO_LONG in (m.get("text") or "")], reply
        assert_untouched(stack, conversation(session), before, text)
    finally:
        chat.close()
    # a socket.io packet over 64 KiB is refused by the transport; Rasa goes on answering others
    chat = WebChat(stack)
    try:
        chat.session()
        chat.client.emit("user_uttered", {"message": long_text(1_048_576)})
        elapsed, reply = rest(stack, f"after-{uuid.uuid4().hex[:8]}", "hi", timeout=30)
        assert "fashion shopping assistant" in texts(reply) and elapsed < 5
    finally:
        chat.close()


def test_a_long_telegram_message_gets_the_polite_reply_and_leaves_no_trace(stack):
    chat_id = 811
    telegram_post(stack, telegram_update(chat_id, text="show me red dresses"))
    before = state(stack.tracker(f"telegram:{chat_id}"))
    assert (before[1]["query"] or {}).get("include")
    text = long_text(5_000)
    mark = stack.telegram.mark()
    assert telegram_post(stack, telegram_update(chat_id, text=text)).status_code == 200
    sent = [c.params for c in stack.telegram.since(mark)]
    assert len(sent) == 1 and TOO_LONG in sent[0]["text"] and str(sent[0]["chat_id"]) == str(chat_id), sent
    assert_untouched(stack, f"telegram:{chat_id}", before, text)


# ---------------------------------------------------------------- 2. Rasa's HTTP API is open
def test_the_http_api_needs_the_token(stack):
    sender = f"api-{uuid.uuid4().hex[:8]}"
    rest(stack, sender, "hello")
    url = f"{stack.rasa.url}/conversations/rest:{sender}/tracker"
    for params in ({}, {"token": "wrong"}, {"token": ""}):
        assert httpx.get(url, params=params, timeout=30).status_code == 401, params
        event = {"event": "slot", "name": "include", "value": ["colour.red"]}
        assert httpx.post(f"{url}/events", params=params, json=event, timeout=30).status_code == 401
    assert httpx.get(f"{stack.rasa.url}/status", timeout=30).status_code == 401
    assert support.rasa_get(stack.rasa.url, f"/conversations/rest:{sender}/tracker").status_code == 200
    assert httpx.get(f"{stack.rasa.url}/", timeout=30).status_code == 200  # the health check stays open


def test_the_api_token_is_on_no_command_line(stack):
    """Any local user reads every process's command line; the token reaches Rasa through the
    environment (bot/rasa_server.py), which only its own user reads."""
    assert support.rasa_get(stack.rasa.url, "/status").status_code == 200  # the token works ...
    leaked = {pid: line for pid, line in support.command_lines().items() if support.API_TOKEN in line}
    assert leaked == {}, leaked  # ... and no command line holds it
    assert "rasa_server.py" in support.command_lines()[stack.rasa.process.pid]


def test_only_the_web_chat_origin_passes_cors(stack):
    page_origin = stack.engine.url
    for path in ("/webhooks/rest/webhook", "/socket.io/?EIO=4&transport=polling"):
        preflight = {"Access-Control-Request-Method": "POST"}
        good = httpx.options(stack.rasa.url + path, headers={"Origin": page_origin, **preflight}, timeout=30)
        bad = httpx.options(stack.rasa.url + path, headers={"Origin": "http://evil.example", **preflight}, timeout=30)
        assert good.headers.get("access-control-allow-origin") == page_origin, (path, dict(good.headers))
        assert "access-control-allow-origin" not in bad.headers, (path, dict(bad.headers))
    polling = httpx.get(f"{stack.rasa.url}/socket.io/?EIO=4&transport=polling",
                        headers={"Origin": page_origin}, timeout=30)
    assert polling.headers.get_list("access-control-allow-origin") == [page_origin]  # once: browsers refuse two
    with pytest.raises(socketio.exceptions.ConnectionError):
        WebChat(stack, origin="http://evil.example")
    WebChat(stack).close()  # the page's own origin connects


def test_rest_cannot_reach_another_channels_conversation(stack):
    chat_id = 812
    telegram_post(stack, telegram_update(chat_id, text="show me red dresses"))
    before = state(stack.tracker(f"telegram:{chat_id}"))
    for sender in (str(chat_id), f"telegram:{chat_id}"):
        _, reply = rest(stack, sender, "start over")
        assert reply and reply[0]["recipient_id"] == f"rest:{sender}"
    assert_untouched(stack, f"telegram:{chat_id}", before)
    assert stack.tracker(f"rest:telegram:{chat_id}")["events"]


def test_a_web_chat_socket_cannot_take_over_a_telegram_or_rest_conversation(stack):
    chat_id, shopper = 813, f"shopper-{uuid.uuid4().hex[:8]}"
    telegram_post(stack, telegram_update(chat_id, text="show me red dresses"))
    rest(stack, shopper, "show me black jeans")
    victims = {f"telegram:{chat_id}": [str(chat_id), f"telegram:{chat_id}"],
               f"rest:{shopper}": [shopper, f"rest:{shopper}"]}
    before = {victim: state(stack.tracker(victim)) for victim in victims}
    attacker = WebChat(stack)
    try:
        for victim, ids in victims.items():
            for wanted in ids:
                got = attacker.session(wanted)
                assert issued(got) and got != wanted
                reply = attacker.say("start over", session_id=wanted)  # the stock channel trusted this id
                assert reply, "the attacker's own session answers"
        for victim in victims:
            assert_untouched(stack, victim, before[victim])
        # the victims' own turns go on, and none of their replies reaches the attacker
        mark = stack.telegram.mark()
        telegram_post(stack, telegram_update(chat_id, text="show more"))
        assert stack.telegram.since(mark, "sendMediaGroup") or stack.telegram.since(mark, "sendMessage")
        rest(stack, shopper, "show more")
        assert attacker.collect(3) == []
    finally:
        attacker.close()


def issued(session: str) -> bool:
    """What the server confirms for a web chat session: ``<uuid4().hex>.<32 hex of its HMAC>``."""
    session_id, _, signature = session.partition(".")
    try:
        random = uuid.UUID(hex=session_id).version == 4 and uuid.UUID(hex=session_id).hex == session_id
    except (TypeError, ValueError):
        return False
    return random and len(signature) == 32 and all(c in "0123456789abcdef" for c in signature)


def conversation(session: str) -> str:
    """The conversation id of a confirmed web chat session: ``webchat:<session id>``."""
    return "webchat:" + session.partition(".")[0]


def test_a_returning_web_chat_shopper_keeps_the_session(stack):
    first = WebChat(stack)
    try:
        session = first.session()
        assert issued(session)
        first.say("show me red dresses")
    finally:
        first.close()
    again = WebChat(stack)
    try:
        assert again.session(session) == session  # session_persistence: the widget's stored id and signature
        reply = again.say("show more")
        assert reply and any(m.get("attachment") for m in reply), reply
        slots = stack.tracker(conversation(session))["slots"]
        assert "colour.red" in ((slots["query"] or {}).get("include") or [])
    finally:
        again.close()


def test_only_a_session_the_server_signed_is_resumed(stack):
    """A well-formed id of the client's own choosing, another shopper's bare id, or a signature
    that does not match all get a fresh session; the other shopper's conversation is untouched
    and its replies never reach the other socket."""
    owner = WebChat(stack)
    try:
        session = owner.session()
        owner.say("show me red dresses")
        before = state(stack.tracker(conversation(session)))
        session_id, _, signature = session.partition(".")
        forged = [session_id, uuid.uuid4().hex, f"{session_id}.{'0' * 32}", f"{session_id}.{signature[::-1]}",
                  f"{uuid.uuid4().hex}.{signature}", session + "0", "0" * 32, "a" * 32, "not-random", "1",
                  "x" * 10_000]  # (a packet over 64 KiB is dropped by the transport)
        intruder = WebChat(stack)
        try:
            for chosen in forged:
                fresh = intruder.session(chosen)
                assert fresh != chosen and issued(fresh) and conversation(fresh) != conversation(session), chosen[:80]
            intruder.say("start over")
            assert_untouched(stack, conversation(session), before)
            owner.say("show more")
            assert intruder.collect(3) == []
        finally:
            intruder.close()
    finally:
        owner.close()


def test_a_token_that_starts_with_a_dash_reaches_rasa_whole(tmp_path):
    """secrets.token_urlsafe gives a token starting with "-" one time in 64: Rasa's own argument
    parser must still read it as the token (it once exited with "expected one argument")."""
    probe = (
        "import sys, runpy, rasa.__main__ as m\n"
        "def fake():\n"
        "    args = m.create_argument_parser().parse_args(sys.argv[1:])\n"
        "    print('TOKEN=' + args.auth_token)\n"
        "m.main = fake\n"
        "sys.argv = ['rasa_server.py', 'run', '--enable-api']\n"
        "runpy.run_path(%r, run_name='__main__')\n" % str(support.BOT / "rasa_server.py"))
    env = {**os.environ, "FASHIONBOT_RASA_TOKEN": "-dash-first_token"}
    done = subprocess.run([str(support.REPO / ".venv-rasa" / "bin" / "python"), "-c", probe], env=env,
                          capture_output=True, text=True, timeout=300, cwd=support.BOT)
    assert "TOKEN=-dash-first_token" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
