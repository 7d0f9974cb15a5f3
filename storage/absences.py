"""AB岗 (A/B post backups): who is away until when, and who stands in. While a member is away,
what would reach them reaches their backup: new matters of their department, and — their open
matters being handed to the backup when they leave — reminders and residents' replies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from storage.matters import OPEN_STATUSES
from storage.models import Matter, StaffAbsence


async def away_now(session: AsyncSession, now: datetime) -> dict[str, StaffAbsence]:
    """Everyone away at `now`: person → absence."""
    rows = await session.scalars(select(StaffAbsence).where(StaffAbsence.until > now,
                                                            StaffAbsence.since <= now))
    return {r.person: r for r in rows}


def stand_ins(keys: Iterable[str], away: dict[str, StaffAbsence]) -> list[str]:
    """`keys` with each away member replaced by their backup (a backup away too is skipped
    along the chain); nobody is listed twice."""
    out: dict[str, None] = {}
    for key in keys:
        seen = {key}
        while key in away:
            key = away[key].backup
            if key in seen:  # A backs up B backs up A, both away
                break
            seen.add(key)
        if key not in away:
            out.setdefault(key, None)
    return list(out)


async def set_away(session: AsyncSession, *, person: str, backup: str, since: datetime,
                   until: datetime) -> StaffAbsence:
    if backup == person:
        raise DomainError("away_self_backup")
    if until <= since:
        raise DomainError("away_in_past")
    row = await session.get(StaffAbsence, person)
    if row is None:
        row = StaffAbsence(person=person, since=since, until=until, backup=backup)
        session.add(row)
    row.since, row.until, row.backup = since, until, backup
    await session.flush()
    return row


async def come_back(session: AsyncSession, *, person: str) -> bool:
    result = await session.execute(delete(StaffAbsence).where(StaffAbsence.person == person))
    return bool(result.rowcount)


async def open_matters_of(session: AsyncSession, person: str) -> list[Matter]:
    rows = await session.scalars(select(Matter).where(
        Matter.owner == person, Matter.status.in_(OPEN_STATUSES)).order_by(Matter.id))
    return list(rows)
