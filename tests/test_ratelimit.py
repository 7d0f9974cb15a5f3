"""The shared rate limit's slots, taken by several workers at once (each with its own
database handle, as separate processes have): never two slots closer than the limit's
interval, overall or per recipient, on SQLite and PostgreSQL. Slot times are the database's,
so the checks do not depend on how fast this machine is."""

from __future__ import annotations

import asyncio
import itertools

from bot.ratelimit import Limit, SharedLimiter, limits_from
from storage import ratelimit
from storage.db import Database
from tests.factories import make_settings

WORKERS = 3


async def _take(db: Database, *, interval: float, recipient: str | None,
                recipient_interval: float = 0.0) -> float:
    """A worker's loop: ask for a slot, wait while the recipient is busy; the slot's time."""
    while True:
        async with db.transaction() as s:
            slot = await ratelimit.take_slot(s, key="telegram", interval=interval,
                                             recipient_key=recipient,
                                             recipient_interval=recipient_interval)
        if slot.granted:
            return slot.at
        await asyncio.sleep(slot.delay)


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(sorted(times))]


async def test_overall_slots_are_spaced_across_workers(db_url):
    dbs = [Database(db_url) for _ in range(WORKERS)]
    try:
        slots = await asyncio.gather(*(_take(db, interval=0.05, recipient=f"telegram:{n}")
                                       for db in dbs for n in range(10)))
    finally:
        for db in dbs:
            await db.dispose()
    assert len(slots) == 30 and min(_gaps(slots)) >= 0.05 - 1e-6


async def test_one_recipients_slots_are_spaced_across_workers(db_url):
    dbs = [Database(db_url) for _ in range(WORKERS)]
    try:
        slots = await asyncio.gather(*(_take(db, interval=0.001, recipient="telegram:1",
                                             recipient_interval=0.06)
                                       for db in dbs for _ in range(4)))
    finally:
        for db in dbs:
            await db.dispose()
    assert len(slots) == 12 and min(_gaps(slots)) >= 0.06 - 1e-6


async def test_a_429_holds_every_worker_back(db_url):
    waits: list[float] = []

    async def note(delay: float) -> None:  # record the wait instead of waiting
        waits.append(delay)

    limits = {"telegram": Limit(0.001, 0.0), "robot": Limit(0.0, 3.0)}
    dbs = [Database(db_url) for _ in range(2)]
    try:
        await SharedLimiter(dbs[0], limits).hold("telegram", 5.0)  # retry_after=5 to worker 0
        await SharedLimiter(dbs[1], limits, sleep=note).acquire("telegram", "9")
    finally:
        for db in dbs:
            await db.dispose()
    assert waits and 4.0 < waits[0] <= 5.01


def test_limits_follow_the_settings(tmp_path):
    limits = limits_from(make_settings(tmp_path, "sqlite://", outbox_rate_per_second=25.0,
                                       outbox_per_chat_interval=1.0, robot_per_minute=20))
    assert limits["telegram"] == Limit(0.04, 1.0)
    # robots take their 20-a-minute turns themselves (bot.robots); our own pages and
    # terminals have no third party to be polite to
    assert limits["robot"] == limits["web"] == limits["console"] == Limit(0.0, 0.0)
