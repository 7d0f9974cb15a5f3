"""Access tokens one deployment shares (the WeChat access token).

WeChat hands out a new access token on every `/cgi-bin/token` call and retires the previous
one within minutes, so workers fetching their own knock each other out. Here the token lives
in one `api_tokens` row: every worker reads it; the one that finds it missing, expiring or
rejected takes the row's lock (`SELECT … FOR UPDATE` on PostgreSQL, the write lock on SQLite),
looks again — another worker may have just renewed it — and only then fetches, writes and
commits. A rejected token is renewed only if it is still the stored one: several workers told
40001 about the same token cause one fetch, not one each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import on_postgres, upsert
from storage.models import ApiToken


@dataclass(frozen=True)
class StoredToken:
    token: str
    expires_at: datetime


async def read(session: AsyncSession, *, name: str) -> StoredToken | None:
    row = await session.get(ApiToken, name, populate_existing=True)
    if row is None or not row.token:
        return None
    return StoredToken(row.token, row.expires_at)


async def lock(session: AsyncSession, *, name: str, now: datetime) -> StoredToken | None:
    """Lock the token's row for this transaction (creating it empty) and return what it holds:
    whoever holds the lock is the one worker that may fetch a new token."""
    ins = upsert(session)
    await session.execute(ins(ApiToken).values(name=name, token="", expires_at=now, fetched_at=now)
                          .on_conflict_do_nothing(index_elements=["name"]))
    stmt = select(ApiToken).where(ApiToken.name == name).execution_options(populate_existing=True)
    if on_postgres(session):
        stmt = stmt.with_for_update()
    row = (await session.scalars(stmt)).one()
    return StoredToken(row.token, row.expires_at) if row.token else None


async def store(session: AsyncSession, *, name: str, token: str, expires_at: datetime,
                now: datetime) -> None:
    row = await session.get(ApiToken, name)
    if row is None:
        session.add(ApiToken(name=name, token=token, expires_at=expires_at, fetched_at=now))
        return
    row.token, row.expires_at, row.fetched_at = token, expires_at, now
