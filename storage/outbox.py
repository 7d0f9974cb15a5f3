"""The outbox: messages the bot sends on its own initiative, written in the causing transaction.

Delivery claims rows with a lease (so rows held by a dead worker come back) and, on
PostgreSQL, `FOR UPDATE SKIP LOCKED` so several workers share the load. Per recipient, only
the oldest undelivered row is claimable: notices arrive in order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, insert, literal, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.messages import Reply
from storage.db import on_postgres, upsert
from storage.models import Outbox

LEASE = timedelta(seconds=60)
# A direct reply is recorded as owed in its update's transaction and held for the process that
# sends it at once; if that process dies, the lease runs out and the worker sends it.
REPLY_LEASE = timedelta(seconds=30)
REPLY_KIND = "reply"


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
    ins = upsert(session)
    stmt = ins(Outbox).values(**values).on_conflict_do_nothing(
        index_elements=["dedupe_key"]
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)


async def claim_due(session: AsyncSession, *, now: datetime, limit: int = 50,
                    lease: timedelta = LEASE, exclude: Collection[int] = (),
                    recipient: tuple[str, str] | None = None,
                    kind: str | None = None) -> list[Outbox]:
    """Lease up to `limit` due rows, the oldest pending per recipient only, none of `exclude`
    (replies the caller's process is sending itself); with `recipient` (channel, user id),
    only theirs (a console delivers to its own person)."""
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
            *([Outbox.id.not_in(list(exclude))] if exclude else []),
            *((Outbox.channel == recipient[0], Outbox.user_id == recipient[1])
              if recipient is not None else ()),
            *((Outbox.kind == kind,) if kind is not None else ()),
        )
        .order_by(Outbox.not_before, Outbox.id)
        .limit(limit)
    )
    if on_postgres(session):
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


async def mark_sent(session: AsyncSession, *, outbox_id: int, now: datetime,
                    via: str | None = None) -> None:
    """Delivered; `via` records how, where a channel has several ways (WeChat template)."""
    await session.execute(
        update(Outbox).where(Outbox.id == outbox_id)
        .values(status="sent", sent_at=now, lease_until=None, last_error=None, via=via)
    )


async def mark_retry(session: AsyncSession, *, outbox_id: int, at: datetime, error: str,
                     count_attempt: bool = True) -> None:
    """Try again at `at`. A rate-limit answer (429) is not a failed attempt: the claim's
    increment is taken back, so a long flood wait never exhausts a notice's attempts."""
    values: dict[str, Any] = dict(not_before=at, lease_until=None, last_error=error[:500])
    if not count_attempt:
        values["attempts"] = Outbox.attempts - 1
    await session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))


