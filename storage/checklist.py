"""Checklist ticks kept beyond the dialog: what a resident said they have for an item, so a
booking made afterwards lists only what is still missing. Plain functions over a session."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChecklistTicks

KEPT = timedelta(days=30)  # older ticks are not trusted: papers get lost, rules change


async def save_ticks(session: AsyncSession, *, resident_id: int, item_id: str,
                     situations: list[int], have: list[int], now: datetime) -> None:
    row = await session.get(ChecklistTicks, (resident_id, item_id))
    if row is None:
        session.add(ChecklistTicks(resident_id=resident_id, item_id=item_id,
                                   situations=list(situations), have=list(have), updated_at=now))
        return
    row.situations, row.have, row.updated_at = list(situations), list(have), now


async def ticks_of(session: AsyncSession, *, resident_id: int, item_id: str,
                   now: datetime) -> tuple[list[int], list[int]] | None:
    """(situations, have) ticked in the last 30 days, or None."""
    row = await session.scalar(select(ChecklistTicks).where(
        ChecklistTicks.resident_id == resident_id, ChecklistTicks.item_id == item_id,
        ChecklistTicks.updated_at > now - KEPT))
    return (list(row.situations), list(row.have)) if row else None
