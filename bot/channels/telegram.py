"""Telegram channel (webhook), replacing Rasa 3.6's stock one.

The stock channel fails every update ("Event loop is closed": its aiohttp session is made under
``asyncio.run`` in ``set_webhook``) and cannot point at another Bot API server. This one:

- checks ``X-Telegram-Bot-Api-Secret-Token`` on every update and answers 403 without it;
- draws a turn (``cards.plan_turn``): a result set is one ``sendMediaGroup`` album whose captions
  name the matched concepts, then one message whose inline buttons are "More like #n" / "Why #n?" /
  "Details #n"
  for each product plus the bot's quick replies (callback data at most 64 bytes);
- answers button presses (``callback_query``) as if the shopper had sent the button's payload;
- turns a photo (or an image sent as a file) into an image search: ``getFile``, the download
  through the Bot API, ``POST /images`` on the engine, then ``/image_search{"image_id": ...}``;
- calls the Bot API at a configurable base URL, with one aiohttp session per event loop;
- keeps each chat's conversation as ``telegram:<chat id>`` (``guard.sender_id``) and answers a
  message over the length limit itself, without passing it to Rasa (``guard.guarded``);
- answers an update of the wrong shape with 400 (``update_problem``: an ``update_id`` that is
  no integer, a chat id that is no integer of at most 15 digits, a message that is no object);
- answers a photo larger than the engine takes (FASHIONBOT_MAX_UPLOAD, default 5 MB) with a
  reply that says so, before downloading it when Telegram gives its size, and any upload that
  fails on the way (the engine's early 413 closes the connection) with an apology.

Configured in credentials.yml as ``channels.telegram.TelegramInput``. Each value comes from the
credentials or else the environment:

    access_token   TELEGRAM_TOKEN          the token BotFather gave
    verify         TELEGRAM_VERIFY         the bot's username (checked against getMe at start)
    webhook_url    TELEGRAM_WEBHOOK_URL    public https URL of /webhooks/telegram/webhook;
                                           setWebhook is called with it at start when set
    secret_token   TELEGRAM_SECRET_TOKEN   default: derived from the token (sha256)
    api_url        TELEGRAM_API_URL        default https://api.telegram.org
    engine_url     FASHIONBOT_ENGINE_URL   default http://localhost:8000 (photo uploads)

Without a token the webhook answers 503 to every update.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from .cards import MAX_PAYLOAD_BYTES, Button, CardsBlock, ImageBlock, TextBlock, fits, payload, plan_turn
from .collect import TurnCollector
from .guard import guarded, raw_id, sender_id

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CAPTION = 1024  # characters, Telegram's limit for a photo caption
MAX_TEXT = 4096  # characters of a text message
ALBUM_SIZE = 10  # photos per sendMediaGroup
PHOTO_SEARCH_TEXT = "Searching for items like your photo"
PHOTO_FAILED_TEXT = "Sorry, I couldn't use that photo: {reason}"
PHOTO_TOO_LARGE = "it is too large ({size:.1f} MB); I can read photos up to {limit} MB"
MAX_CHAT_ID = 10 ** 15  # Telegram's chat ids have at most 52 significant bits
MAX_UPDATE_ID = 2 ** 63 - 1
CHOOSE_TEXT = "Pick a product:"
COMMANDS = {"/start": "/greet", "/help": "/help", "/restart": "/start_over"}


def derived_secret(token: str) -> str:
    """The webhook secret used when none is configured: 64 hex characters from the token."""
    return hashlib.sha256(f"fashionbot-telegram-webhook:{token}".encode()).hexdigest()


@dataclass(frozen=True)
class TelegramConfig:
    token: str  # BotFather's token; empty disables the channel
    verify: str  # the bot's username
    webhook_url: str  # where Telegram posts updates; empty: setWebhook is not called
    secret_token: str  # expected in X-Telegram-Bot-Api-Secret-Token
    api_url: str  # Bot API base URL
    engine_url: str  # the search engine, for photo uploads
    max_upload: int = 5_000_000  # bytes of the largest photo the engine takes (FASHIONBOT_MAX_UPLOAD)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramConfig:
        credentials = credentials or {}

        def value(key: str, env: str, default: str = "") -> str:
            return str(credentials.get(key) or os.environ.get(env) or default).strip()

        token = value("access_token", "TELEGRAM_TOKEN")
        secret = value("secret_token", "TELEGRAM_SECRET_TOKEN") or (derived_secret(token) if token else "")
        return cls(token=token, verify=value("verify", "TELEGRAM_VERIFY").lstrip("@"),
                   webhook_url=value("webhook_url", "TELEGRAM_WEBHOOK_URL"), secret_token=secret,
                   api_url=value("api_url", "TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"),
                   engine_url=value("engine_url", "FASHIONBOT_ENGINE_URL", "http://localhost:8000").rstrip("/"),
                   max_upload=int(value("max_upload", "FASHIONBOT_MAX_UPLOAD", "5000000")))


class BotApiError(Exception):
    """The Bot API answered ``ok: false`` or could not be reached."""


class BotApi:
    """Bot API calls over aiohttp. The session belongs to the event loop it was made in and is
    made again under another loop (the stock channel's "Event loop is closed")."""

    def __init__(self, token: str, base_url: str, timeout: float = 30) -> None:
        self.token, self.base_url = token, base_url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = None

    async def call(self, method: str, **params: Any) -> Any:
        """``POST {api}/bot{token}/{method}`` with a JSON body; returns ``result``."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        try:
            async with self.session().post(url, json={k: v for k, v in params.items() if v is not None}) as answer:
                body = await answer.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise BotApiError(f"{method}: {type(exc).__name__}: {exc}") from exc
        if not isinstance(body, dict) or not body.get("ok"):
            description = body.get("description") if isinstance(body, dict) else body
            raise BotApiError(f"{method}: {description}")
        return body.get("result")

    async def download(self, file_path: str) -> bytes:
        """A file's bytes, from ``{api}/file/bot{token}/{file_path}`` (``getFile`` gives the path)."""
        url = f"{self.base_url}/file/bot{self.token}/{file_path}"
        try:
            async with self.session().get(url) as answer:
                if answer.status != 200:
                    raise BotApiError(f"download of {file_path}: HTTP {answer.status}")
                return await answer.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise BotApiError(f"download of {file_path}: {type(exc).__name__}: {exc}") from exc


def callback_data(button: Button) -> str:
    """The button's payload if it fits Telegram's 64 bytes, else its title (read by NLU)."""
    if fits(button.payload):
        return button.payload
    title = button.title
    while not fits(title, MAX_PAYLOAD_BYTES):
        title = title[:-1]
    return title


def keyboard(rows: list[list[Button]]) -> dict[str, Any] | None:
    rows = [row for row in rows if row]
    if not rows:
        return None
    return {"inline_keyboard": [[{"text": b.title, "callback_data": callback_data(b)} for b in row] for row in rows]}


def in_rows(buttons: list[Button], per_row: int = 2) -> list[list[Button]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def card_rows(block: CardsBlock) -> list[list[Button]]:
    """One row per product: "More like #n", "Why #n?", "Details #n"."""
    rows = []
    for card in block.cards:
        more, why, details = card.buttons
        rows.append([Button(f"More like #{card.rank}", more.payload), Button(f"Why #{card.rank}?", why.payload),
                     Button(f"Details #{card.rank}", details.payload)])
    return rows


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class TelegramOutput(TurnCollector):
    """Collects a turn's messages; ``flush`` draws them with Bot API calls. With ``auto_flush``
    (messages outside a user turn) each message is sent at once."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, api: BotApi, auto_flush: bool = False) -> None:
        super().__init__(auto_flush)
        self.api = api

    async def flush(self, recipient_id: str) -> None:
        """Draw everything collected so far (to the chat of ``telegram:<chat id>`` or of a bare
        chat id). A failed call is logged and the rest still sent."""
        chat_id = raw_id(TelegramInput.name(), recipient_id)
        messages, self.pending = self.pending, []
        blocks = plan_turn(messages)
        i = 0
        while i < len(blocks):
            block = blocks[i]
            try:
                if isinstance(block, CardsBlock):
                    await self.send_album(chat_id, block)
                    following = blocks[i + 1] if i + 1 < len(blocks) else None
                    if isinstance(following, TextBlock) and following.buttons:  # merge the quick replies
                        await self.send_text(chat_id, following.text or CHOOSE_TEXT,
                                             card_rows(block) + in_rows(following.buttons))
                        i += 1
                    else:
                        await self.send_text(chat_id, CHOOSE_TEXT, card_rows(block))
                elif isinstance(block, ImageBlock):
                    await self.api.call("sendPhoto", chat_id=chat_id, photo=block.url,
                                        caption=clip(block.caption, MAX_CAPTION) or None)
                else:
                    await self.send_text(chat_id, block.text or CHOOSE_TEXT, in_rows(block.buttons))
            except BotApiError as exc:
                logger.error("telegram: could not send to chat %s: %s", chat_id, exc)
            i += 1

    async def send_text(self, chat_id: str, text: str, rows: list[list[Button]]) -> None:
        await self.api.call("sendMessage", chat_id=chat_id, text=clip(text, MAX_TEXT), reply_markup=keyboard(rows))

    async def send_album(self, chat_id: str, block: CardsBlock) -> None:
        """The products as albums of up to ten photos, each captioned with its matched concepts."""
        cards = block.cards
        for start in range(0, len(cards), ALBUM_SIZE):
            chunk = cards[start:start + ALBUM_SIZE]
            if len(chunk) == 1:
                await self.api.call("sendPhoto", chat_id=chat_id, photo=chunk[0].image_url,
                                    caption=clip(chunk[0].caption, MAX_CAPTION))
                continue
            media = [{"type": "photo", "media": card.image_url, "caption": clip(card.caption, MAX_CAPTION)}
                     for card in chunk]
            await self.api.call("sendMediaGroup", chat_id=chat_id, media=media)


def largest_photo(message: dict[str, Any]) -> str | None:
    """The file id of a message's photo (its largest size) or of an image sent as a file."""
    photos = message.get("photo") or []
    if photos:
        return max(photos, key=lambda p: p.get("width", 0) * p.get("height", 0)).get("file_id")
    document = message.get("document") or {}
    if str(document.get("mime_type", "")).startswith("image/"):
        return document.get("file_id")
    return None


def update_problem(update: dict[str, Any]) -> str | None:
    """What makes an update unreadable (None when it is well-formed enough to handle)."""
    update_id = update.get("update_id")
    if update_id is not None and not (type(update_id) is int and 0 <= update_id <= MAX_UPDATE_ID):
        return "update_id must be a non-negative integer"
    for key in ("message", "callback_query"):
        if update.get(key) is not None and not isinstance(update[key], dict):
            return f"{key} must be an object"
    message = update.get("message") or (update.get("callback_query") or {}).get("message") or {}
    if not isinstance(message, dict) or not isinstance(message.get("chat") or {}, dict):
        return "message and chat must be objects"
    chat_id = (message.get("chat") or {}).get("id")
    if chat_id is not None and not (type(chat_id) is int and abs(chat_id) < MAX_CHAT_ID):
        return "chat.id must be an integer of at most 15 digits"
    if not isinstance(message.get("text", ""), str) or not isinstance(message.get("photo", []), list):
        return "message.text must be text and message.photo a list"
    return None


def command_text(text: str, username: str) -> str:
    """Telegram commands as bot payloads ("/start" greets); any other text as it is."""
    command, _, addressee = text.partition(" ")[0].partition("@")
    if command in COMMANDS and (not addressee or not username or addressee == username):
        return COMMANDS[command]
    return text


class TelegramInput(InputChannel):
    """Telegram webhook at ``/webhooks/telegram/webhook``."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(TelegramConfig.from_credentials(credentials))

    def __init__(self, config: TelegramConfig) -> None:
        self.config = config
        self.api = BotApi(config.token, config.api_url)
        self.seen_updates: OrderedDict[int, None] = OrderedDict()  # Telegram re-sends unanswered updates

    def get_output_channel(self) -> OutputChannel | None:
        return TelegramOutput(self.api, auto_flush=True) if self.config.token else None

    def authorized(self, request: Request) -> bool:
        sent = request.headers.get(SECRET_HEADER, "")
        return bool(sent) and hmac.compare_digest(sent.encode(), self.config.secret_token.encode())

    def first_time(self, update_id: Any) -> bool:
        if update_id is None:
            return True
        if update_id in self.seen_updates:
            return False
        self.seen_updates[update_id] = None
        while len(self.seen_updates) > 1000:
            self.seen_updates.popitem(last=False)
        return True

    async def register_webhook(self) -> None:
        """getMe (warns when the username differs from ``verify``), then setWebhook."""
        if not self.config.token:
            logger.info("telegram: no TELEGRAM_TOKEN, the channel is off")
            return
        try:
            me = await self.api.call("getMe")
            if self.config.verify and (me or {}).get("username") != self.config.verify:
                logger.warning("telegram: the token belongs to @%s, not @%s", (me or {}).get("username"),
                               self.config.verify)
            if self.config.webhook_url:
                await self.api.call("setWebhook", url=self.config.webhook_url, secret_token=self.config.secret_token,
                                    allowed_updates=["message", "callback_query"])
                logger.info("telegram: webhook set to %s", self.config.webhook_url)
        except BotApiError as exc:
            logger.error("telegram: could not register the webhook: %s", exc)

    def too_large(self, size: object) -> BotApiError | None:
        """The reply's reason when a photo of ``size`` bytes is over the engine's upload limit."""
        if isinstance(size, int) and size > self.config.max_upload:
            return BotApiError(PHOTO_TOO_LARGE.format(size=size / 1e6, limit=f"{self.config.max_upload / 1e6:g}"))
        return None

    async def image_id_of(self, file_id: str) -> str:
        """Download a Telegram file through the Bot API and upload it to the engine."""
        file = await self.api.call("getFile", file_id=file_id)
        if not isinstance(file, dict) or not isinstance(file.get("file_path"), str):
            raise BotApiError("Telegram gave no file")
        refused = self.too_large(file.get("file_size"))
        if refused:
            raise refused
        data = await self.api.download(file["file_path"])
        refused = self.too_large(len(data))
        if refused:
            raise refused
        form = aiohttp.FormData()
        form.add_field("file", data, filename=os.path.basename(file["file_path"]) or "photo.jpg",
                       content_type="application/octet-stream")
        try:
            async with self.api.session().post(f"{self.config.engine_url}/images", data=form) as answer:
                body = await answer.json(content_type=None)
        except (TimeoutError, OSError, aiohttp.ClientError, ValueError) as exc:  # OSError: a connection reset
            raise BotApiError(f"the search engine did not answer ({type(exc).__name__})") from exc
        if answer.status != 200 or not isinstance(body, dict) or "image_id" not in body:
            raise BotApiError(body.get("error") if isinstance(body, dict) else f"HTTP {answer.status}")
        return str(body["image_id"])

    async def handle_update(self, update: dict[str, Any],
                            on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """One update: a text, a photo or a button press becomes one user message."""
        callback = update.get("callback_query")
        message = update.get("message") or (callback or {}).get("message") or {}
        if (message.get("chat") or {}).get("id") is None:
            return
        chat_id = str(message["chat"]["id"])
        output = TelegramOutput(self.api)
        if callback:
            try:
                await self.api.call("answerCallbackQuery", callback_query_id=callback.get("id"))
            except BotApiError as exc:
                logger.warning("telegram: %s", exc)
            text = str(callback.get("data") or "")
        elif largest_photo(message):
            try:
                image_id = await self.image_id_of(largest_photo(message))
            except BotApiError as exc:
                await output.send_text(chat_id, PHOTO_FAILED_TEXT.format(reason=exc), [])
                return
            await output.send_text(chat_id, PHOTO_SEARCH_TEXT, [])
            text = payload("image_search", image_id=image_id)
        else:
            text = command_text(str(message.get("text") or "").strip(), self.config.verify)
        if not text:
            return
        sender = (callback or message).get("from") or {}
        metadata = {"telegram": {"chat_id": chat_id, "user_id": sender.get("id"), "username": sender.get("username"),
                                 "update_id": update.get("update_id")}}
        try:
            await on_new_message(UserMessage(text, output, sender_id(self.name(), chat_id), input_channel=self.name(),
                                             metadata=metadata))
        finally:
            await output.flush(chat_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message)
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            await self.register_webhook()

        @telegram_webhook.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            await self.api.close()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.config.token)})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.config.token:
                return response.json({"error": "the telegram channel has no TELEGRAM_TOKEN"}, status=503)
            if not self.authorized(request):
                return response.json({"error": f"missing or wrong {SECRET_HEADER}"}, status=403)
            try:
                update = json.loads(request.body or b"{}")
            except ValueError:
                return response.json({"error": "the update is not JSON"}, status=400)
            if not isinstance(update, dict):
                return response.json({"error": "the update is not a JSON object"}, status=400)
            problem = update_problem(update)
            if problem:
                return response.json({"error": problem}, status=400)
            if self.first_time(update.get("update_id")):
                try:
                    await self.handle_update(update, on_new_message)
                except Exception:  # answered 200 all the same: Telegram would re-send it forever
                    logger.exception("telegram: update %s failed", update.get("update_id"))
            return response.json({"ok": True})

        return telegram_webhook
