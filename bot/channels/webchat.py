"""Rasa's socketio channel for the rasa-webchat widget, with product cards.

Configured in credentials.yml as ``channels.webchat.WebChatInput`` (same settings as Rasa's
``socketio``; it keeps the name ``socketio``). Differences from the stock channel:

- a turn is collected and then drawn (``cards.plan_turn``): a ``products`` payload becomes a
  carousel (the generic template) of cards with photo, name, matched concepts and the buttons
  "More like this" and "Why?", and the separate product photos it repeats are left out;
- custom payloads no longer crash the stock ``send_custom_json`` (it passes the payload's keys
  to ``AsyncServer.emit`` as keyword arguments);
- with ``session_persistence`` the socket really joins its session's room: the stock handler
  calls python-socketio 5's coroutine ``enter_room`` without awaiting it, so no reply arrived;
- sessions are issued and signed by the server: it confirms ``<id>.<signature>`` (a random
  ``uuid4().hex`` and the first 32 hex digits of its HMAC-SHA256 under the session secret),
  which the widget stores and asks for again when the shopper returns. Only a session whose
  signature matches is resumed; anything else (an id of the client's choosing, another
  shopper's bare id, a wrong signature) gets a fresh session, and a socket speaks only as the
  session it was confirmed for (the stock handler trusts the ``session_id`` of every
  ``user_uttered``). The conversation id is ``webchat:<id>`` (``guard.sender_id``). The secret is
  ``session_secret`` in the credentials, FASHIONBOT_WEBCHAT_SECRET, or the file
  FASHIONBOT_WEBCHAT_SECRET_FILE names (``make run`` makes var/rasa/webchat-secret once); without one, a random secret per process (sessions do not
  survive a restart of Rasa);
- only the web chat page's origin may open a socket (``cors_allowed_origins``, default: the
  origin of FASHIONBOT_PUBLIC_URL, the engine that serves the page; the stock channel accepts
  any), a socket.io packet is at most ``max_http_buffer_size`` bytes (default 64 KiB), and an
  over-long message gets the polite reply without reaching NLU (``guard.guarded``).
"""
from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import logging
import os
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from .cards import Block, Button, CardsBlock, ImageBlock, plan_turn
from .collect import TurnCollector
from .guard import guarded, sender_id

logger = logging.getLogger(__name__)

CHANNEL = "webchat"  # the prefix of the conversation ids
SESSION = re.compile(r"([0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15})\.([0-9a-f]{32})")  # uuid4().hex "." signature
MAX_PACKET_BYTES = 64 * 1024


class SessionSigner:
    """Issues web chat sessions (``<uuid4().hex>.<signature>``) and tells which it issued."""

    def __init__(self, secret: str):
        self.key = secret.encode()

    def signature(self, session_id: str) -> str:
        return hmac.new(self.key, f"webchat-session:{session_id}".encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> tuple[str, str]:
        """A fresh (session id, token the page stores)."""
        session_id = uuid.uuid4().hex
        return session_id, f"{session_id}.{self.signature(session_id)}"

    def verified(self, token: object) -> str | None:
        """The session id of a token this server signed, else None."""
        found = SESSION.fullmatch(token) if isinstance(token, str) else None
        if found is None or not hmac.compare_digest(found.group(2), self.signature(found.group(1))):
            return None
        return found.group(1)


def session_secret(credentials: dict[str, Any]) -> str:
    """The secret that signs sessions: credentials, FASHIONBOT_WEBCHAT_SECRET, else a random one."""
    secret = str(credentials.get("session_secret") or os.environ.get("FASHIONBOT_WEBCHAT_SECRET") or "").strip()
    if not secret and os.environ.get("FASHIONBOT_WEBCHAT_SECRET_FILE"):
        secret = Path(os.environ["FASHIONBOT_WEBCHAT_SECRET_FILE"]).read_text().strip()
    if not secret:
        logger.warning("webchat: no FASHIONBOT_WEBCHAT_SECRET; sessions are signed with a random secret and "
                       "will not be resumed after a restart")
        return secrets.token_hex(32)
    return secret


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, what a browser sends as ``Origin``."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url.strip().rstrip("/")


def default_origins() -> list[str]:
    """The web chat page's origin: the engine's public URL (FASHIONBOT_PUBLIC_URL)."""
    return [origin_of(os.environ.get("FASHIONBOT_PUBLIC_URL") or "http://localhost:8000")]


def quick_replies(buttons: list[Button]) -> list[dict[str, Any]]:
    return [{"content_type": "text", "title": b.title, "payload": b.payload} for b in buttons]


def widget_messages(block: Block) -> list[dict[str, Any]]:
    """The rasa-webchat messages of one block."""
    if isinstance(block, CardsBlock):
        elements = [{"title": card.title, "subtitle": card.details, "image_url": card.image_url,
                     "buttons": [{"type": "postback", "title": b.title, "payload": b.payload} for b in card.buttons]}
                    for card in block.cards]
        return [{"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": elements}}}]
    if isinstance(block, ImageBlock):
        image = {"attachment": {"type": "image", "payload": {"src": block.url}}}
        return ([{"text": block.caption}] if block.caption else []) + [image]
    if block.buttons:
        return [{"text": block.text, "quick_replies": quick_replies(block.buttons)}]
    return [{"text": block.text}]


