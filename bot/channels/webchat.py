"""Rasa's socketio channel for the rasa-webchat widget, with product cards.

Configured in credentials.yml as ``channels.webchat.WebChatInput`` (same settings as Rasa's
``socketio``; it keeps the name ``socketio``). Differences from the stock channel:

- a turn is collected and then drawn (``cards.plan_turn``): a ``products`` payload becomes a
  carousel (the generic template) of cards with photo, name, matched concepts and the buttons
  "More like this" and "Why?", and the separate product photos it repeats are left out;
- custom payloads no longer crash the stock ``send_custom_json`` (it passes the payload's keys
  to ``AsyncServer.emit`` as keyword arguments);
- with ``session_persistence`` the socket really joins its session's room: the stock handler
  calls python-socketio 5's coroutine ``enter_room`` without awaiting it, so no reply arrived.
"""
from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from socketio import AsyncServer

from .cards import Block, Button, CardsBlock, ImageBlock, plan_turn
from .collect import TurnCollector


def quick_replies(buttons: list[Button]) -> list[dict[str, Any]]:
    return [{"content_type": "text", "title": b.title, "payload": b.payload} for b in buttons]


def widget_messages(block: Block) -> list[dict[str, Any]]:
    """The rasa-webchat messages of one block."""
    if isinstance(block, CardsBlock):
        elements = [{"title": card.title, "subtitle": card.concepts, "image_url": card.image_url,
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
    """Rasa's socketio input channel whose replies are drawn per turn by ``WebChatOutput``."""

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WebChatOutput(self.sio, self.bot_message_evt, auto_flush=True)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            output = WebChatOutput(self.sio, self.bot_message_evt)
            message.output_channel = output
            try:
                await on_new_message(message)
            finally:
                await output.flush(message.sender_id)

        blueprint = super().blueprint(handle)
        self.sio.on("session_request", self.session_request, namespace=self.namespace)
        return blueprint

    async def session_request(self, sid: str, data: dict | None) -> None:
        """Confirm the session id the widget asks for (a new one if none) and join its room."""
        data = data or {}
        if not data.get("session_id"):
            data["session_id"] = uuid.uuid4().hex
        if self.session_persistence:
            joined = self.sio.enter_room(sid, data["session_id"])
            if inspect.isawaitable(joined):
                await joined
        await self.sio.emit("session_confirm", data["session_id"], room=sid)
