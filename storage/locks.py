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

from storage.db import on_postgres


async def hold(session: AsyncSession, name: str) -> bool:
    """Until this transaction ends, no other transaction holds `name`. True if it had to wait
    for one. SQLite: nothing to do (one writer at a time), never waits."""
    if not on_postgres(session):
        return False
    key = func.hashtextextended(name, 0)
    if await session.scalar(select(func.pg_try_advisory_xact_lock(key))):
        return False
    await session.execute(select(func.pg_advisory_xact_lock(key)))
    return True


async def hold_person(session: AsyncSession, person_key: str) -> bool:
    """`hold` a person. True if it had to wait: the person's previous update was being
    handled at the same moment (a double tap reaching two workers), and its replies may not
    have gone out yet."""
    return await hold(session, person_key)
