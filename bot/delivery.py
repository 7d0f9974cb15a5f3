"""The outbox worker: delivers queued notices through the channels, once each, in order per
recipient, within the Bot API's limits.

Retries with exponential backoff on rate limits (honouring `retry_after`), server errors and
connection errors; a blocked bot (403) marks the recipient unreachable and fails their
pending notices, which staff then see. Several workers may run at once: rows are claimed with
a lease (and `SKIP LOCKED` on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy import update

from bot.core import Reply
from bot.services import Services
from storage import outbox
from storage.models import Outbox, Resident

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
MAX_BACKOFF = 600.0


class DeliveryError(Exception):
    """Base of what a sender may raise."""


class RetryLater(DeliveryError):
    """Temporary: rate limit, server error, connection trouble."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """The message can never be delivered as it is (e.g. 400 Bad Request)."""


class RecipientBlocked(PermanentFailure):
    """The person blocked the bot or deleted their account (403)."""


class Sender(Protocol):
    async def send(self, user_id: str, replies: list[Reply]) -> None: ...


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int, retry_after: float | None = None) -> float:
    if retry_after is not None:
        return float(retry_after) + 0.05
    base = min(MAX_BACKOFF, 0.5 * 2 ** max(0, attempts - 1))
    return base * (0.8 + 0.4 * random.random())


class DeliveryWorker:
    def __init__(self, services: Services, senders: Mapping[str, Sender], *,
                 batch: int = 50) -> None:
        settings = services.settings
        self.services = services
        self.senders = dict(senders)
        self.batch = batch
        self.limiter = AsyncLimiter(max(1.0, settings.outbox_rate_per_second), 1)
        self.per_chat_interval = settings.outbox_per_chat_interval
        self._last_sent: dict[str, float] = {}
        self._wake = asyncio.Event()
        self.stats = DeliveryStats()

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, *, poll: float = 1.0) -> None:
        while not stop.is_set():
            try:
                n = await self.run_once()
            except Exception:  # the worker must outlive a database hiccup
                log.exception("outbox pass failed")
                n = 0
            if n == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=poll)

    async def run_once(self) -> int:
        """Claim due notices and deliver them; returns how many were handled."""
        async with self.services.db.transaction() as session:
            rows = await outbox.claim_due(session, now=self.services.now(), limit=self.batch)
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def drain(self, *, within: float = 30.0) -> None:
        """Deliver until nothing is due (tests, shutdown)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + within
        while loop.time() < end:
            if await self.run_once() == 0:
                return
        raise TimeoutError("outbox did not drain")

    async def _pace(self, chat: str) -> None:
        loop = asyncio.get_running_loop()
        last = self._last_sent.get(chat)
        if last is not None:
            wait = self.per_chat_interval - (loop.time() - last)
            if wait > 0:
                await asyncio.sleep(wait)
        await self.limiter.acquire()
        self._last_sent[chat] = loop.time()
        if len(self._last_sent) > 10_000:
            self._last_sent.clear()

    async def _deliver(self, row: Outbox) -> None:
        sender = self.senders.get(row.channel)
        replies = [Reply.from_dict(r) for r in row.payload.get("replies", [])]
        try:
            if sender is None:
                raise RetryLater(f"no sender for channel {row.channel}")
            await self._pace(f"{row.channel}:{row.user_id}")
            await sender.send(row.user_id, replies)
        except RecipientBlocked as exc:
            await self._blocked(row, str(exc))
        except PermanentFailure as exc:
            self.stats.failed += 1
            log.warning("notice %s failed for good: %s", row.id, exc)
            async with self.services.db.transaction() as session:
                await outbox.mark_failed(session, outbox_id=row.id, error=str(exc))
        except (RetryLater, Exception) as exc:  # unknown errors are retried, then given up
            retry_after = exc.retry_after if isinstance(exc, RetryLater) else None
            if not isinstance(exc, RetryLater):
                log.exception("unexpected error delivering notice %s", row.id)
            self.stats.retried += 1
            async with self.services.db.transaction() as session:
                if row.attempts >= MAX_ATTEMPTS:
                    self.stats.failed += 1
                    await outbox.mark_failed(session, outbox_id=row.id, error=str(exc))
                else:
                    at = self.services.now() + timedelta(seconds=backoff(row.attempts,
                                                                         retry_after))
                    await outbox.mark_retry(session, outbox_id=row.id, at=at, error=str(exc))
        else:
            self.stats.sent += 1
            async with self.services.db.transaction() as session:
                await outbox.mark_sent(session, outbox_id=row.id, now=self.services.now())

    async def _blocked(self, row: Outbox, error: str) -> None:
        self.stats.failed += 1
        now = self.services.now()
        async with self.services.db.transaction() as session:
            await outbox.mark_failed(session, outbox_id=row.id, error=error)
            await outbox.fail_pending_for(session, channel=row.channel, user_id=row.user_id,
                                          error=error)
            await session.execute(
                update(Resident)
                .where(Resident.channel == row.channel, Resident.user_id == row.user_id)
                .values(unreachable=True, unreachable_since=now)
            )
        log.info("recipient %s:%s blocked the bot; notices marked failed", row.channel,
                 row.user_id[:3] + "***")
