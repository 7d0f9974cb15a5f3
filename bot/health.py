"""`/healthz`, `/readyz` and `/metrics` on the bot's HTTP port (beside the webhooks).

- `/healthz`: the process is up and its event loop answers — restart it if not.
- `/readyz`: the database answers within 2 s, its schema is the code's, the outbox backlog
  and the oldest update still owed an answer are under their thresholds
  (`ready_max_outbox_backlog`, `ready_max_reply_age_seconds`), and the worker is not stopping
  — send it traffic only if so. The body says which check failed.
- `/metrics`: Prometheus text format (bot/metrics.py).

Meant for the proxy's and the orchestrator's checks on the private network: nginx in
`deploy/` does not route them to the internet.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot import metrics
from bot.app import App
from storage import health
from storage.migrate import current_revision, head_revision

log = logging.getLogger(__name__)

DB_TIMEOUT = 2.0


@dataclass
class Readiness:
    """What `/readyz` knows besides the database: whether this worker is stopping."""

    stopping: bool = False
    checks: dict[str, str] = field(default_factory=dict)


HEALTH_APP: web.AppKey[App] = web.AppKey("health_app")
READINESS: web.AppKey[Readiness] = web.AppKey("readiness")


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok\n")


async def check(app: App, readiness: Readiness) -> dict[str, str]:
    """Each check's verdict: "ok" or why not."""
    settings = app.services.settings
    out: dict[str, str] = {"stopping": "no" if not readiness.stopping else "stopping"}
    try:
        async with asyncio.timeout(DB_TIMEOUT):
            async with app.services.db.transaction() as session:
                await health.ping(session)
            current, head = await current_revision(app.services.db.engine), head_revision()
    except Exception as exc:  # down, refusing, or too slow: all mean "not ready"
        out["database"] = f"unreachable ({type(exc).__name__})"
        return out
    out["database"] = "ok"
    if current != head:
        out["migrations"] = f"schema at {current}, code needs {head}"
        return out
    out["migrations"] = "ok"
    try:
        async with asyncio.timeout(DB_TIMEOUT):
            async with app.services.db.transaction() as session:
                backlog = await metrics.refresh_db_gauges(
                    session, now=app.services.now(), today=app.services.today())
    except Exception as exc:
        out["database"] = f"queries fail ({type(exc).__name__})"
        return out
    out["outbox_backlog"] = ("ok" if backlog.due <= settings.ready_max_outbox_backlog
                             else f"{backlog.due} due > {settings.ready_max_outbox_backlog}")
    age = backlog.oldest_owed_reply_seconds
    out["oldest_owed_reply"] = ("ok" if age <= settings.ready_max_reply_age_seconds
                                else f"{age:.0f} s > {settings.ready_max_reply_age_seconds:g} s")
    return out


def _ready(checks: dict[str, str]) -> bool:
    return all(v in ("ok", "no") for v in checks.values())


async def readyz(request: web.Request) -> web.Response:
    checks = await check(request.app[HEALTH_APP], request.app[READINESS])
    body = "".join(f"{name}: {verdict}\n" for name, verdict in checks.items())
    return web.Response(status=200 if _ready(checks) else 503, text=body)


async def metrics_page(request: web.Request) -> web.Response:
    app = request.app[HEALTH_APP]
    try:
        async with asyncio.timeout(DB_TIMEOUT):
            async with app.services.db.transaction() as session:
                await metrics.refresh_db_gauges(session, now=app.services.now(),
                                                today=app.services.today())
    except Exception as exc:  # the process's own counters are still worth scraping
        log.warning("metrics: database gauges not refreshed (%s)", type(exc).__name__)
    resp = web.Response(body=metrics.exposition())
    resp.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return resp


def add_health_routes(web_app: web.Application, app: App,
                      readiness: Readiness | None = None) -> Readiness:
    readiness = readiness or Readiness()
    web_app[HEALTH_APP] = app
    web_app[READINESS] = readiness
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    web_app.router.add_get("/metrics", metrics_page)
    return readiness
