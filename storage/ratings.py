"""Ratings (好差评) of done matters, and the follow-up (回访整改) a bad one opens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.matter_rules import asks_rating, needs_followup, valid_score
from storage.matters import add_event, create_matter
from storage.models import Matter, Resident


async def rate(session: AsyncSession, matter: Matter, *, resident: Resident, score: int,
               now: datetime, followup_deadline: date) -> Matter | None:
    """Record the resident's rating of their own done matter, once. A bad one (≤ 2) opens a
    follow-up for a supervisor, returned so the caller can alert them."""
    if matter.resident_id != resident.id:
        raise DomainError("no_such_matter", ref=matter.number)
    if not valid_score(score) or not asks_rating(matter.kind) or matter.status != "done":
        raise DomainError("cannot_rate", number=matter.number)
    if matter.rating is not None:
        raise DomainError("already_rated", number=matter.number)
    matter.rating = score
    await add_event(session, matter, actor=resident.key, kind="rated", now=now,
                    text=str(score), data={"score": score})
    if not needs_followup(score):
        return None
    return await create_matter(
        session, kind="followup", resident=resident, now=now, actor=resident.key,
        subject=f"{matter.number} {matter.subject}"[:200], content="",
        item_id=matter.item_id, department=matter.department, deadline=followup_deadline,
        parent_id=matter.id, data={"score": score, "parent_owner": matter.owner},
    )


async def followup_of(session: AsyncSession, matter: Matter) -> Matter | None:
    return await session.scalar(
        select(Matter).where(Matter.parent_id == matter.id, Matter.kind == "followup")
    )


async def comment(session: AsyncSession, matter: Matter, *, resident: Resident, text: str,
                  now: datetime) -> Matter | None:
    """The optional comment after a rating; it goes to the follow-up too, if there is one."""
    if matter.resident_id != resident.id or matter.rating is None:
        raise DomainError("no_such_matter", ref=matter.number)
    if matter.rating_comment:
        raise DomainError("already_commented", number=matter.number)
    matter.rating_comment = text
    await add_event(session, matter, actor=resident.key, kind="rating_comment", text=text, now=now)
    followup = await followup_of(session, matter)
    if followup is not None:
        followup.content = text
        await add_event(session, followup, actor=resident.key, kind="resident_message",
                        text=text, now=now)
    return followup
