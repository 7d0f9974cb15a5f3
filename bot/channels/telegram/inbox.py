"""Durable, ordered, concurrent intake of Telegram updates.

PTB confirms fetched updates to Telegram with the next `getUpdates` call, before handling
them: whatever sits in memory when the process dies is gone. So:

- `StoringRequest` (the `getUpdates` request of the bot) stores each fetched batch in the
  `inbox` table (one transaction) before PTB sees it, hence before it is confirmed; if it
  cannot be stored, the fetch fails, PTB retries it with backoff from the same offset and
  Telegram keeps the updates — nothing is confirmed that is not stored;
- the dispatcher marks an update processed in the transaction of its changes;
- an update that meets a database outage while being handled is *deferred*: it stays
  unprocessed and is handled again when the database answers (`UpdateLedger.redo`);
- on start, updates stored but never processed are handled again (`UpdateLedger.unhandled`);
- an update Telegram sends again (already processed, or being handled) is dropped.

`OrderedUpdateProcessor` handles the updates of different chats concurrently (up to
`settings.concurrent_updates` at a time) and those of one chat one after the other, in
arrival order, replies included.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import BaseUpdateProcessor, ExtBot

from bot.app import App
from bot.channels.telegram.http import AiohttpRequest
from bot.keyed_locks import KeyedLocks
from bot.replay import mark_processed
from storage import inbox
from storage.db import OutageLog

log = logging.getLogger(__name__)

CHANNEL = "telegram"
REPLAY_WINDOW = timedelta(hours=24)  # Telegram itself keeps updates no longer
KEEP_PROCESSED = timedelta(days=2)
REMEMBER = 10_000  # update ids handled recently, to drop repeats without asking the database


class InboxUnavailable(Exception):
    """Updates could not be stored: they must not be acknowledged to Telegram."""


class UpdateLedger:
    """What this process took in, is handling and has handled, backed by `storage.inbox`."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.admitted: set[int] = set()  # storing was tried (it may have failed)
        self.stored: set[int] = set()  # in the inbox, not yet handled here
        self.repeats: set[int] = set()  # stored before (handled, or in hand here or elsewhere)
        self.in_flight: set[int] = set()
        self.dispatched: set[int] = set()  # handed to the dispatcher, which marks them
        self.recent: OrderedDict[int, None] = OrderedDict()
        self.outage = OutageLog(log, "Telegram inbox")
        self.deferred: set[int] = set()  # stored, met a database outage: handle again later
        self.apologised: set[int] = set()  # deferred ones whose sender was told once

    async def admit(self, updates: Sequence[dict[str, Any]]) -> None:
        """Store a fetched batch (the Bot API's JSON, as received); raises InboxUnavailable
        if it cannot be stored — the caller must then not acknowledge it."""
        ids = [int(u["update_id"]) for u in updates if "update_id" in u]
        if not ids:
            return
        try:
            # (not put ahead of busy updates: under load that shrinks the batches, and the
            # bot then spends more per update: measured, about a third fewer updates/s)
            async with self.app.services.db.transaction() as session:
                done = await inbox.store_many(
                    session, channel=CHANNEL, now=self.app.services.now(),
                    updates=[(str(u["update_id"]), u) for u in updates if "update_id" in u])
        except Exception as exc:
            self.outage.failed(exc, "updates are not acknowledged; Telegram sends them again")
            raise InboxUnavailable(type(exc).__name__) from None
        self.outage.ok()
        self.admitted.update(ids)
        self.stored.update(ids)
        self.repeats.update(int(k) for k in done)

    async def ensure_stored(self, update: Update) -> bool:
        """Store an update that did not come through `admit` (e.g. handed in directly);
        False if it turns out to have been processed before."""
        if update.update_id in self.admitted:
            return True
        try:
            await self.admit([update.to_dict()])
        except InboxUnavailable:
            return True  # handed in directly (not from Telegram): answer it as it is
        if update.update_id in self.repeats:
            self.repeats.discard(update.update_id)
            self.dispatched.add(update.update_id)  # nothing left to mark
            return False
        return True

    def claim(self, update_id: int) -> bool:
        """Start handling an update; False for a repeat (processed or being handled)."""
        if update_id in self.repeats:
            self.repeats.discard(update_id)
            self.stored.discard(update_id)
            self.admitted.discard(update_id)
            return False
        if update_id in self.in_flight or update_id in self.recent:
            return False
        self.in_flight.add(update_id)
        return True

    def dispatching(self, update_id: int) -> str:
        """The update goes to the dispatcher, which marks it processed; returns its key."""
        self.dispatched.add(update_id)
        return str(update_id)

    def defer(self, update_id: int) -> bool:
        """The update met a database outage: handle it again later. True the first time (the
        sender is told once, not at every retry)."""
        self.deferred.add(update_id)
        first = update_id not in self.apologised
        self.apologised.add(update_id)
        return first

    async def redo(self, bot: ExtBot[Any]) -> list[Update]:
        """The deferred updates, read back from the inbox, to handle again; raises if the
        database is still unavailable."""
        keys = [str(u) for u in sorted(self.deferred)]
        async with self.app.services.db.transaction() as session:
            rows = await inbox.unprocessed(session, channel=CHANNEL, keys=keys)
        self.deferred.difference_update(int(k) for k in keys)
        out = []
        for row in rows:
            with contextlib.suppress(Exception):
                out.append(Update.de_json(row.payload, bot))
        return out

    async def finish(self, update_id: int) -> None:
        """Handled: remember it; mark it processed unless the dispatcher did (an update
        nobody answers, e.g. from a group)."""
        self.in_flight.discard(update_id)
        if update_id in self.deferred:
            self.dispatched.discard(update_id)
            return  # stays stored and unprocessed until `redo`
        self.apologised.discard(update_id)
        self.recent[update_id] = None
        if len(self.recent) > REMEMBER:
            self.recent.popitem(last=False)
        was_stored = update_id in self.stored
        self.stored.discard(update_id)
        self.admitted.discard(update_id)
        if update_id in self.dispatched:
            self.dispatched.discard(update_id)
            return
        if was_stored:
            await self._mark(str(update_id))

    async def unhandled(self, bot: ExtBot[Any]) -> list[Update]:
        """Updates stored by an earlier run but never processed, oldest first; those older
        than a day are dropped (marked processed) rather than answered out of the blue."""
        services = self.app.services
        async with services.db.transaction() as session:
            rows = await inbox.unprocessed(session, channel=CHANNEL)
        out: list[Update] = []
        cutoff = services.now() - REPLAY_WINDOW
        for row in rows:
            update: Update | None = None
            if row.received_at >= cutoff:
                try:
                    update = Update.de_json(row.payload, bot)
                except Exception:
                    log.exception("stored update %s cannot be read; dropped", row.update_key)
            if update is None:
                await self._mark(row.update_key)
                continue
            self.admitted.add(update.update_id)
            self.stored.add(update.update_id)
            out.append(update)
        if out:
            log.info("handling %d update(s) stored before the last stop", len(out))
        return out

    async def prune(self) -> None:
        services = self.app.services
        with contextlib.suppress(Exception):
            async with services.db.transaction() as session:
                await inbox.prune(session, processed_before=services.now() - KEEP_PROCESSED)

    async def _mark(self, key: str) -> None:
        await mark_processed(self.app.services, channel=CHANNEL, key=key, log=log)


