"""The output side shared by the project's channels: collect a turn's messages, then draw them."""
from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel


class TurnCollector(OutputChannel):
    """Collects a turn's messages; subclasses implement ``flush`` to draw them all at once. With
    ``auto_flush`` (messages outside a user turn) each message is drawn as it comes."""

    def __init__(self, auto_flush: bool = False) -> None:
        self.auto_flush = auto_flush
        self.pending: list[dict[str, Any]] = []

    async def flush(self, recipient_id: str) -> None:
        raise NotImplementedError

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.pending.append(dict(message))
        if self.auto_flush:
            await self.flush(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message})
