"""What the WeChat channel keeps in the database: incoming messages admitted once (inbox),
the callback nonces already used, the numbered options last shown to a person, file links,
and unsubscribes.

Plain async functions over a session; the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import upsert
from storage.models import FileLink, InboxUpdate, LastMessage, NumberedOptions, WeChatNonce


async def admit(session: AsyncSession, *, channel: str, update_key: str,
                payload: dict[str, Any], now: datetime) -> bool:
    """Store an incoming message before handling it; False if it was stored before (a
    retry or a replay: processed, or being handled by whoever stored it first)."""
    stmt = (upsert(session)(InboxUpdate)
            .values(channel=channel, update_key=update_key, payload=payload, received_at=now)
            .on_conflict_do_nothing(index_elements=["channel", "update_key"])
            .returning(InboxUpdate.id))
    return (await session.execute(stmt)).scalar() is not None


async def options_of(session: AsyncSession, *, channel: str, user_id: str) -> dict[str, str]:
    """The typed number → callback data of the options last shown (empty if none)."""
    row = await session.get(NumberedOptions, (channel, user_id))
    return {str(k): str(v) for k, v in (row.options if row else {}).items()}


async def save_options(session: AsyncSession, *, channel: str, user_id: str,
                       options: dict[str, str], now: datetime) -> None:
    """Replace the options shown to a person (an empty mapping: numbers mean nothing now)."""
    stmt = upsert(session)(NumberedOptions).values(
        channel=channel, user_id=user_id, options=options, updated_at=now)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=["channel", "user_id"],
        set_={"options": stmt.excluded.options, "updated_at": stmt.excluded.updated_at}))


async def add_file(session: AsyncSession, *, token: str, channel: str, user_id: str,
                   filename: str, content_type: str, data: bytes, now: datetime,
                   expires_at: datetime) -> None:
    session.add(FileLink(token=token, channel=channel, user_id=user_id, filename=filename,
                         content_type=content_type, data=data, created_at=now,
                         expires_at=expires_at))


async def live_file(session: AsyncSession, *, token: str, now: datetime) -> FileLink | None:
    """The file behind a link, unless unknown or expired."""
    return await session.scalar(
        select(FileLink).where(FileLink.token == token, FileLink.expires_at > now))


async def prune_files(session: AsyncSession, *, now: datetime) -> int:
    result = await session.execute(delete(FileLink).where(FileLink.expires_at <= now))
    return result.rowcount or 0


async def note_message(session: AsyncSession, *, channel: str, user_id: str,
                       now: datetime) -> None:
    """The person wrote (or followed, scanned, clicked): the 48-hour window opens anew."""
    stmt = upsert(session)(LastMessage).values(channel=channel, user_id=user_id, at=now)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=["channel", "user_id"], set_={"at": stmt.excluded.at}))


async def last_message_at(session: AsyncSession, *, channel: str,
                          user_id: str) -> datetime | None:
    """When the person last wrote (None: not since this was recorded)."""
    row = await session.get(LastMessage, (channel, user_id))
    return row.at if row else None
async def admit_nonce(session: AsyncSession, *, timestamp: str, nonce: str,
                      expires_at: datetime) -> bool:
    """Remember a callback's (timestamp, nonce) pair; False if it was used before (a replay).
    The primary key decides, so two workers racing with one pair cannot both win."""
    stmt = (upsert(session)(WeChatNonce)
            .values(timestamp=timestamp, nonce=nonce, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=["timestamp", "nonce"])
            .returning(WeChatNonce.nonce))
    return (await session.execute(stmt)).scalar() is not None


async def prune_nonces(session: AsyncSession, *, now: datetime) -> int:
    """Forget pairs whose timestamp the freshness window refuses anyway."""
    result = await session.execute(delete(WeChatNonce).where(WeChatNonce.expires_at <= now))
    return result.rowcount or 0
