"""The log of questions asked in chat and how they were matched (for reports on hot topics)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.privacy import mask_text
from storage.models import Query


async def log_query(session: AsyncSession, *, resident_id: int | None, text: str, now: datetime,
                    item_id: str | None, confident: bool, score: float,
                    language: str | None = None, reading: str | None = None) -> None:
    """Keep a question; one not answered confidently keeps the matcher's `reading` too — it
    is a knowledge gap (storage.gaps)."""
    session.add(Query(resident_id=resident_id, text=mask_text(text)[:500], at=now,
                      item_id=item_id if confident else None, confident=confident,
                      score=float(score), language=language,
                      reading=None if confident else (reading or "")))
