"""Prometheus metrics of one worker process (prometheus-client), served at `/metrics`.

Counters and histograms are updated where things happen (dispatcher, matcher, delivery,
scheduler); the database gauges — outbox backlog, open and overdue matters — are read when
`/metrics` is scraped (`refresh_db_gauges`), so every worker reports the same deployment-wide
figures and a scrape costs three small queries. One registry per process: run several workers
and Prometheus scrapes each (label them by instance), or sum them.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession

from storage import health

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter("servicebot_updates", "Updates handled, by channel and outcome "
                  "(answered, refused, repeat, db_unavailable, error)", ["channel", "outcome"],
                  registry=REGISTRY)
REPLY_SECONDS = Histogram("servicebot_reply_seconds", "Time from an update's arrival at the "
                          "dispatcher to its replies being ready", ["channel"], registry=REGISTRY,
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
MATCHES = Counter("servicebot_matcher", "Questions read by the matcher, by outcome "
                  "(confident, suggestions, none)", ["outcome"], registry=REGISTRY)
SENDS = Counter("servicebot_sends", "Outbox sends, by channel and result "
                "(sent, retry, rate_limited, failed, blocked)", ["channel", "result"],
                registry=REGISTRY)
SCHEDULER_RUNS = Counter("servicebot_scheduler_runs", "Scheduler rounds and what they queued, "
                         "by job (round, due_soon, overdue, digest)", ["job"], registry=REGISTRY)
OUTBOX_BACKLOG = Gauge("servicebot_outbox_backlog", "Outbox notices due and not yet sent, by "
                       "channel", ["channel"], registry=REGISTRY)
OUTBOX_OLDEST = Gauge("servicebot_outbox_oldest_due_seconds", "Age of the oldest due notice",
                      registry=REGISTRY)
OWED_REPLY = Gauge("servicebot_oldest_owed_reply_seconds", "Age of the oldest stored update not "
                   "yet handled", registry=REGISTRY)
MATTERS_OPEN = Gauge("servicebot_matters_open", "Open matters", registry=REGISTRY)
MATTERS_OVERDUE = Gauge("servicebot_matters_overdue", "Open matters past their deadline",
                        registry=REGISTRY)


def observe_match(result: Any, suggestion_floor: float = 0.35) -> None:
    """A matcher result: a confident answer, suggestions to pick from, or nothing."""
    if result.confident:
        MATCHES.labels("confident").inc()
    elif any(m.score >= suggestion_floor for m in result.matches):
        MATCHES.labels("suggestions").inc()
    else:
        MATCHES.labels("none").inc()


async def refresh_db_gauges(session: AsyncSession, *, now: Any, today: Any) -> health.Backlog:
    backlog = await health.backlog(session, now=now)
    OUTBOX_BACKLOG.clear()
    for channel, n in backlog.due_by_channel.items():
        OUTBOX_BACKLOG.labels(channel).set(n)
    OUTBOX_OLDEST.set(backlog.oldest_due_seconds)
    OWED_REPLY.set(backlog.oldest_owed_reply_seconds)
    opened, overdue = await health.matter_counts(session, today=today)
    MATTERS_OPEN.set(opened)
    MATTERS_OVERDUE.set(overdue)
    return backlog


def exposition() -> bytes:
    return generate_latest(REGISTRY)
