"""Rasa's REST channel (``POST /webhooks/rest/webhook {"sender", "message"}``) with the project's
guard (``guard.py``): the sender id becomes ``rest:<sender>``, the ``input_channel`` a client
sends is ignored, and an over-long message gets the polite reply without reaching NLU.

The body must be a JSON object whose ``message`` is text; ``sender``, when given, is at most 64
characters of ``A-Z a-z 0-9 _ - . : @`` (or a number). Anything else is a 400 that says what is
wrong (the stock channel answered a JSON array with a 500 and stored a sender id of any size).
A request without a sender starts a fresh conversation, ``rest:<random id>``: the reply's
``recipient_id`` names it, for the client's next turn.

Configured in credentials.yml as ``channels.rest.RestInput`` in place of ``rest:``.
"""
from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as StockRestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage as BadRequest  # a 400 (sanic 21)
from sanic.request import Request

from .guard import MAX_SENDER_CHARS, guarded, sender_id, valid_sender


class RestInput(StockRestInput):
    """REST webhook at ``/webhooks/rest/webhook``; replies are the JSON list of bot messages."""

    async def _extract_sender(self, req: Request) -> str:
        sender = body(req).get("sender")
        if sender is None:
            return sender_id(self.name(), uuid.uuid4().hex)
        if isinstance(sender, int) and not isinstance(sender, bool):
            sender = str(sender)
        if not valid_sender(sender):
            raise BadRequest(f"sender must be at most {MAX_SENDER_CHARS} characters of A-Z a-z 0-9 _ - . : @")
        return sender_id(self.name(), sender)

    def _extract_message(self, req: Request) -> str:
        message = body(req).get("message")
        if not isinstance(message, str):
            raise BadRequest("message must be text")
        return message

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guarded(on_new_message))


def body(req: Request) -> dict[str, Any]:
    """The request's JSON object (whatever its content type); BadRequest for anything else."""
    try:
        parsed = req.json
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON") from None
    if not isinstance(parsed, dict):
        raise BadRequest('the body must be a JSON object: {"sender": "...", "message": "..."}')
    return parsed
