"""Staff names and windows (StaffProfile): what residents read instead of an account id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Resident, StaffProfile


async def set_profile(session: AsyncSession, *, person: str, name: str, window: str | None,
                      now: datetime) -> StaffProfile:
    row = await session.get(StaffProfile, person)
    if row is None:
        row = StaffProfile(person=person, name=name)
        session.add(row)
    row.name, row.window, row.updated_at = name, window, now
    await session.flush()
    return row


async def profiles(session: AsyncSession, people: Iterable[str]) -> dict[str, StaffProfile]:
    wanted = set(people)
    if not wanted:
        return {}
    rows = await session.scalars(select(StaffProfile).where(StaffProfile.person.in_(wanted)))
    return {r.person: r for r in rows}


async def people_named(session: AsyncSession, name: str) -> list[str]:
    """Person keys of staff who set exactly this name."""
    return list(await session.scalars(select(StaffProfile.person).where(StaffProfile.name == name)))


async def display_names(session: AsyncSession, people: Iterable[str]) -> dict[str, str]:
    """Chat display names (the fallback when nobody set a name): person key → name."""
    out: dict[str, str] = {}
    for key in set(people):
        channel, _, user_id = key.partition(":")
        name = await session.scalar(select(Resident.display_name).where(
            Resident.channel == channel, Resident.user_id == user_id))
        if name:
            out[key] = name
    return out
