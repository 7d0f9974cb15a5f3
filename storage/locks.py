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


async def hold_person(session: AsyncSession, person_key: str) -> None:
    """Until this transaction ends, no other transaction holds `person_key`."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(person_key, 0))))
