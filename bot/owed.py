"""Replies owed until sent: the channel's side of the dispatcher's `owe=True`.

The dispatcher records an update's replies in the outbox, leased to this process, in the
update's own transaction. The channel sends them at once (the fast path: no waiting for the
delivery worker's poll) and then settles them here. Settling is batched: concurrent updates
mark their rows sent in one transaction, the way the delivery worker records its outcomes.
Replies the fast path could not finish are handed over to the delivery worker, which keeps
trying; a row whose process died before settling comes back when its lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from bot.services import Services
from domain.messages import Reply
from storage import outbox

log = logging.getLogger(__name__)


# Sent replies are recorded together, at most this long after the send: one write for many
# updates under load. A crash inside the window sends those replies once more (their lease
# runs out unsettled) — at least once, never lost.
SETTLE_DELAY = 0.1


class OwedReplies:
    def __init__(self, services: Services, *, wake: Callable[[], None] | None = None) -> None:
        self.services = services
        self.wake = wake  # the delivery worker, when replies are handed over
        self._sent: list[int] = []
        self._held: set[int] = set()  # owed here and not yet recorded as sent or handed over
        self._flusher: asyncio.Task[None] | None = None

    def hold(self, owed_id: int | None) -> None:
        """This process sends `owed_id` itself: its own delivery worker leaves it alone, even
        past the lease (a 429 waited out on the fast path can outlast it)."""
        if owed_id is not None:
            self._held.add(owed_id)

    def held(self) -> frozenset[int]:
        return frozenset(self._held)

    def settle(self, owed_id: int | None) -> None:
        """The replies of `owed_id` were delivered: recorded within SETTLE_DELAY."""
        if owed_id is None:
            return
        self._sent.append(owed_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        # settled while a flush was writing: those go with the next round, not never
        delay = SETTLE_DELAY
        while self._sent:
            await asyncio.sleep(delay)
            delay = SETTLE_DELAY if await self.flush() else 2.0

    async def flush(self) -> bool:
        """Record the sent replies now (also on shutdown); False if the database failed."""
        batch, self._sent = self._sent, []
        if not batch:
            return True
        try:
            async with self.services.db.transaction() as session:
                await outbox.settle_owed(session, sent=batch, now=self.services.now())
            self._held.difference_update(batch)
            if self.wake is not None:
                self.wake()  # notices queued behind these replies (per-person order) may go
            return True
        except Exception as exc:  # the database blinked: the flusher tries again
            self._sent[:0] = batch
            log.warning("could not record %d sent repl(ies) yet: %s", len(batch),
                        type(exc).__name__)
            return False

    async def hand_over(self, owed_id: int | None, remaining: Sequence[Reply],
                        error: str) -> bool:
        """The fast path stopped at `remaining`: the delivery worker sends them (at once, with
        its retries). False if the row could not be updated — its lease then runs out and the
        worker sends the whole answer."""
        if owed_id is None:
            return False
        try:
            async with self.services.db.transaction() as session:
                await outbox.hand_over_owed(session, outbox_id=owed_id,
                                            replies=[r.to_dict() for r in remaining],
                                            at=self.services.now(), error=error)
        except Exception as exc:
            log.warning("could not hand reply %s over to the outbox: %s", owed_id,
                        type(exc).__name__)
            self._held.discard(owed_id)  # its lease runs out: the worker sends it all
            return False
        self._held.discard(owed_id)
        if self.wake is not None:
            self.wake()
        return True
