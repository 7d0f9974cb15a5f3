"""The outbox worker: delivers queued notices through the channels, once each, in order per
recipient, within the Bot API's limits.

Retries with exponential backoff on server and connection errors (for about five hours
before a notice is given up as failed); a 429 is retried after its `retry_after`, holds the
whole worker back for that long (Telegram may mean the bot, not just the chat) and does not
count as a failed attempt. Sends are paced to the Bot API's limits: `outbox_rate_per_second`
overall and `outbox_per_chat_interval` per chat, for all workers on the database together
(bot/ratelimit.py: slots taken from shared rows; a 429 holds every worker back). A blocked
bot (403) marks the recipient unreachable, fails their pending notices, and tells the owners
of their open matters to phone them instead.
Several workers may run at once: rows are claimed with a lease (and `SKIP LOCKED` on
PostgreSQL), and per recipient only the oldest undelivered notice is claimable, so notices
arrive in order. Telegram has no idempotency key: a worker that dies between the send and
`mark_sent` sends that one notice again after the lease — at least once, never silently lost.

Scheduled jobs that must run wherever delivery runs (the deadline scheduler) are passed as
`companions` and run as tasks beside the delivery loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot import metrics
from bot.notices import resident_unreachable
from bot.ratelimit import SharedLimiter, limits_from
from bot.services import Services
from domain.messages import Reply
from storage import outbox
from storage.db import OutageLog
from storage.models import Outbox

log = logging.getLogger(__name__)

# 0.5 s doubling to the 10-minute cap takes 11 attempts (~17 min); 40 attempts ≈ 5 hours of a
# Bot API outage before a notice is marked failed (staff see failed notices in /show).
MAX_ATTEMPTS = 40
MAX_BACKOFF = 600.0
Companion = Callable[[asyncio.Event], Awaitable[None]]
Outcome = Callable[[Any], Awaitable[Any]]  # writes one send's result in a session


class DeliveryError(Exception):
    """Base of what a sender may raise."""


class RetryLater(DeliveryError):
    """Temporary: rate limit, server error, connection trouble. `hold_all=False`: the wait
    concerns this recipient only (a work-group robot's 20 a minute), not the whole worker."""

    def __init__(self, reason: str, retry_after: float | None = None, *,
                 hold_all: bool = True) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.hold_all = hold_all


class PermanentFailure(DeliveryError):
    """The message can never be delivered as it is (e.g. 400 Bad Request)."""


class RecipientBlocked(PermanentFailure):
    """The person blocked the bot or deleted their account (403)."""


class Sender(Protocol):
    """Delivers one notice. A sender may also have `send_notice(row, replies)` (it needs the
    row: the notice's kind, matter, booking) returning how it went out (`Outbox.via`)."""

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
                 batch: int = 50, companions: Sequence[Companion] = (),
                 held: Callable[[], Collection[int]] = frozenset) -> None:
        settings = services.settings
        self.services = services
        self.senders = dict(senders)
        self.batch = batch
        self.limiter = SharedLimiter(services.db, limits_from(settings))
        self._stopping: asyncio.Event | None = None  # run()'s stop: no new sends once set
        self._wake = asyncio.Event()
        self._hold_until: datetime | None = None  # after a 429: nothing is sent before this
        self._outcomes: list[Outcome] = []
        self._record_lock = asyncio.Lock()
        self.companions = list(companions)
        self.held = held  # owed replies this process is sending itself (bot.owed)
        self.stats = DeliveryStats()
        # (channel, user id): deliver only this person's notices (a console process), so
        # several processes on one database never take each other's
        self.only: tuple[str, str] | None = None

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, *, poll: float = 1.0) -> None:
        self._stopping = stop
        tasks = [asyncio.create_task(companion(stop)) for companion in self.companions]
        outage = OutageLog(log, "outbox worker")
        try:
            while not stop.is_set():
                n = await outage.attempt(self.run_once, "outbox pass failed") or 0
                if n == 0:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=poll)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def run_once(self, *, kind: str | None = None) -> int:
        """Claim due notices (of `kind` only, if given) and deliver them; returns how many
        were handled."""
        if self._hold_until is not None and self.services.now() < self._hold_until:
            return 0
        async with self.services.db.transaction() as session:
            rows = await outbox.claim_due(session, now=self.services.now(), limit=self.batch,
                                          exclude=self.held(), recipient=self.only, kind=kind)
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def drain(self, *, within: float = 30.0, kind: str | None = None) -> None:
        """Deliver until nothing (of `kind`) is due (tests, shutdown, owed replies at start)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + within
        while loop.time() < end:
            if await self.run_once(kind=kind) == 0:
                return
        raise TimeoutError("outbox did not drain")

    async def _deliver(self, row: Outbox) -> None:
        sender = self.senders.get(row.channel)
        replies = [Reply.from_dict(r) for r in row.payload.get("replies", [])]
        try:
            if sender is None:
                raise RetryLater(f"no sender for channel {row.channel}")
            if not await self._slot_or_stop(row):
                return  # stopping: handed back (lease released) before anything was sent
            send_notice = getattr(sender, "send_notice", None)
            via = await (send_notice(row, replies) if send_notice is not None
                         else sender.send(row.user_id, replies))
        # (outcomes may be written after the except block ends: they capture `error`, not `exc`)
        except RecipientBlocked as exc:
            self.stats.failed += 1
            metrics.SENDS.labels(row.channel, "blocked").inc()
            error = str(exc)
            await self._record(lambda s: self._blocked(s, row, error))
        except PermanentFailure as exc:
            self.stats.failed += 1
            metrics.SENDS.labels(row.channel, "failed").inc()
            log.warning("notice %s failed for good: %s", row.id, exc)
            error, failed_via = str(exc), getattr(exc, "via", None)
            await self._record(lambda s: outbox.mark_failed(s, outbox_id=row.id, error=error,
                                                            via=failed_via))
        except (RetryLater, Exception) as exc:  # unknown errors are retried, then given up
            error = str(exc)
            retry_after = exc.retry_after if isinstance(exc, RetryLater) else None
            if not isinstance(exc, RetryLater):
                log.exception("unexpected error delivering notice %s", row.id)
            self.stats.retried += 1
            metrics.SENDS.labels(row.channel, "retry" if retry_after is None
                                 else "rate_limited").inc()
            now = self.services.now()
            if retry_after is not None and getattr(exc, "hold_all", True):
                hold = now + timedelta(seconds=float(retry_after))
                self._hold_until = max(hold, self._hold_until or hold)
                with contextlib.suppress(Exception):  # the other workers too (best effort)
                    await self.limiter.hold(row.channel, float(retry_after))
            if row.attempts >= MAX_ATTEMPTS and retry_after is None:
                self.stats.failed += 1
                await self._record(lambda s: outbox.mark_failed(s, outbox_id=row.id,
                                                                error=error))
            else:
                at = now + timedelta(seconds=backoff(row.attempts, retry_after))
                # being told to slow down is not a failure of the notice
                await self._record(lambda s: outbox.mark_retry(
                    s, outbox_id=row.id, at=at, error=error,
                    count_attempt=retry_after is None))
        else:
            self.stats.sent += 1
            metrics.SENDS.labels(row.channel, "sent").inc()
            now = self.services.now()
            sent_via = via if isinstance(via, str) else None
            await self._record(lambda s: outbox.mark_sent(s, outbox_id=row.id, now=now,
                                                          via=sent_via))

    async def _slot_or_stop(self, row: Outbox) -> bool:
        """Wait for a send slot (shared by all workers). If the worker is told to stop first,
        the notice is handed back — its lease released, its attempt not counted — for another
        worker or the next start: a stopping worker sends nothing new."""
        stopping = self._stopping
        if stopping is None:
            await self.limiter.acquire(row.channel, row.user_id)
            return True
        if not stopping.is_set():
            slot = asyncio.ensure_future(self.limiter.acquire(row.channel, row.user_id))
            stopped = asyncio.ensure_future(stopping.wait())
            await asyncio.wait({slot, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if slot.done():
                slot.result()  # a failure to take a slot is retried like a failed send
                return True
            slot.cancel()
        outbox_id = row.id
        await self._record(lambda s: outbox.release(s, outbox_id=outbox_id))
        return False

    async def _record(self, outcome: Outcome) -> None:
        """Write a send's outcome at once — the sooner a sent notice is marked, the smaller
        the window in which a crash would send it again — but commit concurrent outcomes
        together: one writer transaction instead of dozens queueing for SQLite's lock."""
        self._outcomes.append(outcome)
        async with self._record_lock:
            batch, self._outcomes = self._outcomes, []
            if not batch:
                return  # written by the transaction of an earlier caller
            async with self.services.db.transaction() as session:
                for apply in batch:
                    await apply(session)

    async def _blocked(self, session, row: Outbox, error: str) -> None:  # type: ignore[no-untyped-def]
        await outbox.mark_failed(session, outbox_id=row.id, error=error)
        await resident_unreachable(session, self.services, channel=row.channel,
                                   user_id=row.user_id, now=self.services.now(), error=error)
        log.info("recipient %s:%s blocked the bot; notices marked failed", row.channel,
                 row.user_id[:3] + "***")
