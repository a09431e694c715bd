"""Rasa's REST channel (``POST /webhooks/rest/webhook {"sender", "message"}``) with the project's
guard (``guard.py``): the sender id becomes ``rest:<sender>``, the ``input_channel`` a client
sends is ignored, and an over-long message gets the polite reply without reaching NLU.

Configured in credentials.yml as ``channels.rest.RestInput`` in place of ``rest:``.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as StockRestInput
from rasa.shared.constants import DEFAULT_SENDER_ID
from sanic import Blueprint
from sanic.request import Request

from .guard import guarded, sender_id


class RestInput(StockRestInput):
    """REST webhook at ``/webhooks/rest/webhook``; replies are the JSON list of bot messages."""

    async def _extract_sender(self, req: Request) -> str:
        sender = req.json.get("sender")
        return sender_id(self.name(), DEFAULT_SENDER_ID if sender is None else sender)

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guarded(on_new_message))
