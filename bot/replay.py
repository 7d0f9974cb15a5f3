"""Messages a channel stored but never handled (its process stopped before answering).

The web chat and WeChat store each message in the `inbox` before handling it; their sweeps
hand the ones left over to `answer_stored`: recent ones are answered, older ones (or ones no
longer readable) only marked processed, never answered out of the blue.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from bot.services import Services
from storage import inbox
from storage.models import InboxUpdate

REPLAY_AFTER = timedelta(seconds=60)  # an unhandled message this old was lost by its process
REPLAY_WINDOW = timedelta(hours=24)  # older ones are dropped, not answered out of the blue


async def mark_processed(services: Services, *, channel: str, key: str,
                         log: logging.Logger) -> None:
    """Mark one stored message handled; a failure is only logged (the next sweep retries)."""
    try:
        async with services.db.transaction() as session:
            await inbox.mark_processed(session, channel=channel, update_key=key,
                                       now=services.now())
    except Exception as exc:
        log.warning("could not mark %s message %s processed: %s", channel, key,
                    type(exc).__name__)


async def answer_stored(services: Services, rows: Iterable[InboxUpdate], *, channel: str,
                        now: datetime, answer: Callable[[InboxUpdate], Awaitable[bool]],
                        log: logging.Logger,
                        busy: Callable[[InboxUpdate], bool] = lambda row: False) -> int:
    """Answer each row received between `REPLAY_WINDOW` and `REPLAY_AFTER` ago that is not
    `busy` (being handled here); `answer` returns False for a row it cannot read, which is
    marked processed like one too old. Returns how many were answered."""
    handled = 0
    for row in rows:
        if busy(row) or row.received_at > now - REPLAY_AFTER:
            continue  # being handled here, or maybe by another process
        if row.received_at < now - REPLAY_WINDOW or not await answer(row):
            await mark_processed(services, channel=channel, key=row.update_key, log=log)
            continue
        handled += 1
    if handled:
        log.info("answered %d %s message(s) stored before a stop", handled, channel)
    return handled
