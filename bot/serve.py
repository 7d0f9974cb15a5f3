"""`servicebot run`: every configured channel in one process, sharing one outbox worker.

- Telegram: long polling, or the webhook when `telegram_webhook_url` is set;
- WeChat: the webhook when `wechat_token` is set;
- the web chat (`/chat`, unless `web_chat` is false): with no token at all, the embedded
  default a resident can use in a browser;
- all on one aiohttp server (`http_host:http_port`), behind an HTTPS proxy.
`servicebot console` is the terminal channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import urlparse

from aiohttp import web

from bot.app import App, create_app
from bot.health import Readiness, add_health_routes
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)
T = TypeVar("T")
HTTP_SHUTDOWN_TIMEOUT = 3.0  # seconds requests in progress get when stopping


def channels_configured(settings: Settings) -> bool:
    return bool(settings.telegram_bot_token or settings.wechat_token)


def _webhook_secret(settings: Settings) -> str:
    secret = settings.telegram_webhook_secret
    return secret.get_secret_value() if secret else ""


def _webhook_path(settings: Settings) -> str:
    from bot.channels.telegram.webhook import valid_secret

    url = urlparse(settings.telegram_webhook_url or "")
    if url.scheme != "https" or not url.netloc:
        raise SettingsError("telegram_webhook_url must be an https:// URL Telegram can reach")
    if not valid_secret(_webhook_secret(settings)):
        raise SettingsError("telegram_webhook_secret must be 1-256 characters of "
                            "A-Z a-z 0-9 _ - (Telegram sends it back with every update)")
    return url.path or "/telegram"


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    """Run until SIGINT/SIGTERM (or `stop` is set); returns the exit status.

    Stopping is graceful (`deploy/` gives it 10 s): `/readyz` turns 503 and the HTTP server
    stops accepting (requests in progress finish, their updates stored and queued), then PTB
    handles what is queued and in flight, and the outbox worker stops — notices waiting for a
    send slot are handed back (their leases released) for another worker or the next start."""
    webhook_path = _webhook_path(settings) if settings.telegram_webhook_url else None
    app = create_app(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    runner: web.AppRunner | None = None
    readiness = Readiness()
    try:
        telegram = _telegram(app) if settings.telegram_bot_token else None
        web_app = _web_app(app, settings, telegram, webhook_path)
        if settings.web_chat:
            from bot.channels.web import add_web_chat

            web_app = add_web_chat(web_app or web.Application(client_max_size=64 * 1024), app,
                                   migrate=not settings.wechat_token,
                                   deliver=telegram is None and not _wechat_delivers(settings))
        runner = await _start_http(app, settings, web_app, readiness)
        if runner is not None and settings.web_chat:
            print(f"web chat: open {chat_url(settings)} in a browser", flush=True)
        if telegram is None:
            await stop.wait()
            readiness.stopping = True
            return 0
        from bot.channels.telegram import ALLOWED_UPDATES, running

        async with running(telegram, poll_timeout=30, polling=webhook_path is None):
            if webhook_path is not None:
                await telegram.bot.set_webhook(
                    url=settings.telegram_webhook_url, secret_token=_webhook_secret(settings),
                    allowed_updates=ALLOWED_UPDATES, max_connections=40)
                log.info("Telegram webhook set to %s", settings.telegram_webhook_url)
            else:
                log.info("polling Telegram (%d concurrent updates)", settings.concurrent_updates)
            await stop.wait()
            log.info("stopping: no new updates; finishing those in flight")
            readiness.stopping = True
            if runner is not None:  # stop taking updates before PTB stops handling them
                await runner.cleanup()
                runner = None
        log.info("stopped")
        return 0
    finally:
        if runner is not None:
            await runner.cleanup()
        await app.close()


def _wechat_delivers(settings: Settings) -> bool:
    """Whether the WeChat webhook runs the process's outbox worker (it can push only with
    the app id and secret)."""
    return bool(settings.wechat_token and settings.wechat_app_id and settings.wechat_app_secret)


def chat_url(settings: Settings) -> str:
    if settings.web_public_url:
        return settings.web_public_url.rstrip("/") + "/chat/"
    host = settings.http_host
    host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.http_port}/chat/"


async def _start_http(app: App, settings: Settings, web_app: web.Application | None,
                      readiness: Readiness) -> web.AppRunner | None:
    """The webhooks (if any) and /healthz, /readyz, /metrics on http_host:http_port. Without
    a webhook the port only serves health and metrics: if it is taken, run without them."""
    serving_webhooks = web_app is not None
    web_app = web_app or web.Application()
    add_health_routes(web_app, app, readiness)
    # no access log: WeChat file links carry their token in the path
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=HTTP_SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
    except OSError as exc:
        await runner.cleanup()
        if serving_webhooks:
            raise
        log.warning("health and metrics not served: %s:%s is not available (%s)",
                    settings.http_host, settings.http_port, exc.strerror or exc)
        return None
    log.info("%s on http://%s:%s (%s)", "webhooks" if serving_webhooks else "health and metrics",
             settings.http_host, settings.http_port, ", ".join(_routes(web_app)))
    return runner


def _telegram(app: App) -> Any:
    from bot.channels.telegram import build_telegram_application

    return build_telegram_application(app)


def _web_app(app: App, settings: Settings, telegram: Any,
             webhook_path: str | None) -> web.Application | None:
    web_app = None
    if settings.wechat_token:
        from bot.channels.wechat import create_wechat_app

        # with Telegram in the process, its lifecycle runs the one outbox worker
        web_app = create_wechat_app(app, deliver=telegram is None)
    if telegram is not None and webhook_path is not None:
        from bot.channels.telegram.webhook import MAX_BODY, add_webhook

        web_app = web_app or web.Application(client_max_size=MAX_BODY)
        add_webhook(web_app, telegram, secret=_webhook_secret(settings),
                    path=webhook_path)
    return web_app


def _routes(web_app: web.Application) -> list[str]:
    return sorted({r.resource.canonical for r in web_app.router.routes() if r.resource})


# aiosqlite runs every SQLite call on a worker thread, which must win the GIL back from the
# busy event loop; at Python's default 5 ms switch interval each of a transaction's hand-offs
# can wait that long while the transaction holds SQLite's single write lock. Measured with
# bench/e2e_bench.py at ~160 updates/s: p95 1.6-1.9 s at 5 ms, 96-106 ms at 1 ms.
SQLITE_SWITCH_INTERVAL = 0.001


def prepare_process(settings: Settings) -> None:
    """Process-wide tuning for the bot's database."""
    if settings.is_sqlite:
        sys.setswitchinterval(SQLITE_SWITCH_INTERVAL)


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run the bot's event loop: uvloop where it is installed (Linux, macOS) — the bot is a
    loop of small socket and database hand-offs, and uvloop does those with less CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def run(settings: Settings) -> int:
    prepare_process(settings)
    try:
        return run_loop(serve(settings))
    except SettingsError as exc:
        print(f"servicebot: {exc}", file=sys.stderr)
        return 2
