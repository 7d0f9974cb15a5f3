"""The outbox: messages the bot sends on its own initiative, written in the causing transaction.

Delivery claims rows with a lease (so rows held by a dead worker come back) and, on
PostgreSQL, `FOR UPDATE SKIP LOCKED` so several workers share the load. Per recipient, only
the oldest undelivered row is claimable: notices arrive in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core import Reply
from storage.models import Outbox

LEASE = timedelta(seconds=60)


async def enqueue(session: AsyncSession, *, channel: str, user_id: str,
                  replies: Sequence[Reply], kind: str, now: datetime,
                  not_before: datetime | None = None, dedupe_key: str | None = None,
                  matter_id: int | None = None, booking_id: int | None = None) -> bool:
    """Add a notice; with a `dedupe_key` already present, add nothing and return False."""
    session.info["outbox_queued"] = True  # the dispatcher wakes the delivery worker on commit
    values: dict[str, Any] = dict(
        channel=channel, user_id=user_id, kind=kind,
        payload={"replies": [r.to_dict() for r in replies]},
        dedupe_key=dedupe_key, status="pending", not_before=not_before or now,
        attempts=0, matter_id=matter_id, booking_id=booking_id, created_at=now,
    )
    if dedupe_key is None:
        session.add(Outbox(**values))
        return True
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    ins = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = ins(Outbox).values(**values).on_conflict_do_nothing(
        index_elements=["dedupe_key"]
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)


async def claim_due(session: AsyncSession, *, now: datetime, limit: int = 50,
                    lease: timedelta = LEASE) -> list[Outbox]:
    """Lease up to `limit` due rows, the oldest pending per recipient only."""
    older = aliased(Outbox)
    blocked_by_older = (
        select(older.id)
        .where(
            older.channel == Outbox.channel,
            older.user_id == Outbox.user_id,
            older.status == "pending",
            older.id < Outbox.id,
            # a notice scheduled for later (a booking reminder) holds nothing back until it is
            # due; one that is due, or was tried and waits for its retry, keeps the order
            (older.not_before <= now) | older.last_error.is_not(None),
        )
        .exists()
    )
    candidates = (
        select(Outbox.id)
        .where(
            Outbox.status == "pending",
            Outbox.not_before <= now,
            (Outbox.lease_until.is_(None)) | (Outbox.lease_until < now),
            ~blocked_by_older,
        )
        .order_by(Outbox.not_before, Outbox.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(await session.scalars(candidates))
    if not ids:
        return []
    rows = await session.scalars(
        update(Outbox)
        .where(Outbox.id.in_(ids), Outbox.status == "pending")
        .values(lease_until=now + lease, attempts=Outbox.attempts + 1)
        .returning(Outbox)
    )
    return list(rows)


async def mark_sent(session: AsyncSession, *, outbox_id: int, now: datetime) -> None:
    await session.execute(
        update(Outbox).where(Outbox.id == outbox_id)
        .values(status="sent", sent_at=now, lease_until=None, last_error=None)
    )


async def mark_retry(session: AsyncSession, *, outbox_id: int, at: datetime, error: str,
                     count_attempt: bool = True) -> None:
    """Try again at `at`. A rate-limit answer (429) is not a failed attempt: the claim's
    increment is taken back, so a long flood wait never exhausts a notice's attempts."""
    values: dict[str, Any] = dict(not_before=at, lease_until=None, last_error=error[:500])
    if not count_attempt:
        values["attempts"] = Outbox.attempts - 1
    await session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))


async def mark_failed(session: AsyncSession, *, outbox_id: int, error: str) -> None:
    await session.execute(
        update(Outbox).where(Outbox.id == outbox_id)
        .values(status="failed", lease_until=None, last_error=error[:500])
    )


async def fail_pending_for(session: AsyncSession, *, channel: str, user_id: str,
                           error: str) -> int:
    """A blocked recipient: every pending notice to them is final (staff can see it)."""
    result = await session.execute(
        update(Outbox)
        .where(Outbox.channel == channel, Outbox.user_id == user_id, Outbox.status == "pending")
        .values(status="failed", lease_until=None, last_error=error[:500])
    )
    return result.rowcount or 0


async def cancel(session: AsyncSession, *, booking_id: int | None = None,
                 dedupe_keys: Iterable[str] = ()) -> int:
    """Cancel pending notices (e.g. reminders of a cancelled booking)."""
    conds = []
    if booking_id is not None:
        conds.append(Outbox.booking_id == booking_id)
    keys = list(dedupe_keys)
    if keys:
        conds.append(Outbox.dedupe_key.in_(keys))
    if not conds:
        return 0
    result = await session.execute(
        update(Outbox).where(and_(Outbox.status == "pending", or_(*conds)))
        .values(status="cancelled", lease_until=None)
    )
    return result.rowcount or 0


async def counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Outbox.status, func.count()).group_by(Outbox.status))
    return {status: n for status, n in rows.all()}


async def next_due_at(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(Outbox.not_before)).where(Outbox.status == "pending")
    )


async def failed_count(session: AsyncSession, *, matter_id: int) -> int:
    """Notices about a matter that could not be delivered (staff should phone)."""
    return await session.scalar(
        select(func.count()).select_from(Outbox)
        .where(Outbox.matter_id == matter_id, Outbox.status == "failed")) or 0


async def release(session: AsyncSession, *, outbox_id: int) -> None:
    """Hand a claimed notice back unsent (a worker stopping): claimable again at once, and the
    claim's attempt taken back."""
    await session.execute(
        update(Outbox).where(Outbox.id == outbox_id, Outbox.status == "pending")
        .values(lease_until=None, attempts=Outbox.attempts - 1))
