"""Rate limits shared by every worker on one database: a send slot is taken by moving a row's
`next_at` forward atomically (generic cell rate algorithm, "virtual scheduling").

A limit is a key and an interval: `telegram` every 1/25 s (the bot as a whole), `telegram:<chat>`
every second (one chat), `robot:<key>` every 3 s (20 a minute). Taking a slot for a send:

1. the recipient's row is locked (an upsert that changes nothing locks it, creates it if
   missing, and returns the database's clock in the same round trip); if its `next_at` is
   still ahead, nothing is taken and the caller waits that long and asks again;
2. the overall row is moved to `max(next_at, now) + interval` in one statement — PostgreSQL
   re-reads a row a concurrent transaction just changed before applying the expression, so
   two workers never get the same slot — and the slot is the value before the move;
3. the recipient's row is moved to `slot + its interval`.

Times are the database's clock (epoch seconds), so workers on several hosts agree on them.
On PostgreSQL the three steps are one function call (`servicebot_take_slot`, created by
migration 0009): the bot-wide row is locked for one statement, not several round trips —
measured, that is what lets three workers reach 250 slots/s. SQLite runs the same steps as
statements; its transactions are serialised anyway (`BEGIN IMMEDIATE`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, delete, func, literal_column, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import locks
from storage.db import on_postgres, upsert
from storage.models import RateSlot

SLOTS = RateSlot.__table__
_TAKE_SLOT = text("SELECT servicebot_take_slot(CAST(:g AS text), CAST(:gi AS double precision), "
                  "CAST(:c AS text), CAST(:ci AS double precision))")


@dataclass(frozen=True)
class Slot:
    """`granted`: send after `delay` seconds, at `at`. Not granted: the recipient is busy for
    `delay` seconds more, until `at` (nothing was taken). `at` is on the database's clock."""

    granted: bool
    delay: float
    at: float


def _now(session: AsyncSession) -> ColumnElement[float]:
    if on_postgres(session):
        return func.extract("epoch", func.clock_timestamp())
    return literal_column("((julianday('now') - 2440587.5) * 86400.0)")


async def _lock(session: AsyncSession, key: str) -> tuple[float, float]:
    """Lock (creating) a limit's row: its `next_at` and the database's clock now."""
    ins = upsert(session)(SLOTS).values(key=key, next_at=0.0)
    stmt = ins.on_conflict_do_update(index_elements=["key"],
                                     set_={"next_at": SLOTS.c.next_at})
    row = (await session.execute(stmt.returning(SLOTS.c.next_at, _now(session)))).one()
    return float(row[0]), float(row[1])


async def take_slot(session: AsyncSession, *, key: str | None, interval: float,
                    recipient_key: str | None = None, recipient_interval: float = 0.0) -> Slot:
    """Take the next send slot under an overall limit (`key`, one send per `interval`
    seconds) and a recipient's limit (`recipient_key`, one per `recipient_interval`).
    Commit the session before waiting: the rows stay locked until then."""
    if on_postgres(session):  # the same steps in one call (migration 0009)
        delay, at = (await session.execute(_TAKE_SLOT, {
            "g": key if interval > 0 else None, "gi": interval, "c": recipient_key,
            "ci": recipient_interval})).scalar_one()
        return Slot(delay >= 0, abs(float(delay)), float(at))
    if recipient_key is not None:
        busy_until, now = await _lock(session, recipient_key)
        if busy_until > now:
            return Slot(False, busy_until - now, busy_until)
    else:
        now = float((await session.execute(_sql_now(session))).scalar_one())
    slot = now
    if key is not None and interval > 0:
        ins = upsert(session)(SLOTS).values(key=key, next_at=now + interval)
        moved = ins.on_conflict_do_update(
            index_elements=["key"],
            set_={"next_at": _max(SLOTS.c.next_at, now) + interval})
        slot = float((await session.execute(moved.returning(SLOTS.c.next_at))).scalar_one())
        slot -= interval
    if recipient_key is not None:
        await session.execute(update(SLOTS).where(SLOTS.c.key == recipient_key)
                              .values(next_at=slot + recipient_interval))
    return Slot(True, max(0.0, slot - now), slot)


def _max(column: ColumnElement[float], value: float) -> ColumnElement[float]:
    """max(column, value), written portably (SQLite has no GREATEST)."""
    return case((column > value, column), else_=value)


def _sql_now(session: AsyncSession):  # type: ignore[no-untyped-def]
    return select(_now(session))


async def take_turn(session: AsyncSession, *, key: str, per_window: int, window: float,
                    now: float) -> float:
    """A send under `key` if fewer than `per_window` went in the last `window` seconds (a
    sliding window, as a work-group robot counts its 20 a minute). Returns 0.0 if the turn
    was taken, else the seconds until the oldest of the window's sends leaves it (nothing
    taken). One row per place in the window, holding when that place is free again; `now` is
    the caller's clock (epoch seconds). Two workers never take the same place: PostgreSQL
    serialises takers of one key with an advisory lock, SQLite with its single writer."""
    keys = [f"{key}:{n}" for n in range(per_window)]
    await locks.hold(session, key)
    await session.execute(upsert(session)(SLOTS).values([{"key": k, "next_at": 0.0} for k in keys])
                          .on_conflict_do_nothing(index_elements=["key"]))
    place, free_at = (await session.execute(
        select(SLOTS.c.key, SLOTS.c.next_at).where(SLOTS.c.key.in_(keys))
        .order_by(SLOTS.c.next_at).limit(1))).one()
    if free_at > now:
        return float(free_at) - now
    await session.execute(update(SLOTS).where(SLOTS.c.key == place).values(next_at=now + window))
    return 0.0


async def hold(session: AsyncSession, *, key: str, seconds: float) -> None:
    """Nothing under `key` before `seconds` from now (Telegram answered 429 retry_after)."""
    now = float((await session.execute(_sql_now(session))).scalar_one())
    until = now + seconds
    ins = upsert(session)(SLOTS).values(key=key, next_at=until)
    await session.execute(ins.on_conflict_do_update(
        index_elements=["key"], set_={"next_at": _max(SLOTS.c.next_at, until)}))


async def prune(session: AsyncSession, *, idle_for: float = 3600.0) -> int:
    """Forget recipients' rows unused for a while (one row per chat ever written to)."""
    now = float((await session.execute(_sql_now(session))).scalar_one())
    result = await session.execute(delete(SLOTS).where(SLOTS.c.next_at < now - idle_for,
                                                       SLOTS.c.key.contains(":")))
    return result.rowcount or 0