class WebChatOutput(TurnCollector):
    """Collects a turn's messages; ``flush`` emits them as widget messages. With
    ``auto_flush`` (messages outside a user turn, e.g. triggered intents) each is sent at once."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: AsyncServer, bot_message_evt: str, auto_flush: bool = False) -> None:
        super().__init__(auto_flush)
        self.sio = sio
        self.bot_message_evt = bot_message_evt

    async def flush(self, recipient_id: str) -> None:
        """Draw and emit everything collected so far (to the conversation's socket room)."""
        messages, self.pending = self.pending, []
        for block in plan_turn(messages):
            for message in widget_messages(block):
                await self.sio.emit(self.bot_message_evt, message, room=recipient_id)


class WebChatInput(SocketIOInput):
    """Rasa's socketio input channel with server-issued sessions, one allowed origin and the
    length guard; replies are drawn per turn by ``WebChatOutput``."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        origins = credentials.get("cors_allowed_origins")
        if origins:
            channel.allowed_origins = [origin_of(o) for o in ([origins] if isinstance(origins, str) else origins)]
        if credentials.get("max_http_buffer_size"):
            channel.max_packet_bytes = int(credentials["max_http_buffer_size"])
        channel.signer = SessionSigner(session_secret(credentials))
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_origins = default_origins()
        self.max_packet_bytes = MAX_PACKET_BYTES
        self.sessions: dict[str, str] = {}  # socket id -> the session id confirmed to it
        self.signer = SessionSigner(session_secret({}))

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WebChatOutput(self.sio, self.bot_message_evt, auto_flush=True)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message)
        # CORS headers are left to Rasa's --cors (engine.io's own would repeat them, and a browser
        # refuses a response with two); the origin is checked when a socket connects.
        self.sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=self.max_packet_bytes)
        socketio_webhook = SocketBlueprint(self.sio, self.socketio_path, "socketio_webhook", __name__)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def handle_message(sid: str, data: Any) -> None:
            message = self.user_message(sid, data)
            if message is None:
                return
            try:
                await on_new_message(message)
            finally:
                await message.output_channel.flush(message.sender_id)

        self.sio.on("connect", self.connect, namespace=self.namespace)
        self.sio.on("disconnect", self.disconnect, namespace=self.namespace)
        self.sio.on("session_request", self.session_request, namespace=self.namespace)
        self.sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return socketio_webhook

    async def connect(self, sid: str, environ: dict, auth: dict | None = None) -> bool:
        """Accept the socket when it comes from an allowed origin (a browser always says which;
        other clients may say none) and, with ``jwt_key``, has a valid token (as the stock channel)."""
        origin = environ.get("HTTP_ORIGIN")
        if origin and "*" not in self.allowed_origins and origin not in self.allowed_origins:
            logger.warning("webchat: refused a socket from origin %s (allowed: %s)", origin[:100],
                           ", ".join(self.allowed_origins))
            return False
        if not self.jwt_key:
            return True
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

    async def disconnect(self, sid: str) -> None:
        self.sessions.pop(sid, None)

    async def session_request(self, sid: str, data: Any) -> None:
        """Resume the session the widget asks for when this server signed it (a returning
        shopper, with ``session_persistence``), else issue a fresh one; the socket joins that
        conversation's room and speaks only as it from now on."""
        requested = data.get("session_id") if isinstance(data, dict) else None
        session = self.signer.verified(requested) if self.session_persistence else None
        token = requested
        if session is None:
            session, token = self.signer.issue()
        previous = self.sessions.get(sid)
        if previous and previous != session:
            await self._call(self.sio.leave_room(sid, sender_id(CHANNEL, previous), namespace=self.namespace))
        self.sessions[sid] = session
        await self._call(self.sio.enter_room(sid, sender_id(CHANNEL, session), namespace=self.namespace))
        await self.sio.emit("session_confirm", token, room=sid, namespace=self.namespace)

    def user_message(self, sid: str, data: Any) -> UserMessage | None:
        """The shopper's message as the session confirmed to this socket, or None (no session
        yet, or not a message); a ``session_id`` in ``data`` is not trusted."""
        session = self.sessions.get(sid)
        if session is None or not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
            logger.warning("webchat: ignored a message from socket %s (%s)", sid,
                           "no session_request first" if session is None else "not a text message")
            return None
        if data.get("session_id") is not None and self.signer.verified(data.get("session_id")) != session:
            logger.warning("webchat: socket %s sent as session %r; its own session is %s", sid,
                           str(data["session_id"])[:64], session)
        metadata = data.get(self.metadata_key) or {}
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = {}
        return UserMessage(data.get("message", ""), WebChatOutput(self.sio, self.bot_message_evt),
                           sender_id(CHANNEL, session), input_channel=self.name(),
                           metadata=metadata if isinstance(metadata, dict) else {})

    @staticmethod
    async def _call(result: Any) -> None:
        """python-socketio 5's room methods are coroutines; older ones are not."""
        if inspect.isawaitable(result):
            await result
