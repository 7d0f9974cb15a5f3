"""The python-telegram-bot `Application` around a `TelegramChannel`: the factory that
`servicebot run` (bot/serve.py) and the tests call, the handlers registered in one place,
and running it inside an existing event loop the way `run_polling` would."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from telegram.constants import UpdateType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.app import App
from bot.channels.telegram.app import TelegramChannel
from bot.channels.telegram.http import AiohttpRequest
from bot.channels.telegram.inbox import OrderedUpdateProcessor, StoringRequest
from domain.privacy import MaskingFilter

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [UpdateType.MESSAGE, UpdateType.EDITED_MESSAGE, UpdateType.CALLBACK_QUERY,
                   UpdateType.MY_CHAT_MEMBER]


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any],
                      channel: TelegramChannel) -> None:
    """Every handler, in order: the first matching one in the group handles an update."""
    # groups and channels first: nothing below is meant for them
    application.add_handler(ChatMemberHandler(channel.on_membership,
                                              ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(~filters.ChatType.PRIVATE & filters.UpdateType.MESSAGES,
                                           channel.on_group))
    # button presses (private chats; the channel checks the chat)
    application.add_handler(CallbackQueryHandler(channel.on_button))
    # everything a person sends one to one, edits included; commands too — the core router
    # knows them, unknown ones get a polite answer there
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGES,
                                           channel.on_message))
    application.add_error_handler(channel.on_error)


def build_telegram_application(app: App, *, migrate: bool = True,
                               ) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB Application for `app`, configured from its settings (token, base URLs,
    concurrency); not started. `migrate=False` skips the schema upgrade in post_init."""
    settings = app.services.settings
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    quiet_library_logs()
    channel = TelegramChannel(app, migrate=migrate)
    workers = max(1, settings.concurrent_updates)
    urls: dict[str, str] = {}
    if settings.telegram_base_url:
        urls["base_url"] = settings.telegram_base_url
    if settings.telegram_base_file_url:
        urls["base_file_url"] = settings.telegram_base_file_url
    bot: ExtBot[Any] = ExtBot(
        token=settings.telegram_bot_token.get_secret_value(),
        # each update in flight may answer a button and send at once; the outbox sends too
        request=AiohttpRequest(connection_pool_size=2 * workers + 16, pool_timeout=10.0),
        # stores each fetched batch before PTB confirms it (see inbox.py)
        get_updates_request=StoringRequest(channel.ledger, connection_pool_size=1,
                                           read_timeout=10.0),
        **urls,
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(OrderedUpdateProcessor(channel.ledger, workers))
        .job_queue(None)  # reminders and deadlines are database rows, not in-memory jobs
        .post_init(channel.post_init)
        .post_stop(channel.post_stop)
        .post_shutdown(channel.post_shutdown)
        .build()
    )
    application.bot_data["channel"] = channel
    register_handlers(application, channel)
    return application


@contextlib.asynccontextmanager
async def running(application: Application[Any, Any, Any, Any, Any, Any], *,
                  poll_timeout: int = 10, polling: bool = True,
                  ) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run the application inside an existing event loop (tests, benchmarks, webhook mode),
    with the same steps in the same order as `Application.run_polling`, and stop it
    gracefully on exit. `polling=False`: updates arrive through the webhook instead."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if polling:
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout,
                                                    allowed_updates=ALLOWED_UPDATES,
                                                    error_callback=_polling_error)
        await application.start()
        yield application
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def _polling_error(exc: TelegramError) -> None:
    """One line per failed fetch (PTB retries with backoff), not a traceback each time."""
    log.warning("getUpdates failed: %s", exc)


def quiet_library_logs() -> None:
    """httpx logs URLs with the bot token at INFO; PTB logs whole updates (phone numbers
    included) at DEBUG, SQLAlchemy and aiosqlite statement parameters at INFO/DEBUG: mask
    phone and ID numbers at the source, in every logger there is, whatever handler is
    installed."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    loggers = [logging.getLogger(name) for name in ("telegram", "aiosqlite", "asyncpg")]
    loggers += [lg for lg in logging.root.manager.loggerDict.values()
                if isinstance(lg, logging.Logger)]
    for logger in loggers:
        if not any(isinstance(f, MaskingFilter) for f in logger.filters):
            logger.addFilter(MaskingFilter())
