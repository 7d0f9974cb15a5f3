"""Locks that hold across worker processes (PostgreSQL advisory locks).

One person's updates must be handled one at a time: the dispatcher serialises them within a
process, but behind a proxy two of a person's updates (a quick double tap) can reach two
workers. `hold_person` takes a transaction-scoped advisory lock on the person's key, so the
second waits for the first to commit and reads the state it left. SQLite needs none: one
writer at a time, and `BEGIN IMMEDIATE` makes the whole transaction wait.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def hold_person(session: AsyncSession, person_key: str) -> bool:
    """Until this transaction ends, no other transaction holds `person_key`. True if it had
    to wait for one: the person's previous update was being handled at the same moment (a
    double tap reaching two workers), and its replies may not have gone out yet."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return False
    key = func.hashtextextended(person_key, 0)
    if await session.scalar(select(func.pg_try_advisory_xact_lock(key))):
        return False
    await session.execute(select(func.pg_advisory_xact_lock(key)))
    return True
