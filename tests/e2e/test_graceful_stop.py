"""Graceful stop of a real worker process (SIGTERM, as systemd and compose send it): it stops
taking updates, answers those it accepted, hands back the notices it was waiting to send
(leases released, attempts not counted), and exits in time; the next start carries on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from domain.messages import Reply
from storage import outbox
from storage.db import Database
from storage.models import InboxUpdate, Outbox
from tests.conftest import PG_SKIP
from tests.e2e.conftest import eventually
from tests.e2e.test_workers import pg_url  # noqa: F401  (fixture)
from tests.factories import pg_reachable
from tests.workers import WebhookPusher, start_workers, stop_workers, write_config

pytestmark = pytest.mark.skipif(not pg_reachable(), reason=PG_SKIP)

CHATS = [41_001, 41_002, 41_003]
RESIDENTS = [42_000 + i for i in range(12)]
STOP_WITHIN = 10.0  # deploy/servicebot@.service: TimeoutStopSec=10


async def test_sigterm_finishes_updates_hands_back_notices_and_the_next_start_continues(
        tg, tmp_path, pg_url):  # noqa: F811
    db = Database(pg_url)
    async with db.transaction() as s:
        for n in range(2):  # two notices per chat, five seconds apart
            for chat in CHATS:
                await outbox.enqueue(s, channel="telegram", user_id=str(chat), kind="notice",
                                     replies=[Reply(f"通知 {n}")], now=datetime.now(UTC))
    config = write_config(tmp_path / "servicebot.yaml", dict(
        outbox_rate_per_second=100.0, outbox_per_chat_interval=5.0, scheduler_enabled=False))
    try:
        [worker] = await start_workers(tg, pg_url, tmp_path, 1, config=config)
        async with WebhookPusher(tg, [worker.port]) as pusher:
            for chat in CHATS:
                await tg.wait_for(chat, lambda m: m.plain == "通知 0", after=0, timeout=20)

            async def second_notices_claimed() -> bool:  # waiting for their chats' turn
                async with db.transaction() as s:
                    return await s.scalar(select(func.count()).select_from(Outbox).where(
                        Outbox.status == "pending", Outbox.lease_until.is_not(None))) == 3

            await eventually(second_notices_claimed, within=10)
            for user in RESIDENTS:
                tg.send_text(user, "低保怎么申请")

            async def all_accepted() -> bool:  # stored, queued and confirmed with a 200
                return len(pusher.accepted) == len(RESIDENTS)

            await eventually(all_accepted, within=10)
            [code] = await stop_workers([worker], timeout=STOP_WITHIN)
        assert code == 0, worker.output()[-3000:]

        # every update the worker accepted was answered before it exited
        for user in RESIDENTS:
            assert any(m.has_button("材料清单") for m in tg.messages(user)), user
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(InboxUpdate)
                                  .where(InboxUpdate.processed_at.is_(None))) == 0
            waiting = list(await s.scalars(select(Outbox).where(Outbox.status == "pending")))
        # the notices it was waiting to send are handed back, not left leased for a minute
        assert len(waiting) == 3
        assert all(r.lease_until is None and r.attempts == 0 for r in waiting)
        assert all(tg.texts(chat) == ["通知 0"] for chat in CHATS)
        log = worker.output()
        assert "stopping: no new updates" in log and "Traceback" not in log

        # the next start delivers them, in order, once
        [again] = await start_workers(tg, pg_url, tmp_path, 1, config=config)
        try:
            for chat in CHATS:
                await tg.wait_for(chat, lambda m: m.plain == "通知 1", after=0, timeout=20)
        finally:
            assert await stop_workers([again], timeout=STOP_WITHIN) == [0]
        assert all(tg.texts(chat) == ["通知 0", "通知 1"] for chat in CHATS)
    finally:
        await db.dispose()
