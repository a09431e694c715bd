"""What every project channel does before Rasa sees a message: bound and namespace the sender
id, clean the text and answer an over-long message itself.

- ``sender_id(channel, id)`` is ``"<channel>:<id>"`` (``rest:``, ``webchat:``, ``telegram:``), so
  no channel can address another channel's conversations; a channel's own id is at most
  ``MAX_SENDER_CHARS`` characters of ``A-Z a-z 0-9 _ - . : @`` (``valid_sender``), and a channel
  refuses any other (Rasa stores the id with every event of the conversation);
- ``clean_text`` replaces lone surrogates (``\ud800``, which JSON can carry but UTF-8 cannot) with
  U+FFFD, so nothing downstream (the tracker store, the action server) fails to encode a message;
- ``guarded(on_new_message)`` answers a message longer than ``message_limit.max_chars()`` with
  the polite ``utter_message_too_long`` text and does not pass it on: it is not parsed, not
  stored in the tracker and changes no slot.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

import message_limit

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 64
SENDER = re.compile(rf"[A-Za-z0-9_.:@-]{{1,{MAX_SENDER_CHARS}}}")


def valid_sender(raw: object) -> bool:
    """Whether ``raw`` may name a conversation on a channel (a short id of plain characters)."""
    return isinstance(raw, str) and SENDER.fullmatch(raw) is not None


def clean_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (valid pairs joined)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def encodable(value: object) -> bool:
    """Whether a JSON value (message metadata) encodes as UTF-8: no lone surrogate anywhere."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):
        return False
    return True


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
        if isinstance(message.text, str):
            message.text = clean_text(message.text)
        if message.metadata and not encodable(message.metadata):
            message.metadata = {}
        if message_limit.too_long(message.text):
            logger.info("%s: a message of %d characters from %s is over the limit of %d, not read",
                        message.input_channel, len(message.text), message.sender_id, message_limit.max_chars())
            await message.output_channel.send_text_message(message.sender_id, message_limit.reply_text())
            return None
        return await on_new_message(message)

    return handle
