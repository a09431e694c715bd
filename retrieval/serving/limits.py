"""A bound on every request body, before anything parses it (pure ASGI middleware).

A request that declares a larger ``Content-Length`` is answered 413 at once, unread; a chunked
body is counted as it arrives and cut at the bound, and the answer is replaced by a 413. So no
upload, however sent, is spooled to memory or disk beyond the bound.
"""
from __future__ import annotations

import json
from collections.abc import Callable


class BodyLimit:
    """``limit_for(path)`` gives the largest body accepted for a path, in bytes."""

    def __init__(self, app, limit_for: Callable[[str], int]):
        self.app, self.limit_for = app, limit_for

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                return await _refuse(send, 400, "invalid Content-Length header")
            if too_big:
                return await _refuse(send, 413, f"the request body is larger than {limit:,} bytes")
        received, exceeded = 0, False

        async def bounded_receive():
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        replaced = False

        async def guarded_send(message):
            nonlocal replaced
            if exceeded and message["type"] == "http.response.start" and not replaced:
                replaced = True
                return await _refuse(send, 413, f"the request body is larger than {limit:,} bytes")
            if not replaced:
                await send(message)

        await self.app(scope, bounded_receive, guarded_send)


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
