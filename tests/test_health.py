"""/healthz, /readyz and /metrics on the bot's HTTP port, and JSON logs: what an operator's
checks and scrapes see, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.cli import log_formatter
from bot.health import Readiness, add_health_routes
from domain.messages import Reply
from domain.privacy import MaskingFilter
from storage import inbox, outbox
from storage.db import Database
from tests.factories import Console, make_app, make_settings


@pytest.fixture
async def probe(db_url, tmp_path, clock):  # type: ignore[no-untyped-def]
    app = await make_app(make_settings(tmp_path, db_url, ready_max_outbox_backlog=3,
                                       ready_max_reply_age_seconds=60), clock)
    web_app = web.Application()
    readiness = add_health_routes(web_app, app)
    async with TestClient(TestServer(web_app)) as client:
        yield client, app, readiness
    await app.close()


async def _get(client: TestClient, path: str) -> tuple[int, str]:
    resp = await client.get(path)
    return resp.status, await resp.text()


async def test_a_fresh_deployment_is_alive_and_ready(probe):
    client, _, _ = probe
    assert await _get(client, "/healthz") == (200, "ok\n")
    status, body = await _get(client, "/readyz")
    assert status == 200, body
    assert "database: ok" in body and "migrations: ok" in body


async def test_an_outbox_backlog_over_the_threshold_is_not_ready(probe, clock):
    client, app, _ = probe
    async with app.services.db.transaction() as s:
        for n in range(4):
            await outbox.enqueue(s, channel="telegram", user_id=str(n), replies=[Reply("hi")],
                                 kind="notice", now=clock())
    status, body = await _get(client, "/readyz")
    assert status == 503 and "outbox_backlog: 4 due > 3" in body


async def test_an_update_owed_a_reply_too_long_is_not_ready(probe, clock):
    client, app, _ = probe
    async with app.services.db.transaction() as s:
        await inbox.store_many(s, channel="telegram", now=clock() - timedelta(seconds=30),
                               updates=[("1", {"update_id": 1})])
    assert (await _get(client, "/readyz"))[0] == 200  # half a minute: still fine
    clock.advance(minutes=1)
    status, body = await _get(client, "/readyz")
    assert status == 503 and "oldest_owed_reply: 90 s > 60 s" in body


async def test_a_stopping_worker_is_not_ready(probe):
    client, _, readiness = probe
    readiness.stopping = True
    status, body = await _get(client, "/readyz")
    assert status == 503 and "stopping: stopping" in body
    assert (await _get(client, "/healthz"))[0] == 200  # alive, just draining


async def test_an_unreachable_database_is_not_ready(probe):
    client, app, _ = probe
    real = app.services.db
    app.services.db = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        status, body = await _get(client, "/readyz")
    finally:
        await app.services.db.dispose()
        app.services.db = real
    assert status == 503 and "database: unreachable" in body
    assert (await _get(client, "/metrics"))[0] == 200  # the process's counters still scrape


async def test_a_database_not_migrated_is_not_ready(tmp_path, clock):
    app = await make_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/empty.db"),
                         clock)
    web_app = web.Application()
    add_health_routes(web_app, app, Readiness())
    try:
        async with TestClient(TestServer(web_app)) as client:
            status, body = await _get(client, "/readyz")
    finally:
        await app.close()
    assert status == 503 and "migrations: schema at None, code needs" in body


async def test_metrics_count_updates_matches_sends_and_the_backlog(probe, clock):
    client, app, _ = probe
    resident = Console(app, "resident-m")
    await resident.say("孩子刚出生要上户口带什么")
    await resident.say("/nosuchcommand")
    async with app.services.db.transaction() as s:
        await outbox.enqueue(s, channel="telegram", user_id="77", replies=[Reply("hi")],
                             kind="notice", now=clock())
    status, text = await _get(client, "/metrics")
    assert status == 200
    lines = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
             for line in text.splitlines() if line and not line.startswith("#")}
    assert lines['servicebot_updates_total{channel="console",outcome="answered"}'] >= 2
    assert lines['servicebot_matcher_total{outcome="confident"}'] >= 1
    assert lines['servicebot_outbox_backlog{channel="telegram"}'] == 1
    assert lines['servicebot_reply_seconds_count{channel="console"}'] >= 2
    assert lines["servicebot_matters_open"] == 0 and lines["servicebot_matters_overdue"] == 0


def test_json_logs_are_one_object_per_line_with_numbers_masked():
    record = logging.LogRecord("bot.x", logging.WARNING, __file__, 1,
                               "resident %s called from %s", ("110101199001011234",
                                                               "13812345678"), None)
    assert MaskingFilter().filter(record)
    line = log_formatter("json").format(record)
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "bot.x"
    assert data["message"] == "resident 110101********1234 called from 138****5678"
    assert "13812345678" not in line
