"""The one adapter between the actions and the search engine's HTTP API (httpx, with timeouts).

Every failure becomes one of three exceptions the actions can answer politely:
``EngineDown`` (unreachable, slow or 5xx), ``UnknownConcept`` (a 422 with suggestions) and
``EngineRejected`` (any other 4xx, with the engine's message).
"""
from __future__ import annotations

import asyncio
import os
from urllib.parse import quote

import httpx


class EngineError(Exception):
    """Base of the engine failures the actions handle."""


class EngineDown(EngineError):
    """The engine did not answer in time, or answered with a server error."""


class EngineRejected(EngineError):
    """The engine refused the request (4xx other than an unknown concept)."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class UnknownConcept(EngineError):
    """A concept name the engine does not know; ``suggestions`` are the closest known names."""

    def __init__(self, term: str, suggestions: list[str], message: str = ""):
        self.term, self.suggestions = term, suggestions
        super().__init__(message or f"unknown concept {term!r}")


def engine_url() -> str:
    """Where the actions reach the engine (FASHIONBOT_ENGINE_URL)."""
    return os.environ.get("FASHIONBOT_ENGINE_URL", "http://localhost:8000").rstrip("/")


def public_url() -> str:
    """How chat clients reach the engine's images (FASHIONBOT_PUBLIC_URL)."""
    return os.environ.get("FASHIONBOT_PUBLIC_URL", "http://localhost:8000").rstrip("/")


def _timeout() -> httpx.Timeout:
    seconds = float(os.environ.get("FASHIONBOT_ENGINE_TIMEOUT", "8"))
    return httpx.Timeout(seconds, connect=min(seconds, 2.0))


class EngineClient:
    """Async client of the engine's API; one connection pool per event loop."""

    def __init__(self, base_url: str | None = None, timeout: httpx.Timeout | None = None):
        self.base_url = (base_url or engine_url()).rstrip("/")
        self.timeout = timeout or _timeout()
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tree: dict | None = None

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop or self._http.is_closed:
            self._http = httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout,
                                           limits=httpx.Limits(max_connections=32, max_keepalive_connections=16))
            self._loop = loop
        return self._http

    async def _request(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = await self._client().request(method, path, **kwargs)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise EngineDown(f"{type(exc).__name__} calling {self.base_url}{path}") from exc
        if response.status_code >= 500:
            raise EngineDown(f"engine answered {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError:
            raise EngineDown(f"engine answered {response.status_code} without JSON") from None
        if response.status_code == 422 and "concept" in body:
            raise UnknownConcept(body["concept"], body.get("suggestions", []), body.get("error", ""))
        if response.status_code >= 400:
            raise EngineRejected(response.status_code, body.get("error") or str(body.get("detail", body)))
        return body

    async def search(self, include: list[str] = (), exclude: list[str] = (), like: int | None = None,
                     image_id: str | None = None, text: str | None = None, k: int = 10, offset: int = 0) -> dict:
        """POST /search: ranked, explained items for a query state."""
        payload = {"include": list(include), "exclude": list(exclude), "k": k, "offset": offset}
        for key, value in (("like", like), ("image_id", image_id), ("text", text)):
            if value is not None:
                payload[key] = value
        return await self._request("POST", "/search", json=payload)

    async def item(self, pid: int) -> dict:
        """GET /items/{id}: the catalogue record and top concepts of a product."""
        return await self._request("GET", f"/items/{int(pid)}")

    async def tree(self) -> dict:
        """GET /tree, fetched once per process (the tree only changes with a restart)."""
        if self._tree is None:
            self._tree = await self._request("GET", "/tree")
        return self._tree

    @staticmethod
    def heatmap_url(pid: int, concept: str) -> str:
        """Public URL of a product photo with the region behind ``concept`` overlaid."""
        return f"{public_url()}/items/{int(pid)}/heatmap?concept={quote(concept)}"


_default: EngineClient | None = None


def get_client() -> EngineClient:
    """The process-wide client (rebuilt when FASHIONBOT_ENGINE_URL changes)."""
    global _default
    if _default is None or _default.base_url != engine_url():
        _default = EngineClient()
    return _default
