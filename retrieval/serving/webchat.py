"""The web chat page the engine serves at ``/``: the rasa-webchat widget talking to Rasa's
socketio channel, plus a photo upload that feeds the engine's ``POST /images``.

The widget bundle is not in the repository: ``make webchat`` (scripts/webchat.sh) takes it from
the npm package rasa-webchat@1.0.1 into ``var/webchat/``. Product cards, quick replies and
heatmaps are rendered by the widget from what the bot's socketio channel sends
(bot/channels/webchat.py).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from retrieval.settings import REPO_ROOT, Settings, get_settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
BUNDLE_NAME = "rasa-webchat-1.0.1.js"
CONFIG_MARK = "/*FASHIONBOT_CONFIG*/{}"
REMOTE_IMPORT = re.compile(rb"@import url\((?:https?:)?//[^)]*\);?")  # a stylesheet from another host
_bundle_cache: dict = {}


def bundle_path(settings: Settings) -> Path | None:
    """The widget bundle: ``settings.webchat_dir``, else the engine's var dir, else the repo's var/."""
    folders = [settings.webchat_dir] if settings.webchat_dir else []
    folders += [settings.var_dir / "webchat", REPO_ROOT / "var" / "webchat"]
    return next((folder / BUNDLE_NAME for folder in folders if (folder / BUNDLE_NAME).is_file()), None)


def local_bundle(path: Path) -> bytes:
    """The widget bundle without its web-font imports (its CSS asks fonts.googleapis.com for
    Inter on every load): the page uses the system's fonts, and no request leaves the machine."""
    key = (str(path), path.stat().st_mtime_ns)
    if _bundle_cache.get("key") != key:
        _bundle_cache.update(key=key, data=REMOTE_IMPORT.sub(b"", path.read_bytes()))
    return _bundle_cache["data"]


def page_config() -> dict:
    """What the page's script needs to know (read per request, so a restart is not needed)."""
    return {"socketUrl": get_settings().rasa_url, "socketPath": "/socket.io/", "initPayload": "/greet",
            "title": "fashionbot", "subtitle": "Ask for clothes, shoes or accessories",
            "photoText": "Searching for items like your photo"}


def render_page() -> str:
    """index.html with the config inlined (``</`` escaped so it cannot close the script tag)."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace(CONFIG_MARK, json.dumps(page_config()).replace("</", "<\\/"))


def mount_webchat(app: FastAPI, settings: Settings) -> None:
    """Add ``GET /`` (the chat page), ``/webchat/rasa-webchat.js``, ``/webchat/static/`` and
    ``/favicon.ico``."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def chat_page():
        return HTMLResponse(render_page(), headers={"Cache-Control": "no-cache"})

    @app.get("/webchat/rasa-webchat.js", include_in_schema=False)
    def widget_bundle():
        path = bundle_path(settings)
        if path is None:
            message = "the chat widget is not installed: run `make webchat`"
            return Response(f"console.error({json.dumps(message)});", status_code=503,
                            media_type="application/javascript")
        return Response(local_bundle(path), media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/webchat/static", StaticFiles(directory=STATIC_DIR), name="webchat-static")
