"""Benchmark of booking through the core: 200 residents confirming bookings at once.

    python bench/booking_bench.py [--residents 200] [--per-resident 3] [--pg URL | --no-pg]

For SQLite (a fresh file) and PostgreSQL (a fresh schema, when reachable) it runs two
scenarios through `app.handle` — the same dispatcher, one transaction per update, as in
production:

  spread  every resident confirms `--per-resident` bookings of different items at random
          free-looking times (sequentially per resident, all residents concurrently);
  hot     every resident confirms the same time of one item (capacity 3).

and prints a table (attempts, booked, told "full", wall time, attempts/s, bookings/s) and a
proof line per database from a query over all slots: no slot holds more than its capacity,
and every slot's counter equals the bookings that hold a place in it. For reading, not CI.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bot.app import App, create_app  # noqa: E402
from bot.core import Event  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from domain.slots import time_token  # noqa: E402
from handlers.booking_target import schedule_for  # noqa: E402
from knowledge.loader import load_kb  # noqa: E402
from storage import bookings  # noqa: E402
from storage.models import Slot  # noqa: E402
from storage.people import get_or_create_resident  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ).astimezone(UTC)  # a Monday morning
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
HOT_ITEM = "birth-registration"


@dataclass
class Row:
    db: str
    scenario: str
    attempts: int
    booked: int
    full: int
    seconds: float

    def line(self) -> str:
        return (f"| {self.db} | {self.scenario} | {self.attempts} | {self.booked} | {self.full} | "
                f"{self.seconds:.2f} | {self.attempts / self.seconds:.0f} | "
                f"{self.booked / self.seconds:.0f} |")


async def _prepare(app: App, residents: int) -> None:
    """Residents known from earlier visits (name and phone remembered), created up front."""
    async with app.services.db.transaction() as s:
        for n in range(residents):
            person, _ = await get_or_create_resident(s, channel="bench", user_id=f"u{n}", now=NOW)
            person.real_name, person.phone = f"居民{n}", f"139{n:08d}"


def _confirm(user: int, item: str, token: str) -> Event:
    return Event(channel="bench", user_id=f"u{user}", kind="choice",
                 choice=f"book:ok:{item}:{token}")


def _outcome(replies: list) -> str:  # type: ignore[type-arg]
    text = replies[0].text if replies else ""
    if "预约成功" in text:
        return "booked"
    if "约满" in text:
        return "full"
    return "other"


async def _run(app: App, events_per_user: list[list[Event]]) -> tuple[dict[str, int], float]:
    tally = {"booked": 0, "full": 0, "other": 0}

    async def resident(events: list[Event]) -> None:
        for event in events:
            tally[_outcome(await app.handle(event))] += 1

    start = time.perf_counter()
    await asyncio.gather(*(resident(evs) for evs in events_per_user))
    return tally, time.perf_counter() - start


async def bench_db(name: str, url: str, tmp: Path, residents: int, per_resident: int,
                   seed: int) -> tuple[list[Row], str]:
    settings = load_settings(env={}, data_dir=str(tmp), database_url=url, slot_capacity=3,
                             max_active_bookings=per_resident + 1)
    app = create_app(settings, kb=load_kb(), clock=lambda: NOW)
    await app.start(migrate=True)
    try:
        await _prepare(app, residents)
        rng = random.Random(seed)
        items = [it for it in app.services.kb.items if it.appointment and it.id != HOT_ITEM]
        spread = []
        for user in range(residents):
            events = []
            for item in rng.sample(items, per_resident):
                _, schedule = schedule_for(app.services, item)
                at = rng.choice(schedule.offerable(NOW))
                events.append(_confirm(user, item.id, time_token(at, TZ)))
            spread.append(events)
        rows = []
        tally, secs = await _run(app, spread)
        rows.append(Row(name, f"spread ({per_resident} each)", sum(tally.values()),
                        tally["booked"], tally["full"], secs))
        hot_at = schedule_for(app.services, app.services.kb.get(HOT_ITEM))[1].offerable(NOW)[0]
        hot = [[_confirm(u, HOT_ITEM, time_token(hot_at, TZ))] for u in range(residents)]
        tally, secs = await _run(app, hot)
        rows.append(Row(name, "hot slot (capacity 3)", sum(tally.values()), tally["booked"],
                        tally["full"], secs))
        async with app.services.db.transaction() as s:
            violations = await bookings.capacity_violations(s)
            slots = await s.scalar(select(func.count()).select_from(Slot))
            worst = await s.scalar(select(func.max(Slot.booked - Slot.capacity)))
            places = await s.scalar(select(func.sum(Slot.booked)))
        proof = (f"{name}: {slots} slots, {places} places taken, max(booked - capacity) = {worst}, "
                 f"slots over capacity or out of step with their bookings: {violations}")
        return rows, proof
    finally:
        await app.close()


async def _pg_schema(base: str) -> tuple[str, str] | None:
    try:
        import asyncpg

        conn = await asyncpg.connect(base.replace("postgresql+asyncpg", "postgresql"), timeout=2)
    except Exception:  # unreachable, refused, no driver: run without PostgreSQL
        return None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    return f"{base}?search_path={schema}", schema


async def _drop_schema(base: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(base.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--residents", type=int, default=200)
    ap.add_argument("--per-resident", type=int, default=3)
    ap.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL URL (asyncpg)")
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()

    rows, proofs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        r, p = await bench_db("SQLite", url, Path(tmp), args.residents, args.per_resident,
                              args.seed)
        rows += r
        proofs.append(p)
        pg = None if args.no_pg else await _pg_schema(args.pg)
        if pg is None:
            proofs.append("PostgreSQL: not reachable, skipped")
        else:
            try:
                r, p = await bench_db("PostgreSQL", pg[0], Path(tmp), args.residents,
                                      args.per_resident, args.seed)
                rows += r
                proofs.append(p)
            finally:
                await _drop_schema(args.pg, pg[1])

    print(f"{args.residents} concurrent residents through app.handle (one transaction per update)")
    print()
    print("| database | scenario | attempts | booked | told full | seconds | attempts/s | bookings/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row.line())
    print()
    for proof in proofs:
        print("proof:", proof)


if __name__ == "__main__":
    asyncio.run(main())
