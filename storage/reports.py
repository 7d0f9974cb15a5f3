"""What the daily digest needs from the database, as plain facts for domain.digest."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.digest import BadRating, Digest, MatterFacts, summarise
from domain.privacy import mask_text
from storage.matters import OPEN_STATUSES
from storage.models import Matter, MatterEvent, Query, Resident


def facts(m: Matter) -> MatterFacts:
    return MatterFacts(id=m.id, number=m.number, kind=m.kind, status=m.status,
                       department=m.department, deadline=m.deadline,
                       paused=m.paused_since is not None, created_at=m.created_at,
                       category=m.category, urgent=m.urgent, subject=mask_text(m.subject))


async def digest(session: AsyncSession, *, today: date, since: datetime, tz: ZoneInfo,
                 item_names: Mapping[str, str] | None = None,
                 no_department: str = "—") -> Digest:
    rows = await session.scalars(
        select(Matter).where(or_(Matter.status.in_(OPEN_STATUSES), Matter.created_at >= since))
    )
    rated = await session.execute(
        select(Matter.number, Matter.rating, Matter.rating_comment)
        .join(MatterEvent, MatterEvent.matter_id == Matter.id)
        .where(MatterEvent.kind == "rated", MatterEvent.at >= since, Matter.rating <= 2)
        .order_by(MatterEvent.id)
    )
    bad = [BadRating(number, score, mask_text(comment or ""))
           for number, score, comment in rated.all()]
    unreachable = await session.scalar(
        select(func.count(func.distinct(Resident.id)))
        .join(Matter, Matter.resident_id == Resident.id)
        .where(Resident.unreachable.is_(True), Matter.status.in_(OPEN_STATUSES))
    ) or 0
    asked = await session.execute(
        select(Query.item_id, Query.confident).where(Query.at >= since))
    finished = await session.execute(
        select(Matter.done_at, Matter.deadline).where(Matter.done_at >= since))
    scores = await session.scalars(
        select(Matter.rating).join(MatterEvent, MatterEvent.matter_id == Matter.id)
        .where(MatterEvent.kind == "rated", MatterEvent.at >= since, Matter.rating.is_not(None)))
    result = summarise(
        [facts(m) for m in rows], today=today, since=since, bad_ratings=bad,
        unreachable=unreachable, questions=[(i, bool(c)) for i, c in asked.all()],
        finished=[(done.astimezone(tz).date(), deadline) for done, deadline in finished.all()],
        ratings=list(scores), no_department=no_department)
    names = item_names or {}
    result.topics = [(names.get(item, item), n) for item, n in result.topics]
    return result
