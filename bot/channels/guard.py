"""What every project channel does before Rasa sees a message: namespace the sender id and
answer an over-long message itself.

- ``sender_id(channel, id)`` is ``"<channel>:<id>"`` (``rest:``, ``webchat:``, ``telegram:``), so
  no channel can address another channel's conversations;
- ``guarded(on_new_message)`` answers a message longer than ``message_limit.max_chars()`` with
  the polite ``utter_message_too_long`` text and does not pass it on: it is not parsed, not
  stored in the tracker and changes no slot.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

import message_limit

logger = logging.getLogger(__name__)


def sender_id(channel: str, raw: object) -> str:
    """The conversation id of ``raw`` (a chat id, a session id) on ``channel``."""
    return f"{channel}:{raw}"


def raw_id(channel: str, sender: str) -> str:
    """The channel's own id back from a conversation id (a Telegram chat id, a socket room)."""
    prefix = f"{channel}:"
    return sender[len(prefix):] if sender.startswith(prefix) else sender


def guarded(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """``on_new_message`` for messages within the limit; the polite reply for longer ones."""

    async def handle(message: UserMessage) -> Any:
        if message_limit.too_long(message.text):
            logger.info("%s: a message of %d characters from %s is over the limit of %d, not read",
                        message.input_channel, len(message.text), message.sender_id, message_limit.max_chars())
            await message.output_channel.send_text_message(message.sender_id, message_limit.reply_text())
            return None
        return await on_new_message(message)

    return handle
