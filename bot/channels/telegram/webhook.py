"""Telegram webhook mode: an aiohttp endpoint Telegram POSTs updates to.

Every request must carry the secret token set with `setWebhook` in the
`X-Telegram-Bot-Api-Secret-Token` header (compared in constant time); anything else — a
forged or replayed-from-elsewhere request, a huge or malformed body — is refused with a 4xx
and changes nothing. An accepted update is stored in the inbox *before* the 200 goes back,
so Telegram's acknowledgement never covers an update that could be lost (if it cannot be
stored the answer is 503, and Telegram sends it again later); a repeat of an
update (Telegram retries non-2xx answers) is dropped by the same ledger as in polling mode.
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.channels.telegram.inbox import InboxUnavailable
from bot.channels.telegram.update_body import BadUpdate, read_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what the Bot API accepts
MAX_BODY = 1 << 20  # an update is a few KiB; a megabyte is generous
TELEGRAM_APP: web.AppKey[Application[Any, Any, Any, Any, Any, Any]] = web.AppKey("telegram")
SECRET: web.AppKey[str] = web.AppKey("telegram_secret")


def valid_secret(secret: str | None) -> bool:
    return bool(secret) and SECRET_PATTERN.fullmatch(secret or "") is not None


async def receive_update(request: web.Request) -> web.Response:
    """POST /telegram: check, store, queue, acknowledge."""
    secret = request.app[SECRET]
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("webhook request without the right secret token refused")
        return web.Response(status=403, text="forbidden")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return web.Response(status=413, text="too large")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return web.Response(status=413, text="too large")
    try:
        data = read_update(body)
    except BadUpdate as exc:
        return web.Response(status=400, text=str(exc))
    application = request.app[TELEGRAM_APP]
    try:
        update = Update.de_json(data, application.bot)
    except Exception:  # PTB raises various errors on shapes it cannot read
        return web.Response(status=400, text="not an update")
    channel = application.bot_data["channel"]
    try:
        await channel.ledger.admit([data])  # durable before Telegram hears "200"
    except InboxUnavailable:
        # not stored, so not acknowledged: Telegram sends it again later
        return web.Response(status=503, text="try again later")
    await application.update_queue.put(update)
    return web.Response(text="ok")


def add_webhook(web_app: web.Application,
                application: Application[Any, Any, Any, Any, Any, Any], *, secret: str,
                path: str = "/telegram") -> None:
    """Serve the webhook at `path` of `web_app` (which may serve other channels too)."""
    if not valid_secret(secret):
        raise ValueError("the webhook secret must be 1-256 characters of A-Z a-z 0-9 _ -")
    web_app[TELEGRAM_APP] = application
    web_app[SECRET] = secret
    web_app.router.add_post(path, receive_update)


def create_webhook_app(application: Application[Any, Any, Any, Any, Any, Any], *, secret: str,
                       path: str = "/telegram") -> web.Application:
    """An aiohttp application serving only the webhook (tests call this factory too)."""
    web_app = web.Application(client_max_size=MAX_BODY)
    add_webhook(web_app, application, secret=secret, path=path)
    return web_app
