"""Test building blocks: a controllable clock, database URLs, apps on fresh databases."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import App, create_app
from bot.channels.console import ConsoleChannel
from bot.settings import Settings, load_settings
from knowledge.loader import load_kb
from storage.db import Database

TZ = ZoneInfo("Asia/Shanghai")
PG_URL = os.environ.get("SERVICEBOT_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
_KB = None


def shipped_kb():  # type: ignore[no-untyped-def]
    """The shipped knowledge base, loaded (and its index built) once per test run."""
    global _KB
    if _KB is None:
        _KB = load_kb()
    return _KB


@dataclass
class Clock:
    """A clock tests can set and move; aware UTC like the real one."""

    now: datetime

    @classmethod
    def local(cls, year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> Clock:
        return cls(datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set_local(self, year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> None:
        self.now = datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def pg_reachable() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


async def fresh_pg_url() -> tuple[str, str]:
    """A new, empty schema on the test PostgreSQL; returns (url, schema)."""
    import asyncpg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = PG_URL.replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    return f"{PG_URL}?search_path={schema}", schema


async def drop_pg_schema(schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


_TEMPLATE: dict[str, Path] = {}


async def migrated_sqlite(path: Path) -> str:
    """A migrated SQLite file at `path`: migrations run once per test run, then the file is copied."""
    if "db" not in _TEMPLATE:
        template = Path(os.environ.get("PYTEST_TMPDIR", "/tmp")) / f"sb-template-{uuid.uuid4().hex}.sqlite3"
        db = Database(f"sqlite+aiosqlite:///{template}")
        await db.upgrade()
        await db.dispose()
        _TEMPLATE["db"] = template
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATE["db"], path)
    return f"sqlite+aiosqlite:///{path}"


def make_settings(tmp: Path, db_url: str, **overrides) -> Settings:  # type: ignore[no-untyped-def]
    base = dict(data_dir=str(tmp), database_url=db_url,
                staff=["console:staff", "console:staff2", "telegram:9001", "telegram:9002"],
                supervisors=["console:boss", "telegram:9100"],
                admins=["console:admin", "telegram:9900"],
                outbox_per_chat_interval=0.0, outbox_rate_per_second=1000.0,
                # off unless a test asks: it draws charts at every first scheduler tick
                weekly_report=False)
    base.update(overrides)
    return load_settings(env={}, **base)


async def make_app(settings: Settings, clock: Clock, *, migrate: bool = False) -> App:
    app = create_app(settings, kb=shipped_kb(), clock=clock)
    if migrate:
        await app.start()
    return app


class Console:
    """Drive the bot as one person through the console channel; collects pushed notices."""

    def __init__(self, app: App, user: str, name: str = "", lang: str | None = None) -> None:
        self.out: list[str] = []
        self.channel = ConsoleChannel(app, user_id=user, name=name or user, lang=lang,
                                      out=self.out.append)

    async def say(self, line: str):  # type: ignore[no-untyped-def]
        return await self.channel.say(line)

    async def text(self, line: str) -> str:
        replies = await self.say(line)
        return "\n".join(r.text for r in replies)


class Inboxes:
    """An outbox sender that records what each console user was pushed."""

    def __init__(self) -> None:
        self.sent: dict[str, list] = {}
        self.lock = asyncio.Lock()

    async def send(self, user_id: str, replies: list) -> None:  # type: ignore[type-arg]
        self.sent.setdefault(user_id, []).extend(replies)

    def texts(self, user_id: str) -> list[str]:
        return [r.text for r in self.sent.get(user_id, [])]

    def all_texts(self) -> list[str]:
        return [r.text for replies in self.sent.values() for r in replies]
