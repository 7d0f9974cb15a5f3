"""Shared fixtures: a fixed clock, a fresh migrated database per test (SQLite always,
PostgreSQL when reachable), and the app built by the real factory."""

from __future__ import annotations

import pytest

from tests.factories import (
    Clock,
    Inboxes,
    drop_pg_schema,
    fresh_pg_url,
    make_app,
    make_settings,
    migrated_sqlite,
    pg_reachable,
)

PG_SKIP = "PostgreSQL is not reachable on 127.0.0.1:5432 (set SERVICEBOT_TEST_PG to point elsewhere)"


@pytest.fixture
def clock() -> Clock:
    # Monday 23 November 2026, 10:00 in the center's time zone: a working day
    return Clock.local(2026, 11, 23, 10, 0)


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request, tmp_path):  # type: ignore[no-untyped-def]
    """Each test that uses it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield await migrated_sqlite(tmp_path / "db.sqlite3")
        return
    if not pg_reachable():
        pytest.skip(PG_SKIP)
    url, schema = await fresh_pg_url()
    from storage.db import Database

    db = Database(url)
    await db.upgrade()
    await db.dispose()
    try:
        yield url
    finally:
        await drop_pg_schema(schema)


@pytest.fixture
async def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return await migrated_sqlite(tmp_path / "db.sqlite3")


@pytest.fixture
def settings(tmp_path, sqlite_url):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path, sqlite_url)


@pytest.fixture
async def app(settings, clock):  # type: ignore[no-untyped-def]
    application = await make_app(settings, clock)
    yield application
    await application.close()


@pytest.fixture
def inboxes(app) -> Inboxes:  # type: ignore[no-untyped-def]
    box = Inboxes()
    app.attach_sender("console", box)
    return box


@pytest.fixture
async def app_on(db_url, tmp_path, clock):  # type: ignore[no-untyped-def]
    """The app on each database in turn (SQLite, then PostgreSQL when reachable)."""
    application = await make_app(make_settings(tmp_path, db_url), clock)
    yield application
    await application.close()
