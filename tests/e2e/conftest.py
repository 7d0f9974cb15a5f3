"""End-to-end fixtures: the fake Bot API server and the real PTB Application polling it,
built by the project's own factories (make_settings, make_app, a fixed Clock).

    async def test_something(tg, bot):      # SQLite
        tg.send_text(RESIDENT, "低保怎么申请")
        card = await tg.wait_for(RESIDENT)

`bot_any_db` is the same on SQLite and PostgreSQL. `start_bot(tg, settings, clock)` starts
another Application (e.g. after a simulated crash) on the same database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.channels.telegram import build_telegram_application, running
from bot.channels.telegram.webhook import create_webhook_app
from bot.settings import Settings
from tests.e2e.webhook_client import SECRET
from tests.factories import Clock, make_app, make_settings
from tests.fake_telegram import FakeTelegram

RESIDENT = 1001
RESIDENT_2 = 1002
STAFF = 9001  # configured staff in make_settings (telegram:9001, telegram:9002)
STAFF_2 = 9002


@dataclass
class RunningBot:
    app: App
    application: Any  # telegram.ext.Application
    settings: Settings

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction on the bot's database, to check what was (not) written."""
        async with self.app.services.db.transaction() as session:
            yield session


def telegram_settings(tg: FakeTelegram, tmp: Path, db_url: str, **overrides: Any) -> Settings:
    return make_settings(tmp, db_url, telegram_bot_token=tg.token,
                         telegram_base_url=tg.base_url, telegram_base_file_url=tg.base_file_url,
                         concurrent_updates=16, **overrides)


@contextlib.asynccontextmanager
async def start_bot(tg: FakeTelegram, settings: Settings, clock: Clock,
                    ) -> AsyncIterator[RunningBot]:
    """The real Application polling the fake server; stopped gracefully on exit."""
    app = await make_app(settings, clock)
    application = build_telegram_application(app, migrate=False)
    async with running(application, poll_timeout=5):
        yield RunningBot(app, application, settings)


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 5.0) -> None:
    """Wait until an async check (e.g. a database state written after a send) holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not await check():
        if loop.time() > end:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.02)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def tg_settings(tg, tmp_path, sqlite_url) -> Settings:  # type: ignore[no-untyped-def]
    return telegram_settings(tg, tmp_path, sqlite_url)


@pytest.fixture
async def bot(tg, tg_settings, clock) -> AsyncIterator[RunningBot]:  # type: ignore[no-untyped-def]
    async with start_bot(tg, tg_settings, clock) as running_bot:
        yield running_bot


@pytest.fixture
async def bot_any_db(tg, tmp_path, db_url, clock) -> AsyncIterator[RunningBot]:  # type: ignore[no-untyped-def]
    """The bot on SQLite and on PostgreSQL (when reachable)."""
    async with start_bot(tg, telegram_settings(tg, tmp_path, db_url), clock) as running_bot:
        yield running_bot


@pytest.fixture
async def hook(tg, tg_settings, clock):  # type: ignore[no-untyped-def]
    """The bot in webhook mode: a test client of its endpoint, and the app behind it."""
    app = await make_app(tg_settings, clock)
    application = build_telegram_application(app, migrate=False)
    server = TestServer(create_webhook_app(application, secret=SECRET))
    async with running(application, polling=False), TestClient(server) as client:
        yield client, app
