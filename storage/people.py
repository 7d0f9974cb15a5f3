"""Residents (everyone who talks to the bot), their roles, and the audit log of privileged acts."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import clean_name
from storage.models import AuditEntry, Conversation, Resident, StaffRole

ROLE_ORDER = ("resident", "staff", "supervisor", "admin")
LAST_SEEN_PRECISION = timedelta(minutes=1)


class StaffConfig(Protocol):
    """The roles given in configuration: the four plain fields storage reads (the app's
    `Settings` has them; so may any frozen value)."""

    @property
    def staff(self) -> Sequence[str]: ...
    @property
    def supervisors(self) -> Sequence[str]: ...
    @property
    def admins(self) -> Sequence[str]: ...
    @property
    def staff_departments(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class Role:
    name: str = "resident"
    department: str | None = None
    from_config: bool = False

    def at_least(self, name: str) -> bool:
        return ROLE_ORDER.index(self.name) >= ROLE_ORDER.index(name)

    @property
    def is_staff(self) -> bool:
        return self.at_least("staff")


def configured_role(config: StaffConfig, key: str) -> Role | None:
    """Roles bootstrapped from configuration (admins first: the highest wins)."""
    dept = config.staff_departments.get(key)
    if key in config.admins:
        return Role("admin", dept, True)
    if key in config.supervisors:
        return Role("supervisor", dept, True)
    if key in config.staff:
        return Role("staff", dept, True)
    return None


class GrantedRoles:
    """A snapshot of the `staff_roles` table, re-read when older than `ttl` seconds.

    Every update needs its sender's role; the table is tiny and rarely changes, so one
    query per few seconds replaces one per update. A grant or revoke in this process
    invalidates it at once; other processes see it within `ttl`."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._rows: dict[str, Role] = {}
        self._loaded_at: float | None = None

    def invalidate(self) -> None:
        self._loaded_at = None

    async def get(self, session: AsyncSession, key: str) -> Role | None:
        now = time.monotonic()
        if self._loaded_at is None or now - self._loaded_at > self.ttl:
            rows = await session.scalars(select(StaffRole))
            self._rows = {f"{r.channel}:{r.user_id}": Role(r.role, r.department) for r in rows}
            self._loaded_at = now
        return self._rows.get(key)


async def role_of(session: AsyncSession, config: StaffConfig, channel: str, user_id: str,
                  granted_roles: GrantedRoles | None = None) -> Role:
    """The effective role: the higher of the configured and the granted one."""
    key = f"{channel}:{user_id}"
    configured = configured_role(config, key)
    if granted_roles is not None:
        granted = await granted_roles.get(session, key)
    else:
        row = await session.scalar(
            select(StaffRole).where(StaffRole.channel == channel, StaffRole.user_id == user_id)
        )
        granted = Role(row.role, row.department) if row else None
    candidates = [r for r in (configured, granted) if r is not None]
    if not candidates:
        return Role()
    best = max(candidates, key=lambda r: ROLE_ORDER.index(r.name))
    dept = best.department or next((r.department for r in candidates if r.department), None)
    return Role(best.name, dept, best.from_config)


async def get_or_create_resident(session: AsyncSession, *, channel: str, user_id: str,
                                 display_name: str = "", language: str = "zh",
                                 now: datetime) -> tuple[Resident, Conversation]:
    """The person and their conversation row (one query), created on first contact."""
    display_name = clean_name(display_name)  # no bidi overrides into staff screens
    row = (await session.execute(
        select(Resident, Conversation)
        .outerjoin(Conversation, Conversation.resident_id == Resident.id)
        .where(Resident.channel == channel, Resident.user_id == user_id)
    )).first()
    person, conv = row if row is not None else (None, None)
    if person is None:
        person = Resident(channel=channel, user_id=user_id, display_name=display_name[:128],
                          language=language, created_at=now, last_seen_at=now)
        session.add(person)
        await session.flush()
        conv = Conversation(resident_id=person.id, state="idle", data={}, updated_at=now)
        session.add(conv)
        await session.flush()
        return person, conv
    if now - person.last_seen_at >= LAST_SEEN_PRECISION:
        person.last_seen_at = now  # not on every update: an UPDATE per message for nothing
    # after /forget the chat app's profile name is no longer collected (what they type or
    # share on purpose, e.g. a booking's phone, still is)
    if display_name and person.forgotten_at is None and person.display_name != display_name[:128]:
        person.display_name = display_name[:128]
    if person.unreachable:  # they wrote to us again, so they unblocked the bot
        person.unreachable = False
        person.unreachable_since = None
    if conv is None:
        conv = Conversation(resident_id=person.id, state="idle", data={}, updated_at=now)
        session.add(conv)
        await session.flush()
    return person, conv


