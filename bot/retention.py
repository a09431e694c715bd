"""Rasa's SQL tracker store with a retention an operator sets (``endpoints.yml``:
``type: retention.RetainingSQLTrackerStore``).

Rasa keeps every event of every conversation forever (about 11 KB per search turn). After a
save, at most every ``prune_every_s`` seconds, this store deletes the conversations

- whose last event is older than ``keep_days`` (FASHIONBOT_TRACKER_KEEP_DAYS, default 30), and
- beyond the ``keep_conversations`` most recently active ones (FASHIONBOT_TRACKER_KEEP_CONVERSATIONS,
  default 100,000; 0: no cap),

never the conversation just saved. A shopper who comes back after that starts a new
conversation. FASHIONBOT_TRACKER_PRUNE_EVERY_S (default 600) says how often; the same keys in
``endpoints.yml`` win over the environment. The settings are read once, at start.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
DAY = 86400.0
CHUNK = 500  # conversations deleted per statement


@dataclass(frozen=True)
class Retention:
    keep_days: float = 30.0  # conversations idle for longer are deleted (0: no age limit)
    keep_conversations: int = 100_000  # at most this many, the most recently active (0: no cap)
    prune_every_s: float = 600.0  # how often a save applies the retention

    @classmethod
    def from_settings(cls, given: dict[str, Any]) -> Retention:
        """From ``endpoints.yml`` keys, else the environment, else the defaults."""

        def value(key: str, cast, default):
            raw = given.get(key)
            if raw is None:
                raw = os.environ.get(f"FASHIONBOT_TRACKER_{key.upper()}")
            return cast(raw) if raw not in (None, "") else default

        return cls(keep_days=value("keep_days", float, cls.keep_days),
                   keep_conversations=value("keep_conversations", int, cls.keep_conversations),
                   prune_every_s=value("prune_every_s", float, cls.prune_every_s))


class RetainingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that deletes conversations past the retention (see the module)."""

    def __init__(self, domain=None, keep_days=None, keep_conversations=None, prune_every_s=None,
                 **kwargs: Any) -> None:
        super().__init__(domain=domain, **kwargs)
        self.retention = Retention.from_settings({"keep_days": keep_days, "keep_conversations": keep_conversations,
                                                  "prune_every_s": prune_every_s})
        self._pruned_at = float("-inf")
        logger.info("tracker retention: %s days, %s conversations, applied every %s s", self.retention.keep_days,
                    self.retention.keep_conversations, self.retention.prune_every_s)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if time.monotonic() - self._pruned_at >= self.retention.prune_every_s:
            self._pruned_at = time.monotonic()
            try:
                self.prune(keep=tracker.sender_id)
            except sa.exc.SQLAlchemyError:  # the turn is saved; the retention waits for the next save
                logger.exception("tracker retention failed")

    def prune(self, keep: str | None = None, now: float | None = None) -> int:
        """Delete the conversations past the retention (never ``keep``); how many went."""
        now = time.time() if now is None else now
        events = self.SQLEvent
        with self.session_scope() as session:
            last = sa.func.max(events.timestamp).label("last")
            activity = session.query(events.sender_id, last).group_by(events.sender_id)
            doomed: set[str] = set()
            if self.retention.keep_days > 0:
                cutoff = now - self.retention.keep_days * DAY
                doomed |= {s for s, _ in activity.having(last < cutoff)}
            if self.retention.keep_conversations > 0:
                doomed |= {s for s, _ in activity.order_by(last.desc()).offset(self.retention.keep_conversations)}
            doomed.discard(keep)
            ordered = sorted(doomed)
            for start in range(0, len(ordered), CHUNK):
                session.query(events).filter(events.sender_id.in_(ordered[start:start + CHUNK])).delete(
                    synchronize_session=False)
            session.commit()
        if doomed:
            logger.info("tracker retention: deleted %d conversations", len(doomed))
        return len(doomed)
