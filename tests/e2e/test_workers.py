"""Three `servicebot run` worker processes on one PostgreSQL database behind a webhook
"proxy", and a burst of residents: every update is answered once (Telegram's retries to
another worker included), a person's quick double tap reaching two workers loses nothing,
every notice is delivered once, and no overdue alert or digest is
sent twice although every worker runs the scheduler. Stopped with SIGTERM, each worker exits
cleanly."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from storage.db import Database
from storage.models import InboxUpdate, JobRun, Matter, Outbox
from tests.conftest import PG_SKIP
from tests.factories import (
    Clock,
    Console,
    drop_pg_schema,
    fresh_pg_url,
    make_app,
    make_settings,
    pg_reachable,
)
from tests.matter_helpers import ask_staff
from tests.workers import WebhookPusher, start_workers, stop_workers, write_config

pytestmark = pytest.mark.skipif(not pg_reachable(), reason=PG_SKIP)

RESIDENTS = 40
STAFF = (9001, 9002)
SUPERVISOR = 9100


def changes(tg, chat: int) -> int:  # type: ignore[no-untyped-def]
    """Messages the bot sent to a chat, each edit counted as one more."""
    return sum(1 + len(m.history) for m in tg.messages(chat))


@pytest.fixture
async def pg_url():  # type: ignore[no-untyped-def]
    url, schema = await fresh_pg_url()
    db = Database(url)
    await db.upgrade()  # `servicebot db upgrade`: migrations are a step of their own
    await db.dispose()
    yield url
    await drop_pg_schema(schema)


def deployment_config(tmp_path, **extra):  # type: ignore[no-untyped-def]
    """Every day a working day with the office open (the scheduler runs whenever the test
    does), UTC, the digest due since midnight, pushes paced for the test's speed."""
    today = datetime.now(UTC).date()
    cal = tmp_path / "calendar.yaml"
    cal.write_text(f"open: [{today}, {today + timedelta(days=1)}]\n")
    return write_config(tmp_path / "servicebot.yaml", dict(
        timezone="UTC", digest_time="00:00", scheduler_interval_seconds=0.3,
        office_hours={d: ["00:00-23:59"] for d in range(7)}, calendar_overrides=str(cal),
        staff=[f"telegram:{s}" for s in STAFF], supervisors=[f"telegram:{SUPERVISOR}"],
        admins=["telegram:9900"], concurrent_updates=16,
        outbox_rate_per_second=500.0, outbox_per_chat_interval=0.01, **extra))


async def plant_overdue_matters(url: str, tmp_path, n: int = 3) -> None:  # type: ignore[no-untyped-def]
    app = await make_app(make_settings(tmp_path, url), Clock.local(2026, 11, 23, 10))
    try:
        for i in range(n):
            await ask_staff(app, Console(app, f"old{i}"), "村口那条路的路灯坏了好几天了谁管")
        async with app.services.db.transaction() as s:
            yesterday = datetime.now(UTC).date() - timedelta(days=1)
            await s.execute(update(Matter).values(deadline=min(yesterday, date(2026, 12, 1))))
            await s.execute(delete(Outbox))  # the console's notices are not this test's
    finally:
        await app.close()


async def resident(tg, user: int) -> int:  # type: ignore[no-untyped-def]
    """Hand a question to staff, open a checklist and tick two materials with two quick taps
    (which the proxy sends to two workers at once); returns the number of updates sent."""
    tg.send_text(user, "村口的桥栏杆松了", first_name=f"居民{user}")
    offer = await tg.wait_for(user, lambda m: m.has_button("提交给工作人员"), timeout=30)
    tg.tap(user, offer, "提交给工作人员")
    await tg.wait_for(user, lambda m: "Q" in m.plain, timeout=30)
    tg.send_text(user, "低保怎么申请")
    card = await tg.wait_for(user, lambda m: m.has_button("材料清单"), timeout=30)
    tg.tap(user, card, "材料清单")
    listing = await tg.wait_for(user, lambda m: m.has_button("⬜ 1.") or m.has_button("下一步"),
                                timeout=30)
    sent = 4
    if listing.has_button("下一步"):
        tg.tap(user, listing, "下一步")
        listing = await tg.wait_for(user, lambda m: m.has_button("⬜ 2."), timeout=30)
        sent += 1
    tg.tap(user, listing, "⬜ 1.")
    tg.tap(user, listing, "⬜ 2.")
    # both ticks are kept only if the second tap's worker saw the first's commit
    await tg.wait_for(user, lambda m: m.has_button("✅ 1.") and m.has_button("✅ 2."),
                      timeout=30)
    return sent + 2


async def test_three_workers_answer_a_burst_once_and_notify_once(tg, tmp_path, pg_url):
    await plant_overdue_matters(pg_url, tmp_path)
    workers = await start_workers(tg, pg_url, tmp_path, 3, config=deployment_config(tmp_path))
    try:
        async with WebhookPusher(tg, [w.port for w in workers], repeat_every=5) as pusher:
            sent = await asyncio.gather(*(resident(tg, 20_000 + i) for i in range(RESIDENTS)))
            await tg.wait_for(SUPERVISOR, lambda m: "每日情况报告" in m.plain, timeout=30,
                              after=0)
            await asyncio.sleep(1.5)  # several more scheduler rounds on every worker
            await tg.settle(quiet=0.5, timeout=20)
        assert len(set(pusher.accepted.values())) == 3  # all three workers took updates
    finally:
        codes = await stop_workers(workers)
    assert codes == [0, 0, 0], [w.output()[-2000:] for w in workers]

    # every update answered once (a new message or an edit each), though every fifth update
    # reached a second worker as well
    assert [changes(tg, 20_000 + i) for i in range(RESIDENTS)] == sent
    db = Database(pg_url)
    try:
        async with db.transaction() as s:
            stored = await s.scalar(select(func.count()).select_from(InboxUpdate))
            unprocessed = await s.scalar(select(func.count()).select_from(InboxUpdate)
                                         .where(InboxUpdate.processed_at.is_(None)))
            rows = list(await s.scalars(select(Outbox)))
            runs = Counter(r.name.split(":")[0] for r in await s.scalars(select(JobRun)))
    finally:
        await db.dispose()
    assert stored == sum(sent) and unprocessed == 0

    # every notice delivered once: each chat of staff and supervisors got exactly the
    # messages of the notices sent to it
    assert rows and all(r.status == "sent" for r in rows), Counter(r.status for r in rows)
    expected = Counter()
    for r in rows:
        if r.kind != "reply":  # direct replies (owed rows) are checked per resident above
            expected[int(r.user_id)] += len(r.payload["replies"])
    assert {c: changes(tg, c) for c in expected} == dict(expected)
    assert sum(expected[s] for s in STAFF) >= RESIDENTS  # each question reached staff

    # one overdue alert and one digest, though three schedulers ran many rounds
    texts = tg.texts(SUPERVISOR)
    assert sum("超期提醒" in t for t in texts) == 1
    assert sum("每日情况报告" in t for t in texts) == 1
    assert runs["overdue"] == 3 and runs["digest"] == 1
