"""Errors the engine answers with a 4xx: a request it cannot serve, with the reason."""
from __future__ import annotations


class EngineError(RuntimeError):
    """A request the engine cannot serve; the message says why."""
