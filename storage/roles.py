"""Granting and revoking staff roles (admins only); configured roles cannot be revoked here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from storage.matters import OPEN_STATUSES
from storage.models import Matter, StaffRole
from storage.people import StaffConfig, configured_role

GRANTABLE = ("staff", "supervisor", "admin")


async def grant(session: AsyncSession, *, key: str, role: str, department: str | None,
                by: str, now: datetime) -> StaffRole:
    """Give `key` a role (replacing a granted one); the department scopes what staff see."""
    if role not in GRANTABLE:
        raise DomainError("bad_role", role=role[:20])
    channel, _, user_id = key.partition(":")
    row = await session.scalar(
        select(StaffRole).where(StaffRole.channel == channel, StaffRole.user_id == user_id)
    )
    if row is None:
        row = StaffRole(channel=channel, user_id=user_id)
        session.add(row)
    row.role = role
    row.department = department
    row.granted_by = by
    row.granted_at = now
    await session.flush()
    return row


async def revoke(session: AsyncSession, config: StaffConfig, *, key: str) -> str:
    """Remove a granted role; returns the role removed. Roles from configuration stay: they
    are how admins bootstrap, so a mistaken /revoke can never lock everyone out."""
    if configured_role(config, key) is not None:
        raise DomainError("revoke_configured", who=key)
    channel, _, user_id = key.partition(":")
    row = await session.scalar(
        select(StaffRole).where(StaffRole.channel == channel, StaffRole.user_id == user_id)
    )
    if row is None:
        raise DomainError("no_granted_role", who=key)
    role = row.role
    await session.execute(delete(StaffRole).where(StaffRole.id == row.id))
    return role


async def granted_roles(session: AsyncSession) -> list[StaffRole]:
    return list(await session.scalars(select(StaffRole).order_by(StaffRole.role, StaffRole.id)))


async def open_matters_owned(session: AsyncSession, key: str) -> int:
    return await session.scalar(
        select(func.count()).select_from(Matter)
        .where(Matter.owner == key, Matter.status.in_(OPEN_STATUSES))
    ) or 0
