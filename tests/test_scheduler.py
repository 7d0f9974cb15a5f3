"""The deadline scheduler on the test clock: due-soon reminders, overdue alerts, the daily
digest; once each, across restarts and with several workers ticking at once."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import select, update

from bot.scheduler import Scheduler
from storage.models import JobRun, Matter, Outbox
from tests.factories import Console, Inboxes, make_app, make_settings
from tests.matter_helpers import ask_staff, count, press_label, pushed


async def _consultation(app, user: str = "r1", owner: str | None = "staff") -> None:  # type: ignore[no-untyped-def]
    """Q<n>: a question handed to staff on Mon Nov 23 2026, due Wed Dec 2 (7 working days)."""
    res = Console(app, user)
    await ask_staff(app, res, "村口那条路的路灯坏了好几天了谁管")
    if owner:
        await Console(app, owner, "小陈").say("/take 1")


async def _notices(app, kind: str) -> list[Outbox]:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return list(await s.scalars(select(Outbox).where(Outbox.kind == kind)
                                    .order_by(Outbox.id)))


async def test_due_soon_reminder_goes_to_the_owner_once_the_working_day_before(app, clock,
                                                                              inboxes):
    await _consultation(app)
    scheduler = app.scheduler
    clock.set_local(2026, 11, 30, 9)  # Monday: due Wednesday, nothing yet
    assert (await scheduler.tick()).due_soon == 0
    clock.set_local(2026, 12, 1, 7, 30)  # Tuesday before the morning round
    assert (await scheduler.tick()).due_soon == 0
    clock.set_local(2026, 12, 1, 8, 5)
    assert (await scheduler.tick()).due_soon == 1
    clock.advance(minutes=1)
    assert (await scheduler.tick()).due_soon == 0  # never twice
    await app.delivery.drain()
    reminder = [t for t in pushed(inboxes, "staff") if "下一个工作日到期" in t]
    assert len(reminder) == 1 and "Q1" in reminder[0] and "2026年12月2日" in reminder[0]
    assert "到期提醒" in await Console(app, "staff").text("/show 1")


async def test_unowned_matter_reminds_its_department_and_weekends_are_quiet(app, clock, inboxes):
    await _consultation(app, owner=None)
    async with app.services.db.transaction() as s:  # due on a Monday
        await s.execute(update(Matter).values(deadline=date(2026, 11, 30)))
    clock.set_local(2026, 11, 28, 10)  # Saturday
    assert (await app.scheduler.tick()).total == 0
    clock.set_local(2026, 11, 27, 10)  # Friday: the working day before
    assert (await app.scheduler.tick()).due_soon == 1
    await app.delivery.drain()
    assert any("Q1" in t and "到期" in t for t in pushed(inboxes, "staff2"))


async def test_overdue_alert_to_supervisors_once_per_deadline(app, clock, inboxes):
    await _consultation(app)
    clock.set_local(2026, 12, 3, 9)  # Thursday: due yesterday
    report = await app.scheduler.tick()
    assert report.overdue == 1
    assert (await app.scheduler.tick()).overdue == 0
    await app.delivery.drain()
    for key in ("boss", "admin", "staff"):  # supervisors, admins and the owner
        assert sum("超期提醒" in t and "Q1" in t for t in pushed(inboxes, key)) == 1
    # an extension is a new deadline: alerted again only when that one slips too
    await Console(app, "staff").say("/extend 1 2 等待供电所回复")
    clock.set_local(2026, 12, 4, 9)
    assert (await app.scheduler.tick()).overdue == 0
    clock.set_local(2026, 12, 8, 9)  # due Mon Dec 7 after the extension
    assert (await app.scheduler.tick()).overdue == 1


async def test_answered_and_done_matters_raise_no_alerts(app, clock, inboxes):
    await _consultation(app)  # Q1, due Dec 2
    await Console(app, "staff").say("/done 1 已处理")
    await ask_staff(app, Console(app, "r2"), "我家门口的排水沟堵了找谁")  # Q2, due Dec 2
    await Console(app, "staff").say("/take 2")
    await Console(app, "staff").say("/reply 2 已通知水利站")  # answered: the promise was kept
    await ask_staff(app, Console(app, "r3"), "村委会的公章丢了怎么办")  # Q3, waiting for 补正
    async with app.services.db.transaction() as s:
        await s.execute(update(Matter).where(Matter.id == 3)
                        .values(status="waiting", paused_since=clock.now))
    clock.set_local(2026, 12, 3, 9)
    report = await app.scheduler.tick()
    assert (report.due_soon, report.overdue) == (0, 0)


async def test_daily_digest_once_a_working_day_with_the_numbers(app, clock, inboxes):
    await _consultation(app)
    res = Console(app, "r2")
    replies = await res.say("/complain")
    replies = await press_label(app, res, replies, "乱收费")
    await res.say("收了不该收的钱")
    await res.say("不清楚")
    await press_label(app, res, await res.say("昨天"), "跳过")  # no photo
    await res.say("13812345678")
    clock.set_local(2026, 11, 24, 7, 59)
    assert (await app.scheduler.tick()).digests == 0
    clock.set_local(2026, 11, 24, 8, 0)
    assert (await app.scheduler.tick()).digests == 4  # two supervisors, two admins
    assert (await app.scheduler.tick()).digests == 0
    await app.delivery.drain()
    digest = [t for t in pushed(inboxes, "boss") if "每日情况报告" in t]
    assert len(digest) == 1
    assert "新增 1 件" in digest[0] or "咨询 1" in digest[0]
    assert "在办 1 件" in digest[0] and "超期 0 件" in digest[0]
    assert "群众提问" in digest[0] and "办结 0 件" in digest[0]
    clock.set_local(2026, 11, 28, 9)  # Saturday: no digest
    assert (await app.scheduler.tick()).digests == 0
    clock.set_local(2026, 11, 30, 9)
    assert (await app.scheduler.tick()).digests == 4


async def test_scheduler_does_not_repeat_itself_after_a_restart(settings, clock):
    app = await make_app(settings, clock)
    await _consultation(app)
    clock.set_local(2026, 12, 3, 9)
    first = await app.scheduler.tick()
    assert first.overdue == 1 and first.digests == 4
    await app.close()  # the process dies; the next one starts on the same database
    app2 = await make_app(settings, clock)
    try:
        assert (await Scheduler(app2.services).tick()).total == 0
    finally:
        await app2.close()


async def test_two_workers_ticking_at_once_send_everything_once(db_url, tmp_path, clock):
    settings = make_settings(tmp_path, db_url)
    apps = [await make_app(settings, clock) for _ in range(3)]
    try:
        await _consultation(apps[0])
        res = Console(apps[0], "r2")
        await ask_staff(apps[0], res, "我家门口的排水沟堵了找谁")  # Q2, nobody's yet
        async with apps[0].services.db.transaction() as s:  # Q2 is due tomorrow
            await s.execute(update(Matter).where(Matter.id == 2)
                            .values(deadline=date(2026, 12, 4)))
        clock.set_local(2026, 12, 3, 9)
        reports = await asyncio.gather(*(a.scheduler.tick() for a in apps for _ in range(2)))
        assert sum(r.overdue for r in reports) == 1
        assert sum(r.due_soon for r in reports) == 1
        assert sum(r.digests for r in reports) == 4
        assert len(await _notices(apps[0], "digest")) == 4
        assert len(await _notices(apps[0], "overdue_alert")) == 5  # supervisors, admins, the owner
        assert await count(apps[0], JobRun, JobRun.name == "digest") == 1
    finally:
        for a in apps:
            await a.close()


async def test_scheduler_runs_beside_the_delivery_worker(settings, clock):
    app = await make_app(settings.with_overrides(scheduler_interval_seconds=0.05), clock)
    inboxes = Inboxes()
    worker = app.attach_sender("console", inboxes)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop, poll=0.05))
    try:
        for _ in range(200):  # the first round sends the day's digest; wait for it to arrive
            if any("每日情况报告" in t for t in inboxes.texts("boss")):
                break
            await asyncio.sleep(0.05)
        assert any("每日情况报告" in t for t in inboxes.texts("boss"))
    finally:
        stop.set()
        await task
        await app.close()
