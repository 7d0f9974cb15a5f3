"""What the web chat keeps in the database: each visitor's conversation as the page shows it,
and the documents and pictures sent to them (file links, shared with WeChat's table).

Plain async functions over a session; the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FileLink, WebMessage

CHANNEL = "web"


async def add_message(session: AsyncSession, *, user_id: str, author: str,
                      body: dict[str, Any], now: datetime) -> int:
    """Append a message to a visitor's history; its id (the page orders and edits by it)."""
    row = WebMessage(user_id=user_id, author=author, body=body, created_at=now)
    session.add(row)
    await session.flush()
    return row.id


async def replace_message(session: AsyncSession, *, user_id: str, message_id: int,
                          body: dict[str, Any]) -> bool:
    """A bot message edited in place (a ticked checklist); only the visitor's own."""
    result = await session.execute(
        update(WebMessage)
        .where(WebMessage.id == message_id, WebMessage.user_id == user_id,
               WebMessage.author == "bot")
        .values(body=body))
    return bool(result.rowcount)


async def recent_messages(session: AsyncSession, *, user_id: str, limit: int = 60,
                          after: int = 0) -> list[WebMessage]:
    """The last `limit` messages of a visitor (newer than `after`), oldest first."""
    rows = await session.scalars(
        select(WebMessage)
        .where(WebMessage.user_id == user_id, WebMessage.id > after)
        .order_by(WebMessage.id.desc()).limit(limit))
    return list(reversed(list(rows)))


async def prune_messages(session: AsyncSession, *, before: datetime) -> int:
    result = await session.execute(delete(WebMessage).where(WebMessage.created_at < before))
    return result.rowcount or 0


async def add_file(session: AsyncSession, *, token: str, user_id: str, filename: str,
                   content_type: str, data: bytes, now: datetime, expires_at: datetime) -> None:
    session.add(FileLink(token=token, channel=CHANNEL, user_id=user_id, filename=filename,
                         content_type=content_type, data=data, created_at=now,
                         expires_at=expires_at))


async def visitor_file(session: AsyncSession, *, token: str, user_id: str,
                       now: datetime) -> FileLink | None:
    """A web file, only for the visitor it was sent to, unless expired."""
    return await session.scalar(
        select(FileLink).where(FileLink.token == token, FileLink.channel == CHANNEL,
                               FileLink.user_id == user_id, FileLink.expires_at > now))


async def prune_files(session: AsyncSession, *, now: datetime) -> int:
    result = await session.execute(
        delete(FileLink).where(FileLink.channel == CHANNEL, FileLink.expires_at <= now))
    return result.rowcount or 0
