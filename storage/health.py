"""What readiness and the metrics read from the database: the outbox backlog, the oldest
update owed an answer, open and overdue matters. Plain aggregate queries, all on indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.matters import OPEN_STATUSES, RUNNING_STATUSES
from storage.models import InboxUpdate, Matter, Outbox


@dataclass
class Backlog:
    due_by_channel: dict[str, int] = field(default_factory=dict)
    oldest_due_seconds: float = 0.0  # the longest a due notice has waited
    oldest_owed_reply_seconds: float = 0.0  # the longest a stored update has waited

    @property
    def due(self) -> int:
        return sum(self.due_by_channel.values())


async def ping(session: AsyncSession) -> None:
    await session.execute(text("SELECT 1"))


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0


async def backlog(session: AsyncSession, *, now: datetime) -> Backlog:
    due = (Outbox.status == "pending") & (Outbox.not_before <= now)
    rows = await session.execute(select(Outbox.channel, func.count()).where(due)
                                 .group_by(Outbox.channel))
    oldest = await session.scalar(select(func.min(Outbox.not_before)).where(due))
    owed = await session.scalar(select(func.min(InboxUpdate.received_at))
                                .where(InboxUpdate.processed_at.is_(None)))
    return Backlog({channel: n for channel, n in rows.all()}, _age(now, oldest), _age(now, owed))


async def matter_counts(session: AsyncSession, *, today: date) -> tuple[int, int]:
    """(open matters, running matters past their deadline)."""
    opened = await session.scalar(select(func.count()).select_from(Matter)
                                  .where(Matter.status.in_(OPEN_STATUSES))) or 0
    overdue = await session.scalar(select(func.count()).select_from(Matter)
                                   .where(Matter.status.in_(RUNNING_STATUSES),
                                          Matter.deadline < today)) or 0
    return opened, overdue
