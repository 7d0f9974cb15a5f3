"""One rate limit for the whole deployment: 2,000 notices delivered by three worker
processes stay within Telegram's limits overall and per chat, measured where Telegram would
measure them (the fake Bot API's clock).

Time is scaled ten times so the test takes seconds: Telegram's ≈30 messages/s per bot and
≈1/s per chat become 300/s and 10/s; the workers are configured, as in production, a little
under them (250/s, one per 0.11 s per chat). Each worker alone would send 250/s: without the
shared limit three would send up to 750/s."""

from __future__ import annotations

import bisect
import re
from datetime import UTC, datetime

import aiohttp
import pytest

from domain.messages import Reply
from storage import outbox
from storage.db import Database
from tests.conftest import PG_SKIP
from tests.e2e.test_workers import pg_url  # noqa: F401  (fixture)
from tests.factories import pg_reachable
from tests.workers import WebhookPusher, start_workers, stop_workers, write_config

pytestmark = pytest.mark.skipif(not pg_reachable(), reason=PG_SKIP)

NOTICES = 2000
CHATS = 200
SCALE = 10.0
TELEGRAM_PER_SECOND = 30 * SCALE  # the limits as Telegram would apply them, scaled
TELEGRAM_PER_CHAT_SECOND = 1 * SCALE


def most_in_window(times: list[float], window: float) -> int:
    """The most events in any interval of `window` seconds."""
    times = sorted(times)
    return max((bisect.bisect_right(times, t + window) - i for i, t in enumerate(times)),
               default=0)


async def sent_by(port: int) -> float:
    async with aiohttp.ClientSession() as http, \
            http.get(f"http://127.0.0.1:{port}/metrics") as resp:
        text = await resp.text()
    m = re.search(r'^servicebot_sends_total\{channel="telegram",result="sent"\} (\S+)$', text,
                  re.M)
    return float(m.group(1)) if m else 0.0


async def test_three_workers_share_telegrams_limits(tg, tmp_path, pg_url):  # noqa: F811
    db = Database(pg_url)
    try:
        async with db.transaction() as s:
            now = datetime.now(UTC)
            for n in range(NOTICES):
                chat = 30_000 + n % CHATS
                await outbox.enqueue(s, channel="telegram", user_id=str(chat), kind="notice",
                                     replies=[Reply(f"通知 {n // CHATS:02d}")], now=now)
    finally:
        await db.dispose()
    config = write_config(tmp_path / "servicebot.yaml", dict(
        outbox_rate_per_second=TELEGRAM_PER_SECOND * 25 / 30, outbox_per_chat_interval=0.11,
        scheduler_enabled=False, concurrent_updates=8))
    workers = await start_workers(tg, pg_url, tmp_path, 3, config=config)
    try:
        async with WebhookPusher(tg, [w.port for w in workers]):
            await tg.wait_calls("sendMessage", count=NOTICES, timeout=120)
            await tg.settle(quiet=0.5)
        per_worker = [await sent_by(w.port) for w in workers]
    finally:
        codes = await stop_workers(workers)
    assert codes == [0, 0, 0]
    assert all(n > 0 for n in per_worker) and sum(per_worker) == NOTICES, per_worker

    sends = tg.calls_for("sendMessage")
    assert len(sends) == NOTICES and all(c.status == 200 for c in sends)
    times = [c.at for c in sends]
    assert most_in_window(times, 1.0) <= TELEGRAM_PER_SECOND
    for chat in range(30_000, 30_000 + CHATS):
        mine = [c.at for c in sends if c.chat_id == chat]
        assert most_in_window(mine, 1.0) <= TELEGRAM_PER_CHAT_SECOND, chat
        assert tg.texts(chat) == [f"通知 {k:02d}" for k in range(NOTICES // CHATS)]  # in order
    # the deployment used its limit rather than idling: 2,000 at 250/s take 8 s
