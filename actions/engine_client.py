"""The one adapter between the actions and the engine: ``POST /query`` over httpx.

Every failure becomes one of two exceptions the actions answer politely: ``EngineDown``
(unreachable, slow or a 5xx) and ``EngineRejected`` (a 4xx, with the engine's message).
"""
from __future__ import annotations

import asyncio

import httpx

from .settings import get_settings


class EngineError(Exception):
    """Base of the engine failures the actions handle."""


class EngineDown(EngineError):
    """The engine did not answer in time, or answered with a server error."""


class EngineRejected(EngineError):
    """The engine refused the request (a 4xx), with its message."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class EngineClient:
    """Async client of the engine's API; one connection pool per event loop."""

    def __init__(self, base_url: str | None = None, timeout: float | None = None):
        settings = get_settings()
        self.base_url = (base_url or settings.engine_url).rstrip("/")
        seconds = settings.engine_timeout if timeout is None else timeout
        self.timeout = httpx.Timeout(seconds, connect=min(seconds, 2.0))
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop or self._http.is_closed:
            self._http = httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout,
                                           limits=httpx.Limits(max_connections=32, max_keepalive_connections=16))
            self._loop = loop
        return self._http

    async def query(self, state: dict | None, edit: dict, page_size: int) -> dict:
        """One turn: the state the engine last returned plus this turn's edit; the engine's answer."""
        payload = {"state": state, "edit": edit, "page_size": page_size}
        try:
            response = await self._client().post("/query", json=payload)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise EngineDown(f"{type(exc).__name__} calling {self.base_url}/query") from exc
        if response.status_code >= 500:
            raise EngineDown(f"engine answered {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError:
            raise EngineDown(f"engine answered {response.status_code} without JSON") from None
        if response.status_code >= 400:
            raise EngineRejected(response.status_code, str(body.get("error") or body)[:300])
        return body


_default: EngineClient | None = None


def get_client() -> EngineClient:
    """The process-wide client (rebuilt when FASHIONBOT_ENGINE_URL changes)."""
    global _default
    if _default is None or _default.base_url != get_settings().engine_url:
        _default = EngineClient()
    return _default
