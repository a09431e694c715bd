"""The tracker store's retention (bot/retention.py) on the running bot (tests/stack.py, which
prunes on every save): a conversation whose last event is older than the age an operator sets
(FASHIONBOT_TRACKER_KEEP_DAYS) is deleted from the SQL store, a recent one stays, and the
oldest go first when there are more than FASHIONBOT_TRACKER_KEEP_CONVERSATIONS."""
from __future__ import annotations

import sqlite3
import uuid

import pytest

from tests.engine.test_security import rest
from tests.stack import stack  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow

DAY = 86400.0


def rows(stack, conversation: str) -> int:
    with sqlite3.connect(stack.tracker_db) as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (conversation,)).fetchone()[0]


def age(stack, conversation: str, days: float) -> None:
    """Move a conversation's events ``days`` into the past, as if it had been idle since."""
    with sqlite3.connect(stack.tracker_db) as db:
        db.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (days * DAY, conversation))


def test_conversations_idle_for_longer_than_the_retention_go(stack):
    old, recent, new = (f"{name}-{uuid.uuid4().hex[:8]}" for name in ("old", "recent", "new"))
    for sender in (old, recent):
        rest(stack, sender, "show me red dresses")
        assert rows(stack, f"rest:{sender}") > 5
    age(stack, f"rest:{old}", stack.tracker_keep_days + 1)
    age(stack, f"rest:{recent}", stack.tracker_keep_days - 1)
    rest(stack, new, "hi")  # any save applies the retention
    assert rows(stack, f"rest:{old}") == 0
    assert rows(stack, f"rest:{recent}") > 5 and rows(stack, f"rest:{new}") > 0
    _, reply = rest(stack, old, "show more")  # the shopper who comes back starts afresh
    assert reply
