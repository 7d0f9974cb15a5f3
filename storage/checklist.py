"""Checklist ticks kept beyond the dialog: what a resident said they have for an item, so a
booking made afterwards lists only what is still missing. Plain functions over a session."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import upsert
from storage.models import ChecklistTicks

_TICKS = ChecklistTicks.__table__
KEPT = timedelta(days=30)  # older ticks are not trusted: papers get lost, rules change


async def save_ticks(session: AsyncSession, *, resident_id: int, item_id: str,
                     situations: list[int], have: list[int], now: datetime) -> None:
    # one statement: this runs at every tick, and a read-then-write was two round trips
    insert = upsert(session)
    values = dict(situations=list(situations), have=list(have), updated_at=now)
    statement = insert(_TICKS).values(resident_id=resident_id, item_id=item_id, **values)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[_TICKS.c.resident_id, _TICKS.c.item_id], set_=values))


async def ticks_of(session: AsyncSession, *, resident_id: int, item_id: str,
                   now: datetime) -> tuple[list[int], list[int]] | None:
    """(situations, have) ticked in the last 30 days, or None."""
    row = await session.scalar(select(ChecklistTicks).where(
        ChecklistTicks.resident_id == resident_id, ChecklistTicks.item_id == item_id,
        ChecklistTicks.updated_at > now - KEPT))
    return (list(row.situations), list(row.have)) if row else None
