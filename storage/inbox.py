"""The inbox: incoming updates stored before they are handled, so a crash loses nothing.

Telegram (and WeChat) consider an update delivered once the bot has fetched it; what sits in
memory when the process dies would be lost. A channel stores each update here first
(`store_many`), the dispatcher marks it processed in the same transaction as the changes it
caused (`mark_processed`), and on start the channel handles again what was stored but never
processed (`unprocessed`). The `(channel, update_key)` constraint also catches repeats.
A processed row keeps only its key: the payload (messages, phone numbers) is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import upsert
from storage.models import InboxUpdate


async def store_many(session: AsyncSession, *, channel: str,
                     updates: Sequence[tuple[str, dict[str, Any]]], now: datetime) -> set[str]:
    """Store `(update_key, payload)` pairs not stored yet; returns the keys that were stored
    before — repeats of updates handled before or being handled (by this worker or another:
    Telegram retrying a webhook call may reach a different worker), not to be handled again."""
    if not updates:
        return set()
    rows = [dict(channel=channel, update_key=key, payload=payload, received_at=now)
            for key, payload in updates]
    ins = upsert(session)
    inserted = await session.scalars(
        ins(InboxUpdate).values(rows).on_conflict_do_nothing(
            index_elements=["channel", "update_key"]).returning(InboxUpdate.update_key)
    )
    return {key for key, _ in updates} - set(inserted)


# Built once, on the table rather than the ORM entity: this runs for every update, and an
# ORM-enabled UPDATE re-plans session synchronisation each time.
_INBOX = InboxUpdate.__table__
_MARK_PROCESSED = (
    update(_INBOX)
    .where(_INBOX.c.channel == bindparam("b_channel"),
           _INBOX.c.update_key == bindparam("b_key"), _INBOX.c.processed_at.is_(None))
    .values(processed_at=bindparam("b_now"), payload={})
)


async def mark_processed(session: AsyncSession, *, channel: str, update_key: str,
                         now: datetime) -> bool:
    """Record that an update was handled (and forget its content); False if it was not stored
    or was already marked."""
    result = await session.execute(_MARK_PROCESSED, {"b_channel": channel, "b_key": update_key,
                                                     "b_now": now})
    return bool(result.rowcount)


async def claim(session: AsyncSession, *, channel: str, update_key: str,
                now: datetime) -> bool:
    """Mark an update processed as the first step of handling it, in the handling's own
    transaction: False if it was processed before (by this worker or another — a webhook
    repeat, a start-up replay of an update a live worker is handling, a retry after a commit
    whose acknowledgement was lost), and the caller must then change nothing. The row lock
    this takes makes a concurrent second handler wait and then see it processed. An update
    that was never stored (handed in directly) is handled."""
    if await mark_processed(session, channel=channel, update_key=update_key, now=now):
        return True
    processed = await session.scalar(
        select(_INBOX.c.processed_at).where(_INBOX.c.channel == channel,
                                            _INBOX.c.update_key == update_key))
    return processed is None


async def unprocessed(session: AsyncSession, *, channel: str, limit: int = 1000,
                      keys: Sequence[str] | None = None) -> list[InboxUpdate]:
    """Updates stored but never processed (the process died while they were in memory, or
    the database failed while they were handled), oldest first; only `keys` if given."""
    query = select(InboxUpdate).where(InboxUpdate.channel == channel,
                                      InboxUpdate.processed_at.is_(None))
    if keys is not None:
        query = query.where(InboxUpdate.update_key.in_(list(keys)))
    rows = await session.scalars(query.order_by(InboxUpdate.id).limit(limit))
    return list(rows)


async def prune(session: AsyncSession, *, processed_before: datetime) -> int:
    """Delete rows processed before a time (repeats come within a day at most)."""
    result = await session.execute(
        delete(InboxUpdate).where(InboxUpdate.processed_at.is_not(None),
                                  InboxUpdate.processed_at < processed_before)
    )
    return result.rowcount or 0