class StoringRequest(AiohttpRequest):
    """The `getUpdates` request of the bot: stores each batch, as the JSON Telegram sent,
    before PTB parses it (and confirms it with the next call). A public extension point
    (`telegram.request.BaseRequest`); if the batch cannot be stored the call fails with a
    NetworkError, which PTB's polling loop retries with backoff from the same offset."""

    __slots__ = ("_ledger",)

    def __init__(self, ledger: UpdateLedger, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ledger = ledger

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any,
                         ) -> tuple[int, bytes]:
        code, body = await super().do_request(url, method, *args, **kwargs)
        if code == 200 and url.endswith("/getUpdates"):
            try:
                result = json.loads(body).get("result")
            except (ValueError, AttributeError):
                result = None  # PTB reports a body it cannot read
            if isinstance(result, list) and result:
                try:
                    await self._ledger.admit([u for u in result if isinstance(u, dict)])
                except InboxUnavailable as exc:
                    raise NetworkError(f"updates not stored ({exc}); fetching again") from None
        return code, body


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, one at a time and in order within a chat; repeats dropped.

    PTB's own semaphore is set wide: an update waiting for its chat's turn must not hold
    one of the `workers` slots, or one person sending fast could stall everyone else."""

    def __init__(self, ledger: UpdateLedger, workers: int) -> None:
        super().__init__(max_concurrent_updates=max(256, 8 * workers))
        self.ledger = ledger
        self._work = asyncio.Semaphore(max(1, workers))
        self._chats = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if not self.ledger.claim(update.update_id):
            log.info("update %s was already handled; dropped", update.update_id)
            _close(coroutine)
            return
        try:
            async with self._chats.hold(_chat_key(update)), self._work:
                if await self.ledger.ensure_stored(update):
                    await coroutine
                    return
            _close(coroutine)
        finally:
            await self.ledger.finish(update.update_id)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _chat_key(update: Update) -> int:
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else 0


def _close(coroutine: Awaitable[Any]) -> None:
    """Discard PTB's handling coroutine of a dropped update (without a never-awaited warning)."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
