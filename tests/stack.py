"""The whole bot running for the channel tests: the engine over the demo catalogue, the action
server and Rasa with the project's channels (bot/credentials.yml), as real processes on free
ports, plus a stand-in Telegram Bot API on 127.0.0.1 that Rasa's Telegram channel talks to.

``stack`` is session-scoped: the processes start on first use (the Rasa model is trained first
when its data changed) and stop at the end of the session. The engine serves the demo index
built by conftest's ``demo_engine`` (with the settings' default checkpoint), or the one
FASHIONBOT_BOT_TEST_VAR names; its writable folder (uploads) is a fresh temporary one. Rasa's
tracker store is a temporary SQLite file, and its HTTP API needs ``support.API_TOKEN``. Process
helpers come from tests/support.py.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests import support as procs

TELEGRAM_TOKEN = "123456:stand-in-token"
TELEGRAM_BOT = "fashionbot_test_bot"
TELEGRAM_SECRET = "stand-in-secret"
TRACKER_KEEP_DAYS = 30.0  # FASHIONBOT_TRACKER_KEEP_DAYS of the stack's Rasa (pruned on every save)


@dataclass
class BotApiCall:
    method: str
    params: dict


class FakeBotApi:
    """A stand-in Telegram Bot API: a real HTTP server on 127.0.0.1 that answers like Telegram
    (``{"ok": true, "result": ...}``), records every method call, and serves the files given
    to ``add_file`` at ``/file/bot<token>/<path>`` (what ``getFile`` points at)."""

    def __init__(self, token: str = TELEGRAM_TOKEN, username: str = TELEGRAM_BOT, port: int = 0):
        self.token, self.username = token, username
        self.calls: list[BotApiCall] = []
        self.downloads: list[str] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self._lock = threading.Lock()
        self._message_id = 100
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add_file(self, file_id: str, file_path: str, data: bytes) -> None:
        self.files[file_id] = (file_path, data)

    def since(self, mark: int, method: str | None = None) -> list[BotApiCall]:
        """Calls after the first ``mark`` ones (optionally of one method)."""
        with self._lock:
            calls = self.calls[mark:]
        return [c for c in calls if method is None or c.method == method]

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, method: str, params: dict):
        if method == "getMe":
            return {"id": 123456, "is_bot": True, "first_name": "fashionbot", "username": self.username}
        if method in ("setWebhook", "answerCallbackQuery", "deleteWebhook"):
            return True
        if method == "getFile":
            if params.get("file_id") not in self.files:
                return None
            path, data = self.files[params["file_id"]]
            return {"file_id": params["file_id"], "file_unique_id": params["file_id"][-8:], "file_size": len(data),
                    "file_path": path}
        if method in ("sendMessage", "sendPhoto"):
            return self._message(params)
        if method == "sendMediaGroup":
            return [self._message(params) for _ in params.get("media", [])]
        return None

    def _message(self, params: dict) -> dict:
        with self._lock:
            self._message_id += 1
            message_id = self._message_id
        return {"message_id": message_id, "date": int(time.time()), "chat": {"id": params.get("chat_id"),
                                                                               "type": "private"}}

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest's output clean
                pass

            def _send(self, status: int, body: dict | bytes, content_type: str = "application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                prefix = f"/file/bot{api.token}/"
                path = urlparse(self.path).path
                for file_path, data in api.files.values():
                    if path == prefix + file_path:
                        api.downloads.append(file_path)
                        return self._send(200, data, "image/jpeg")
                self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def do_POST(self):
                path = urlparse(self.path).path
                if not path.startswith(f"/bot{api.token}/"):
                    return self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                method = path.rsplit("/", 1)[1]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                with api._lock:
                    api.calls.append(BotApiCall(method, params))
                result = api._answer(method, params)
                if result is None:
                    return self._send(400, {"ok": False, "error_code": 400,
                                            "description": f"Bad Request: cannot answer {method}"})
                self._send(200, {"ok": True, "result": result})

        return Handler


@dataclass
class Stack:
    """The running processes and what the tests need to reach them."""

    engine: procs.Service
    actions: procs.Service
    rasa: procs.Service
    telegram: FakeBotApi
    db_url: str  # the demo catalogue
    var: Path  # the engine's writable folder
    services: list[procs.Service] = field(default_factory=list)
    tracker_db: Path | None = None  # Rasa's SQLite tracker store
    tracker_keep_days: float = TRACKER_KEEP_DAYS

    @property
    def telegram_webhook(self) -> str:
        return f"{self.rasa.url}/webhooks/telegram/webhook"

    def tracker(self, conversation_id: str) -> dict:
        """A conversation's tracker, through Rasa's HTTP API (with the token)."""
        return procs.tracker(self.rasa.url, conversation_id)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.telegram.stop()


def engine_env(request, var: Path) -> tuple[dict[str, str], str]:
    """The demo engine's environment with its own writable folder, and the catalogue URL."""
    setup = procs.engine_setup(request)
    env = dict(setup.env)
    served = Path(env["FASHIONBOT_VAR"])
    env.setdefault("FASHIONBOT_DB_URL", setup.db_url)
    env.setdefault("FASHIONBOT_INDEX", str(served / "index"))
    env["FASHIONBOT_VAR"] = str(var)
    return env, setup.db_url


def start_stack(request, tmp: Path) -> Stack:
    model = procs.trained_model()
    env, db_url = engine_env(request, tmp / "engine-var")
    telegram = FakeBotApi()
    rasa_port = procs.free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    services: list[procs.Service] = []
    try:
        engine_port = procs.free_port()
        engine_url = f"http://127.0.0.1:{engine_port}"
        engine = procs.start_service(
            "engine", [str(procs.REPO / ".venv" / "bin" / "fashionbot"), "serve", "--port", str(engine_port)],
            engine_url, "/health", {**env, "FASHIONBOT_PUBLIC_URL": engine_url, "FASHIONBOT_RASA_URL": rasa_url},
            timeout=180)
        services.append(engine)
        actions = procs.start_actions(engine_url)
        services.append(actions)
        rasa_env = {
            "FASHIONBOT_ENGINE_URL": engine_url,
            "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_VERIFY": TELEGRAM_BOT,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET, "TELEGRAM_API_URL": telegram.url,
            "TELEGRAM_WEBHOOK_URL": f"{rasa_url}/webhooks/telegram/webhook",
            "FASHIONBOT_TRACKER_KEEP_DAYS": str(TRACKER_KEEP_DAYS), "FASHIONBOT_TRACKER_PRUNE_EVERY_S": "0",
        }
        # the web chat page comes from the engine: its origin is the only one Rasa allows
        rasa = procs.start_rasa(actions.url, tmp / "tracker.db", model, rasa_env, web_origin=engine_url,
                                port=rasa_port)
        services.append(rasa)
    except BaseException:
        for service in reversed(services):
            service.stop()
        telegram.stop()
        raise
    return Stack(engine, actions, rasa, telegram, db_url, tmp / "engine-var", services, tmp / "tracker.db")


_running: Stack | None = None


@pytest.fixture(scope="session")
def stack(request, tmp_path_factory) -> Stack:
    """The running bot (started once per session, however many modules import this fixture)."""
    global _running
    if _running is not None:
        yield _running
        return
    _running = start_stack(request, tmp_path_factory.mktemp("stack"))
    try:
        yield _running
    finally:
        _running.stop()
        _running = None
