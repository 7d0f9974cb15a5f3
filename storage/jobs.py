"""Run-once bookkeeping for periodic jobs: a (name, period) row is inserted by whoever runs
the job for that period first; everyone else — another worker, a restarted process — skips."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import upsert
from storage.models import JobRun


async def claim_run(session: AsyncSession, *, name: str, period: str, now: datetime) -> bool:
    """True when this transaction is the one that runs `name` for `period`.

    Insert-or-skip on the primary key: a concurrent claimer on PostgreSQL waits for the first
    transaction and then skips; SQLite serialises writers (BEGIN IMMEDIATE). If the caller's
    transaction rolls back, so does the claim, and the job runs again at the next tick.
    """
    ins = upsert(session)
    result = await session.execute(
        ins(JobRun).values(name=name, period=period, ran_at=now)
        .on_conflict_do_nothing(index_elements=["name", "period"])
    )
    return bool(result.rowcount)


async def last_run(session: AsyncSession, *, name: str, before: str) -> datetime | None:
    """When `name` last ran for a period before `before` (periods sort as ISO dates)."""
    return await session.scalar(
        select(JobRun.ran_at).where(JobRun.name == name, JobRun.period < before)
        .order_by(JobRun.period.desc()).limit(1)
    )
