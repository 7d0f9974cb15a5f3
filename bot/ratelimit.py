"""One rate limit for the whole deployment: the outbox worker of every process takes its send
slots from the same database rows (storage/ratelimit.py), so three workers together stay
within Telegram's ≈30 messages/s per bot and ≈1/s per chat, exactly as one would.

Limits per channel (from settings): Telegram `outbox_rate_per_second` overall and
`outbox_per_chat_interval` per chat; WeChat `wechat_rate_per_second` overall. Work-group
robots take their `robot_per_minute` turns from shared rows too, a sliding minute (bot.robots:
20 at once, then the rest wait); the web chat and the console are not limited.
A 429's `retry_after` holds the channel back for every worker (`hold`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.settings import Settings
from storage import ratelimit
from storage.db import Database

log = logging.getLogger(__name__)

PRUNE_EVERY = 600.0  # seconds between clean-ups of idle recipients' rows


@dataclass(frozen=True)
class Limit:
    overall: float  # seconds between two sends on the channel (0: no overall limit)
    per_recipient: float  # seconds between two sends to one recipient (0: none)


def limits_from(settings: Settings) -> dict[str, Limit]:
    return {
        "telegram": Limit(1.0 / max(0.01, settings.outbox_rate_per_second),
                          settings.outbox_per_chat_interval),
        "wechat": Limit(1.0 / max(0.01, settings.wechat_rate_per_second), 0.0),
        # robots: 20 in any minute, by their own shared turns (bot.robots)
        "robot": Limit(0.0, 0.0),
        # our own pages and terminals: no third party to be polite to
        "web": Limit(0.0, 0.0),
        "console": Limit(0.0, 0.0),
    }


class SharedLimiter:
    """Waits for a send slot that no other worker on the database can also have."""

    def __init__(self, db: Database, limits: dict[str, Limit], *,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.db = db
        self.limits = limits
        self.sleep = sleep
        self._pruned = time.monotonic()

    def limit_for(self, channel: str) -> Limit:
        if channel in self.limits:
            return self.limits[channel]
        if channel.startswith("robot"):
            return self.limits["robot"]
        return self.limits["telegram"]

    async def acquire(self, channel: str, recipient: str) -> float:
        """Wait until a message to `recipient` on `channel` may go; returns the seconds waited."""
        limit = self.limit_for(channel)
        if limit.overall <= 0 and limit.per_recipient <= 0:
            return 0.0  # nothing to share: no database round trip
        waited = 0.0
        while True:
            async with self.db.transaction() as session:
                slot = await ratelimit.take_slot(
                    session, key=channel if limit.overall > 0 else None, interval=limit.overall,
                    recipient_key=f"{channel}:{recipient}" if limit.per_recipient > 0 else None,
                    recipient_interval=limit.per_recipient)
            if slot.delay > 0:
                await self.sleep(slot.delay)
                waited += slot.delay
            if slot.granted:
                await self._maybe_prune()
                return waited

    async def hold(self, channel: str, seconds: float) -> None:
        """Told to slow down (429): no worker sends on `channel` for `seconds`."""
        async with self.db.transaction() as session:
            await ratelimit.hold(session, key=channel, seconds=seconds)

    async def _maybe_prune(self) -> None:
        if time.monotonic() - self._pruned < PRUNE_EVERY:
            return
        self._pruned = time.monotonic()
        try:
            async with self.db.transaction() as session:
                await ratelimit.prune(session)
        except Exception as exc:  # housekeeping only
            log.warning("could not prune rate-limit rows: %s", type(exc).__name__)
