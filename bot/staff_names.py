"""Staff as residents and colleagues read them: department, name and window.

The name is the one set with /profile, else the configured `staff_profiles` one, else the
person's chat name; the window is theirs, else their department's. Never an account id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import Services
from domain.names import StaffName, clean_name
from storage.absences import away_now
from storage.people import role_of
from storage.profiles import display_names, profiles


async def staff_names(session: AsyncSession, services: Services,
                      people: Iterable[str | None]) -> dict[str, StaffName]:
    """Person key → StaffName for every key given (residents get their chat name alone)."""
    keys = {k for k in people if k}
    if not keys:
        return {}
    settings = services.settings
    rows = await profiles(session, keys)
    chat = await display_names(session, keys)
    out: dict[str, StaffName] = {}
    for key in keys:
        channel, _, uid = key.partition(":")
        role = await role_of(session, settings, channel, uid, services.granted_roles)
        configured = settings.staff_profiles.get(key, {})
        row = rows.get(key)
        name = (row.name if row else "") or configured.get("name") or chat.get(key, "")
        if not role.is_staff:
            out[key] = StaffName(clean_name(name))
            continue
        dept = services.registry.get(role.department)
        window = (row.window if row else None) or configured.get("window") or (
            dept.window if dept else None)
        out[key] = StaffName(clean_name(name), window, role.department)
    return out


async def staff_name(session: AsyncSession, services: Services, key: str | None) -> StaffName:
    if not key:
        return StaffName()
    return (await staff_names(session, services, [key]))[key]


async def away_entries(session: AsyncSession, services: Services,
                       now: datetime) -> list[tuple[StaffName, datetime, StaffName]]:
    """Who is away (AB岗), until when (the last moment of their last day), and their backup."""
    rows = await away_now(session, now)
    names = await staff_names(session, services, [*rows, *(r.backup for r in rows.values())])
    return [(names[k], r.until - timedelta(seconds=1), names[r.backup])
            for k, r in sorted(rows.items())]