async def find_resident(session: AsyncSession, key: str) -> Resident | None:
    channel, _, user_id = key.partition(":")
    return await session.scalar(
        select(Resident).where(Resident.channel == channel, Resident.user_id == user_id)
    )


async def resident_by_id(session: AsyncSession, resident_id: int) -> Resident | None:
    return await session.get(Resident, resident_id)


async def conversation_of(session: AsyncSession, resident_id: int) -> Conversation | None:
    """A person's dialog row (its `state` says whether "3" may be an answer)."""
    return await session.get(Conversation, resident_id)


async def mark_unreachable(session: AsyncSession, *, channel: str, user_id: str,
                           now: datetime) -> Resident | None:
    """The person blocked the bot or unsubscribed; None if we never met them."""
    resident = await session.scalar(
        select(Resident).where(Resident.channel == channel, Resident.user_id == user_id))
    if resident is None:
        return None
    await session.execute(update(Resident).where(Resident.id == resident.id)
                          .values(unreachable=True, unreachable_since=now))
    return resident


async def staff_members(session: AsyncSession, config: StaffConfig, *,
                        department: str | None = None, min_role: str = "staff",
                        now: datetime | None = None) -> list[str]:
    """Person keys of everyone with at least `min_role`, optionally of one department first;
    given `now`, members away then are replaced by their backups (AB岗)."""
    keys = await _members(session, config, department=department, min_role=min_role)
    if now is None or not keys:
        return keys
    from storage.absences import away_now, stand_ins  # absences import matters, which import us

    away = await away_now(session, now)
    return stand_ins(keys, away) if away else keys


async def _members(session: AsyncSession, config: StaffConfig, *,
                   department: str | None, min_role: str) -> list[str]:
    keys: dict[str, str | None] = {}
    for key in (*config.staff, *config.supervisors, *config.admins):
        role = configured_role(config, key)
        if role and role.at_least(min_role):
            keys[key] = role.department
    rows = await session.scalars(select(StaffRole))
    for row in rows:
        if Role(row.role).at_least(min_role):
            keys[f"{row.channel}:{row.user_id}"] = row.department
    if department:
        # a department's matter goes to its staff; if it has none, to the staff of no
        # department (the general desk), else to supervisors — never to another department
        same = [k for k, d in keys.items() if d == department]
        general = [k for k, d in keys.items() if d is None]
        if same or general:
            return same or general
        if min_role != "supervisor":
            return await _members(session, config, department=None, min_role="supervisor")
        return []
    return list(keys)


async def audit(session: AsyncSession, *, actor: str, role: str, action: str, now: datetime,
                matter_id: int | None = None, target: str | None = None, detail: str = "",
                allowed: bool = True) -> None:
    """Write one audit line (登记备案); refused attempts are recorded too."""
    session.add(AuditEntry(at=now, actor=actor, role=role, action=action, matter_id=matter_id,
                           target=target, detail=detail[:2000], allowed=allowed))


async def residents_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Resident]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Resident).where(Resident.id.in_(wanted)))
    return {r.id: r for r in rows}


async def unreachable_among(session: AsyncSession, ids: Iterable[int]) -> set[int]:
    """Which of these residents blocked the bot (staff must phone them instead)."""
    wanted = set(ids)
    if not wanted:
        return set()
    rows = await session.scalars(
        select(Resident.id).where(Resident.id.in_(wanted), Resident.unreachable.is_(True)))
    return set(rows)


async def recent_audit(session: AsyncSession, *, limit: int,
                       matter_id: int | None = None) -> list[AuditEntry]:
    """The latest audit lines, or those of one matter, newest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if matter_id is not None:
        stmt = stmt.where(AuditEntry.matter_id == matter_id)
    return list(await session.scalars(stmt))
