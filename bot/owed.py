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

from bot.core import Reply
from bot.services import Services
from storage import outbox

log = logging.getLogger(__name__)


class OwedReplies:
    def __init__(self, services: Services, *, wake: Callable[[], None] | None = None) -> None:
        self.services = services
        self.wake = wake  # the delivery worker, when replies are handed over
        self._sent: list[int] = []
        self._lock = asyncio.Lock()

    async def settle(self, owed_id: int | None) -> None:
        """The replies of `owed_id` were delivered."""
        if owed_id is None:
            return
        self._sent.append(owed_id)
        async with self._lock:
            batch, self._sent = self._sent, []
            if not batch:
                return  # settled by the transaction of an earlier caller
            try:
                async with self.services.db.transaction() as session:
                    await outbox.settle_owed(session, sent=batch, now=self.services.now())
            except Exception as exc:  # the database blinked: try again with the next batch
                self._sent[:0] = batch
                log.warning("could not record %d sent repl(ies) yet: %s", len(batch),
                            type(exc).__name__)

    async def flush(self) -> None:
        """Record what is still unsettled (on shutdown)."""
        if self._sent:
            await self.settle(self._sent.pop())

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
            return False
        if self.wake is not None:
            self.wake()
        return True
