"""Engine, sessions and transactions for SQLite (embedded default) and PostgreSQL (production).

SQLite: WAL, a busy timeout, foreign keys on, and every transaction begun with
`BEGIN IMMEDIATE` — a deferred transaction that reads then writes can fail with SQLITE_BUSY at
once, ignoring the busy timeout.

Engines hide SQL parameters from their errors and logs (`hide_parameters`): a failed
statement's parameters are residents' phone numbers, names and complaints.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def _prepare_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def on_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def upsert(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The session's dialect's INSERT, which has `on_conflict_do_nothing/_update`."""
    return pg_insert if on_postgres(session) else sqlite_insert


def url_password(url: str) -> str | None:
    """The password in a database URL, if it has one and can be read."""
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        return None
    return str(password) if password else None


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """Create the async engine for a database URL; creates the SQLite file's folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        _prepare_sqlite(engine)
        return engine
    # `?search_path=schema` selects a PostgreSQL schema (asyncpg takes it as a server setting)
    connect_args = {}
    search_path = parsed.query.get("search_path")
    if search_path:
        parsed = parsed.difference_update_query(["search_path"])
        connect_args["server_settings"] = {"search_path": str(search_path)}
    return create_async_engine(parsed, pool_size=pool_size, max_overflow=pool_size,
                               pool_pre_ping=True, connect_args=connect_args,
                               hide_parameters=True)


T = TypeVar("T")

# A database that refuses connections, drops one, or is locked past the wait is a temporary
# fault: retried and reported in one line, never a traceback.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError)


def is_transient(exc: BaseException) -> bool:
    """A fault that goes away by itself: the connection refused, lost mid-statement (SQLAlchemy
    marks the connection invalidated) or timed out, the database locked."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, TRANSIENT_ERRORS)


def describe_error(exc: BaseException) -> str:
    """One line for a log: the error's kind and the first line of its message (no SQL, no
    parameters), e.g. `ConnectionRefusedError: [Errno 111] Connect call failed`."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip()
    first = text.splitlines()[0][:160] if text else ""
    return f"{type(inner).__name__}: {first}" if first else type(inner).__name__


class OutageLog:
    """Logs a background loop's database outage once when it starts and once when it ends,
    instead of a line (or a traceback) at every try."""

    def __init__(self, logger, what: str) -> None:  # type: ignore[no-untyped-def]
        self.logger, self.what, self.down = logger, what, False

    def failed(self, exc: BaseException, detail: str = "retrying") -> None:
        if not self.down:
            self.logger.warning("%s: database unavailable (%s); %s", self.what,
                                describe_error(exc), detail)
        self.down = True

    def ok(self) -> None:
        if self.down:
            self.logger.warning("%s: database reachable again", self.what)
        self.down = False

    async def attempt(self, job: Callable[[], Awaitable[T]], failure: str) -> T | None:
        """One round of the loop: `job`'s result, or None when it failed — an outage logged
        as above, any other error with its traceback under `failure`."""
        try:
            result = await job()
        except Exception as exc:  # the loop must outlive a database outage
            if is_transient(exc):
                self.failed(exc)
            else:
                self.logger.exception(failure)
            return None
        self.ok()
        return result


WRITER_WAIT = 30.0  # seconds an SQLite transaction may wait for its turn


class Database:
    """One engine and its session factory; `transaction()` is the unit of work of one update."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer: let transactions queue here, in order, rather than in
        # SQLite's busy handler, which sleeps up to 100 ms between tries
        self._writer = asyncio.Lock() if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        if self._writer is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with asyncio.timeout(WRITER_WAIT):
            await self._writer.acquire()
        try:
            async with self.sessions() as session, session.begin():
                yield session
        finally:
            self._writer.release()

    async def upgrade(self) -> None:
        from storage.migrate import upgrade

        await upgrade(self.engine)

    async def dispose(self) -> None:
        await self.engine.dispose()
