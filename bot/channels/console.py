"""What ``rasa shell`` (``make shell``) prints: the readable text, image links and buttons of
each bot message, never a custom payload (the products payload is about a hundred lines of JSON,
and every product's caption and photo link are already printed as messages of their own).

``bot/shell.py`` installs ``print_readable`` in place of Rasa's console printer, then runs
``rasa shell``.
"""
from __future__ import annotations

from typing import Any

READABLE = ("text", "image", "buttons", "quick_replies", "elements", "attachment")


def printable(message: dict[str, Any]) -> dict[str, Any] | None:
    """The message without its custom payload; None when nothing readable is left."""
    kept = {key: value for key, value in message.items() if key != "custom"}
    return kept if any(kept.get(key) for key in READABLE) else None


def shell_lines(messages: list[dict[str, Any]]) -> list[str]:
    """The lines the shell shows for a turn's messages (as Rasa's REST channel returns them)."""
    lines: list[str] = []
    for message in messages:
        kept = printable(message)
        if kept is None:
            continue
        if kept.get("text"):
            lines += str(kept["text"]).splitlines()
        if kept.get("image"):
            lines.append("Image: " + str(kept["image"]))
        for i, button in enumerate(kept.get("buttons") or kept.get("quick_replies") or []):
            lines.append(f"{i + 1}: {button.get('title')} ({button.get('payload')})")
    return lines


def install() -> None:
    """Replace Rasa's console printer with one that leaves custom payloads out."""
    from rasa.core.channels import console

    original = console._print_bot_output

    def print_readable(message: dict[str, Any], *args: Any, **kwargs: Any):
        kept = printable(message)
        return original(kept, *args, **kwargs) if kept is not None else None

    console._print_bot_output = print_readable
