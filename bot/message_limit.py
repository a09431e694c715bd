"""The longest message the bot reads (standard library and PyYAML only).

NLU time grows faster than a message's length and runs on Rasa's event loop, so one long message
would stall every conversation. Each project channel (REST, web chat, Telegram) answers a message
longer than ``max_chars()`` with ``reply_text()`` before Rasa sees it: it is not parsed, not
stored in the tracker and changes no slot. ``components.message_length`` is the backstop in the
NLU pipeline for ``rasa shell``, whose channel is Rasa's own.

    FASHIONBOT_MAX_MESSAGE_CHARS   characters after stripping spaces (default 500; docs/channels.md
                                   has the measurement behind it)
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ENV = "FASHIONBOT_MAX_MESSAGE_CHARS"
DEFAULT_MAX_CHARS = 500
INTENT = "message_too_long"  # what an over-long message parses to in the NLU backstop
RESPONSE = "utter_message_too_long"  # the reply, in domain.yml
DOMAIN = Path(__file__).resolve().parent / "domain.yml"


def max_chars() -> int:
    """The limit: FASHIONBOT_MAX_MESSAGE_CHARS, else DEFAULT_MAX_CHARS."""
    value = os.environ.get(ENV, "").strip()
    return int(value) if value else DEFAULT_MAX_CHARS


def too_long(text: object) -> bool:
    """Whether a message is over the limit (what Rasa keeps of it: the stripped text)."""
    return isinstance(text, str) and len(text.strip()) > max_chars()


@lru_cache(maxsize=1)
def reply_text() -> str:
    """The polite reply: the first text of ``utter_message_too_long`` in domain.yml."""
    import yaml

    responses = (yaml.safe_load(DOMAIN.read_text(encoding="utf-8")) or {}).get("responses") or {}
    return str(responses[RESPONSE][0]["text"]).strip()
