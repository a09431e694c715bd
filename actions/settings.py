"""The action server's settings, read from the environment when asked for (one place)."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSettings:
    engine_url: str  # where the actions reach the engine (FASHIONBOT_ENGINE_URL)
    engine_timeout: float  # seconds before the engine counts as down (FASHIONBOT_ENGINE_TIMEOUT)
    page_size: int  # products per reply (FASHIONBOT_BOT_PAGE_SIZE)

    @classmethod
    def from_env(cls) -> "ActionSettings":
        return cls(engine_url=os.environ.get("FASHIONBOT_ENGINE_URL", "http://localhost:8000").rstrip("/"),
                   engine_timeout=float(os.environ.get("FASHIONBOT_ENGINE_TIMEOUT", "8")),
                   page_size=max(1, min(20, int(os.environ.get("FASHIONBOT_BOT_PAGE_SIZE", "5")))))


def get_settings() -> ActionSettings:
    """Current settings (re-read each call, so tests can change the environment)."""
    return ActionSettings.from_env()
