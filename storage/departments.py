"""Existing data onto department codes: matters and granted roles stored before the registry
held free strings (`民政办（社会事务办）`). Run on every start (cheap: distinct values only),
so a database from before the registry — or a registry that gained a short name — is brought
up to date without a hand-written mapping.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.departments import Registry
from storage.models import Matter, StaffRole

log = logging.getLogger(__name__)


async def migrate_to_codes(session: AsyncSession, registry: Registry) -> dict[str, str | None]:
    """Rewrite every stored department that is not a code to the code its text names; a text
    naming no registered department is left as it is (supervisors still see it) and logged.
    Returns what was rewritten or left (text → code, or None)."""
    codes = set(registry.codes)
    changes: dict[str, str | None] = {}
    for model in (Matter, StaffRole):
        values = await session.scalars(
            select(model.department).where(model.department.is_not(None)).distinct())
        for text in values:
            if text in codes:
                continue
            code = registry.find_in(text)
            changes[text] = code
            if code is None:
                log.warning("department %r names no registered department: left as it is", text)
                continue
            await session.execute(update(model).where(model.department == text)
                                  .values(department=code))
    return changes