async def mark_failed(session: AsyncSession, *, outbox_id: int, error: str,
                      via: str | None = None) -> None:
    await session.execute(
        update(Outbox).where(Outbox.id == outbox_id)
        .values(status="failed", lease_until=None, last_error=error[:500], via=via)
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


async def record_owed(session: AsyncSession, *, channel: str, user_id: str,
                      replies: Sequence[dict[str, Any]], now: datetime,
                      lease: timedelta = REPLY_LEASE, mine: Collection[int] = (),
                      after_others: bool = False) -> int | None:
    """Record the replies an update answers with, in that update's transaction, leased to the
    caller who sends them on the fast path; returns the row id to `settle_owed` once sent.

    With `after_others` — the caller had to wait for another worker handling the same
    person (a double tap that reached two workers) — an earlier reply to the person that is
    still unsent (that worker's, or one handed over to the delivery worker) could be
    overtaken by this one (an edit showing one tick arriving after the one showing two).
    Then the replies are queued unleased instead, for the delivery worker, which keeps each
    person's order, and None is returned: the caller sends nothing. `mine`: the caller's own
    unsettled replies, already sent in order. Without `after_others` the person's earlier
    replies are out: they sent this update after reading them (a check would also catch
    replies sent but not yet recorded as sent, and hold up every next step)."""
    values = dict(channel=channel, user_id=user_id, payload={"replies": list(replies)})
    if not after_others:
        return await session.scalar(_RECORD_LEASED, dict(
            values, kind=REPLY_KIND, status="pending", not_before=now, attempts=1,
            lease_until=now + lease, created_at=now))
    # one round trip: the row is written leased unless an earlier reply waits, and says which
    # it became
    owed_id, lease_until = (await session.execute(_RECORD_OWED, dict(
        values, now=now, lease_until=now + lease, mine=list(mine) or [-1]))).one()
    if lease_until is None:
        session.info["outbox_queued"] = True  # wake the delivery worker after the commit
        return None
    return owed_id


def _record_owed() -> Any:
    """INSERT … SELECT writing the owed row, unleased (attempts 0) when an earlier reply to
    the person is pending and not the caller's own; RETURNING its id and lease.
    Built once on the table (runs for every update; the ORM unit of work would re-plan it)."""
    table = Outbox.__table__
    c = table.c
    earlier = (select(c.id).where(c.channel == bindparam("channel"),
                                  c.user_id == bindparam("user_id"), c.status == "pending",
                                  c.kind == REPLY_KIND,
                                  c.id.not_in(bindparam("mine", expanding=True)))
               .exists())
    now = bindparam("now", type_=c.not_before.type)
    values = select(
        bindparam("channel", type_=c.channel.type), bindparam("user_id", type_=c.user_id.type),
        literal(REPLY_KIND, c.kind.type), bindparam("payload", type_=c.payload.type),
        literal("pending", c.status.type), now, case((earlier, 0), else_=1),
        case((earlier, null()), else_=bindparam("lease_until", type_=c.lease_until.type)),
        now)
    columns = ["channel", "user_id", "kind", "payload", "status", "not_before", "attempts",
               "lease_until", "created_at"]
    return (insert(table).from_select(columns, values)
            .returning(c.id, c.lease_until))


_RECORD_OWED = _record_owed()
_RECORD_LEASED = insert(Outbox.__table__).returning(Outbox.__table__.c.id)


async def settle_owed(session: AsyncSession, *, sent: Sequence[int], now: datetime) -> None:
    """Owed replies delivered on the fast path: sent, and their text forgotten."""
    if sent:
        await session.execute(
            update(Outbox).where(Outbox.id.in_(list(sent)), Outbox.status == "pending")
            .values(status="sent", sent_at=now, lease_until=None, last_error=None, payload={}))


async def hand_over_owed(session: AsyncSession, *, outbox_id: int, replies: Sequence[dict[str, Any]],
                         at: datetime, error: str) -> None:
    """The fast path could not finish: the replies still unsent go to the delivery worker."""
    await session.execute(
        update(Outbox).where(Outbox.id == outbox_id, Outbox.status == "pending")
        .values(payload={"replies": list(replies)}, lease_until=None, not_before=at,
                last_error=error[:500]))


async def release_owed(session: AsyncSession, *, channel: str) -> int:
    """At start, with no other process able to hold them (SQLite): owed replies leased by a
    process that died are due now, before anything else."""
    result = await session.execute(
        update(Outbox).where(Outbox.channel == channel, Outbox.kind == REPLY_KIND,
                             Outbox.status == "pending", Outbox.lease_until.is_not(None))
        .values(lease_until=None))
    return result.rowcount or 0


async def prune_sent_replies(session: AsyncSession, *, sent_before: datetime) -> int:
    result = await session.execute(
        delete(Outbox).where(Outbox.kind == REPLY_KIND, Outbox.status == "sent",
                             Outbox.sent_at < sent_before))
    return result.rowcount or 0


async def owed_unsent(session: AsyncSession) -> int:
    """Replies recorded as owed and not delivered (pending), for checks and benchmarks."""
    return await session.scalar(
        select(func.count()).select_from(Outbox)
        .where(Outbox.kind == REPLY_KIND, Outbox.status == "pending")) or 0
async def release(session: AsyncSession, *, outbox_id: int) -> None:
    """Hand a claimed notice back unsent (a worker stopping): claimable again at once, and the
    claim's attempt taken back."""
    await session.execute(
        update(Outbox).where(Outbox.id == outbox_id, Outbox.status == "pending")
        .values(lease_until=None, attempts=Outbox.attempts - 1))
