"""The web chat on aiohttp: the page, its socket, its files, its scripts (all served here —
no CDN), mounted on the same application as the webhooks.

    GET /chat           the page; sets the visitor cookie (HttpOnly) on a first visit
    GET /chat/ws        the WebSocket: history on open, messages both ways, pushes live
    GET /chat/f/TOKEN   a document or picture sent to this visitor (and no one else)
    GET /chat/static/…  chat.js, chat.css

Refused: a socket without the visitor cookie or from a page of another site (Origin), a
frame over 8 KiB, a binary frame (closed); a message that is not what the page sends, too
long, or too fast (a polite answer, nothing handled).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.app import App
from bot.channels.files import file_gone, file_response
from bot.channels.web.channel import CHANNEL, MAX_TEXT, WebChannel
from bot.channels.web.security import (
    COOKIE,
    COOKIE_MAX_AGE,
    RateLimiter,
    new_token,
    origin_allowed,
    visitor_id,
)
from bot.core import Event
from bot.i18n import locale_for
from bot.textsplit import plain_text

log = logging.getLogger(__name__)

PREFIX = "/chat"
MAX_FRAME = 8 * 1024  # bytes of one socket message; a question is a few hundred
STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"chat.js": "application/javascript", "chat.css": "text/css"}
BURST = 20  # messages at once (ticking a long checklist quickly), then the per-minute rate
PAGES_PER_VISITOR = 8  # open sockets per visitor (tabs); more are refused
CHANNEL_KEY = web.AppKey("web_channel", WebChannel)
LIMITER = web.AppKey("web_limiter", RateLimiter)
WEB_APP = web.AppKey("web_app", App)
SOCKETS = web.AppKey("web_sockets", set)
_COMMAND = re.compile(r"[a-z]{1,32}")
_env = Environment(loader=FileSystemLoader(str(STATIC)), autoescape=select_autoescape(default=True))
PAGE_LABELS = ("web.title", "web.subtitle", "web.placeholder", "web.send", "web.large_text",
               "web.normal_text", "web.connecting", "web.offline", "web.you", "web.bot",
               "web.open_file", "web.menu", "web.new_messages", "web.log_label",
               "web.too_long", "web.too_fast", "web.not_understood", "web.lang_switch")


def _label(app: App, lang: str, key: str, **params: Any) -> str:
    return plain_text(app.services.renderer.label(lang, key, **params))


def page_labels(app: App, lang: str) -> dict[str, str]:
    return {key.removeprefix("web."): _label(app, lang, key, limit=MAX_TEXT)
            for key in PAGE_LABELS}


def _visitor(request: web.Request) -> str | None:
    return visitor_id(request.cookies.get(COOKIE))


def _secure(request: web.Request) -> bool:
    public = request.app[WEB_APP].services.settings.web_public_url or ""
    return request.secure or public.startswith("https://")


async def page(request: web.Request) -> web.Response:
    """The chat page, in the visitor's language (their choice, else the browser's)."""
    app = request.app[WEB_APP]
    channel = request.app[CHANNEL_KEY]
    token = request.cookies.get(COOKIE)
    user_id = visitor_id(token)
    fallback = locale_for(request.headers.get("Accept-Language", "")[:2]) \
        if request.headers.get("Accept-Language") else app.services.settings.default_language
    lang = fallback
    if user_id is not None:
        with contextlib.suppress(Exception):  # the page still opens with the database down
            lang = await channel.language(user_id, fallback)
    labels = page_labels(app, lang)
    body = _env.get_template("page.html").render(
        lang=lang, labels=labels,
        labels_json=json.dumps(labels, ensure_ascii=False).replace("<", "\\u003c"))
    response = web.Response(text=body, content_type="text/html", charset="utf-8",
                            headers=_page_headers(request))
    if user_id is None:
        response.set_cookie(COOKIE, new_token(), max_age=COOKIE_MAX_AGE, path=PREFIX,
                            httponly=True, samesite="Lax", secure=_secure(request))
    return response


def _page_headers(request: web.Request) -> dict[str, str]:
    return {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'self'"),
    }


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        raise web.HTTPNotFound()
    return web.Response(body=(STATIC / name).read_bytes(), content_type=STATIC_FILES[name],
                        charset="utf-8", headers={"Cache-Control": "no-cache",
                                                  "X-Content-Type-Options": "nosniff"})


async def linked_file(request: web.Request) -> web.Response:
    user_id = _visitor(request)
    token = request.match_info["token"]
    channel = request.app[CHANNEL_KEY]
    found = await channel.file(user_id, token) if user_id and len(token) <= 64 else None
    if found is None:
        app = request.app[WEB_APP]
        return file_gone(_label(app, app.services.settings.default_language, "web.file_gone"))
    return file_response(found)


async def socket(request: web.Request) -> web.StreamResponse:
    app = request.app[WEB_APP]
    settings = app.services.settings
    user_id = _visitor(request)
    if user_id is None:
        log.warning("web chat socket refused: no visitor cookie")
        return web.Response(status=401, text="no visitor cookie: open the chat page first")
    allowed = (settings.web_public_url,) if settings.web_public_url else ()
    if not origin_allowed(request.headers.get("Origin"), request.host, allowed):
        log.warning("web chat socket refused: origin %r", request.headers.get("Origin", "")[:80])
        return web.Response(status=403, text="origin not allowed")
    channel = request.app[CHANNEL_KEY]
    if len(channel.pages.get(user_id, ())) >= PAGES_PER_VISITOR:
        return web.Response(status=429, text="too many pages open")
    ws = web.WebSocketResponse(max_msg_size=MAX_FRAME, heartbeat=30.0)
    await ws.prepare(request)
    request.app[SOCKETS].add(ws)
    lock = asyncio.Lock()

    async def push(frame: dict[str, Any]) -> None:
        async with lock:
            await ws.send_json(frame, dumps=_dumps)

    fallback = locale_for(request.query.get("lang")) if request.query.get("lang") \
        else settings.default_language
    after = request.query.get("after", "0")
    try:
        async with lock:  # pushes that come meanwhile wait, then follow the history
            channel.opened(user_id, push)
            await ws.send_json({"type": "history", "messages": await channel.history(
                user_id, after=int(after) if after.isdigit() else 0)}, dumps=_dumps)
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break  # binary frames, errors (a frame over the limit closes with 1009)
            lang = await channel.language(user_id, fallback)
            answer = await _frame(request, user_id, msg.data, lang)
            if answer is not None:
                await push({"type": "notice", "text": _label(app, lang, answer, limit=MAX_TEXT)})
    finally:
        channel.closed(user_id, push)
        request.app[SOCKETS].discard(ws)
    return ws


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


async def _frame(request: web.Request, user_id: str, data: str, lang: str) -> str | None:
    """Handle one frame from the page; the label of a polite refusal, or None."""
    try:
        frame = json.loads(data)
    except ValueError:
        return "web.not_understood"
    if not isinstance(frame, dict):
        return "web.not_understood"
    kind = frame.get("type")
    if kind == "ping":
        return None
    limiter = request.app[LIMITER]
    if not limiter.allow(user_id, time.monotonic()):
        return "web.too_fast"
    channel = request.app[CHANNEL_KEY]
    common = dict(channel=CHANNEL, user_id=user_id, language_code=lang)
    if kind == "text":
        text = frame.get("text")
        if not isinstance(text, str) or not text.strip():
            return "web.not_understood"
        text = text.strip()
        if len(text) > MAX_TEXT:
            return "web.too_long"
        if text.startswith("/") and len(text) > 1:
            cmd, _, args = text[1:].partition(" ")
            event = Event(kind="command", command=cmd.lower(), args=args.strip(), **common)
        else:
            event = Event(kind="text", text=text, **common)
        await channel.receive(user_id, event, shown=text)
        return None
    if kind == "command":  # the page's own buttons (menu, language): no bubble
        command, args = frame.get("command"), frame.get("args", "")
        if not isinstance(command, str) or not _COMMAND.fullmatch(command) or \
                not isinstance(args, str) or len(args) > 64:
            return "web.not_understood"
        await channel.receive(user_id, Event(kind="command", command=command, args=args,
                                             **common))
        return None
    if kind == "choice":
        choice, pressed = frame.get("data"), frame.get("message")
        if not isinstance(choice, str) or not choice or len(choice) > 64 or \
                not (pressed is None or (isinstance(pressed, int) and pressed > 0)):
            return "web.not_understood"
        await channel.receive(user_id, Event(kind="choice", choice=choice, **common),
                              pressed=pressed)
        return None
    return "web.not_understood"


async def _resources(web_app: web.Application, *, migrate: bool, deliver: bool,
                     sweep: bool) -> AsyncIterator[None]:
    app = web_app[WEB_APP]
    if migrate:
        await app.start()
    channel = WebChannel(app)
    web_app[CHANNEL_KEY] = channel
    worker = app.attach_sender(CHANNEL, channel)
    stop = asyncio.Event()
    tasks = []
    if sweep:
        tasks.append(asyncio.create_task(channel.run_sweeps(stop), name="web-sweeps"))
    if deliver:
        tasks.append(asyncio.create_task(worker.run(stop, poll=1.0), name="web-outbox"))
    try:
        yield
    finally:
        stop.set()
        while not all(task.done() for task in tasks):
            worker.wake()
            await asyncio.wait(tasks, timeout=0.05)
        await asyncio.gather(*tasks, return_exceptions=True)
        app.senders.pop(CHANNEL, None)
        if app.delivery is not None:
            app.delivery.senders.pop(CHANNEL, None)


async def _on_shutdown(web_app: web.Application) -> None:
    """Close open pages so the server stops at once (they reconnect to the next one)."""
    for ws in list(web_app[SOCKETS]):
        with contextlib.suppress(Exception):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")


def add_web_chat(web_app: web.Application, app: App, *, migrate: bool = True,
                 deliver: bool = True, sweep: bool = True) -> web.Application:
    """Mount the web chat on `web_app` (the webhooks' application, or a new one).
    `deliver=False` leaves the outbox worker to whoever runs it in this process."""
    settings = app.services.settings
    per_minute = max(1, settings.web_rate_per_minute)
    web_app[WEB_APP] = app
    web_app[SOCKETS] = set()
    web_app[LIMITER] = RateLimiter(rate=per_minute / 60.0, burst=min(BURST, per_minute))
    web_app.cleanup_ctx.append(partial(_resources, migrate=migrate, deliver=deliver,
                                       sweep=sweep))
    web_app.on_shutdown.append(_on_shutdown)
    web_app.router.add_get("/", _to_chat)
    web_app.router.add_get(PREFIX, _to_chat)
    web_app.router.add_get(PREFIX + "/", page)
    web_app.router.add_get(PREFIX + "/ws", socket)
    web_app.router.add_get(PREFIX + "/f/{token}", linked_file)
    web_app.router.add_get(PREFIX + "/static/{name}", static)
    return web_app


async def _to_chat(request: web.Request) -> web.Response:
    raise web.HTTPFound(PREFIX + "/")


def create_web_app(app: App, **kwargs: Any) -> web.Application:
    return add_web_chat(web.Application(client_max_size=64 * 1024), app, **kwargs)
