"""Work-group robots (企业微信 / 钉钉): supervisor alerts (一事一报) and the daily digest reach
the configured groups through the outbox — per department or for supervisors — at most 20
messages a minute per robot, with the robots' error codes handled; against fake robot
servers on 127.0.0.1 (tests/fake_robots.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot import robots
from bot.notice_config import parse_robots
from bot.settings import SettingsError
from storage.models import Outbox
from tests.factories import Console, Inboxes, make_app, make_settings
from tests.fake_robots import FakeRobots
from tests.matter_helpers import ask_staff, press_label, pushed

DEPARTMENT = "民政办（社会事务办）"
KEY, TOKEN, SECRET = "wecom-key-1", "ding-token-1", "SECdingtalk-secret"


@pytest.fixture
async def fake() -> FakeRobots:  # type: ignore[misc]
    async with FakeRobots() as server:
        yield server


@pytest.fixture
async def bot(fake, tmp_path, sqlite_url, clock):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path, sqlite_url, work_robots={
        "leaders": {"kind": "wecom", "url": fake.wecom_url(KEY)},
        "minzheng": {"kind": "dingtalk", "url": fake.dingtalk_url(TOKEN, SECRET),
                     "secret": SECRET, "departments": [DEPARTMENT]},
    })
    app = await make_app(settings, clock)
    inboxes = Inboxes()
    app.attach_sender("console", inboxes)
    app.inboxes = inboxes  # type: ignore[attr-defined]
    yield app
    await app.close()


async def robot_rows(app, name: str) -> list[Outbox]:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return list(await s.scalars(select(Outbox).where(Outbox.channel == "robot",
                                                         Outbox.user_id == name)
                                    .order_by(Outbox.id)))


async def fee_complaint(app) -> None:  # type: ignore[no-untyped-def]
    res = Console(app, "r2")
    await press_label(app, res, await res.say("/complain"), "乱收费")
    await res.say("办出生登记被收了50元工本费")
    await res.say("不清楚")
    await press_label(app, res, await res.say("昨天"), "跳过")
    await press_label(app, res, await res.say("13812345678"), "提交")


async def test_a_fee_complaint_alerts_the_supervisors_group_only(bot, fake):
    await fee_complaint(bot)
    await bot.delivery.drain()
    alert = await fake.wait_for(KEY)
    assert "一事一报" in alert and "T1" in alert and "50元工本费" in alert
    assert "<b>" not in alert and "138" not in alert.replace("138****5678", "")
    assert fake.texts(TOKEN) == []  # a department's group never hears of an integrity complaint
    assert [r.status for r in await robot_rows(bot, "leaders")] == ["sent"]
    assert any("一事一报" in t for t in pushed(bot.inboxes, "boss"))  # supervisors as before


async def test_overdue_alerts_reach_the_departments_group_and_the_digest_the_supervisors(
        bot, fake, clock):
    card = await Console(bot, "r1").say("低保怎么申请")
    assert card
    await ask_staff(bot, Console(bot, "r1"), "低保申请了两个月还没消息")
    async with bot.services.db.transaction() as s:
        from storage.models import Matter
        matter = await s.scalar(select(Matter))
        matter.department = DEPARTMENT  # a question about 低保, the 民政办's
    clock.set_local(2026, 12, 3, 9)  # past its 7 working days
    assert (await bot.scheduler.tick()).overdue == 1
    await bot.delivery.drain()
    for robot in (KEY, TOKEN):
        text = await fake.wait_for(robot, lambda t: "超期" in t)
        assert "Q1" in text
    assert (await bot.scheduler.tick()).overdue == 0  # once per deadline, robots included
    clock.set_local(2026, 12, 4, 8, 0)
    await bot.scheduler.tick()
    await bot.delivery.drain()
    digest = await fake.wait_for(KEY, lambda t: "每日情况报告" in t)
    assert "超期" in digest
    assert not any("每日情况报告" in t for t in fake.texts(TOKEN))  # the digest: supervisors
    assert len(await robot_rows(bot, "minzheng")) == 1


async def test_twenty_a_minute_per_robot_and_the_rest_wait_without_holding_others(
        bot, fake, clock):
    fake.rate_clock = lambda: clock().timestamp()
    async with bot.services.db.transaction() as s:
        for n in range(25):
            await robots.alert(s, bot.services, "schedule/digest", kind="digest",
                               now=clock(), dedupe_key=f"test:{n}", for_digest=True,
                               digest=await _digest(bot, s, clock))
    await Console(bot, "r9").say("/complain")  # something for someone else meanwhile
    await bot.delivery.drain()
    assert len(fake.texts(KEY)) == 20
    rows = await robot_rows(bot, "leaders")
    assert [r.status for r in rows].count("pending") == 5
    assert "20 messages a minute" in (rows[20].last_error or "")
    assert rows[20].attempts == 0  # waiting for the robot is not a failed attempt
    assert not any(answer == 45009 for _, answer in fake.answers)  # we never hit its limit
    clock.advance(minutes=1, seconds=5)
    await bot.delivery.drain()
    assert len(fake.texts(KEY)) == 25
    assert all(r.status == "sent" for r in await robot_rows(bot, "leaders"))


async def test_twenty_a_minute_hold_for_all_workers_together(fake, tmp_path, db_url, clock):
    """Two workers on one database, each with its own delivery worker: the robot still gets
    20 in the minute, not 20 from each (its turns are counted in the database)."""
    fake.rate_clock = lambda: clock().timestamp()
    settings = make_settings(tmp_path, db_url, work_robots={
        "leaders": {"kind": "wecom", "url": fake.wecom_url(KEY)}})
    workers = [await make_app(settings, clock) for _ in range(2)]
    try:
        for app in workers:
            app.attach_sender("console", Inboxes())
        for app, batch in zip(workers, (range(15), range(15, 30)), strict=True):
            async with app.services.db.transaction() as s:  # an alert handled on each worker
                for n in batch:
                    await robots.alert(s, app.services, "schedule/digest", kind="digest",
                                       now=clock(), dedupe_key=f"test:{n}", for_digest=True,
                                       digest=await _digest(app, s, clock))
            await app.delivery.drain()
        assert len(fake.texts(KEY)) == 20
        assert not any(answer == 45009 for _, answer in fake.answers)
        clock.advance(seconds=61)  # the minute has passed: the rest go
        for app in workers:
            await app.delivery.drain()
        assert len(fake.texts(KEY)) == 30
        assert not any(answer == 45009 for _, answer in fake.answers)
    finally:
        for app in workers:
            await app.close()


async def _digest(bot, session, clock):  # type: ignore[no-untyped-def]
    from storage import reports

    return await reports.digest(session, today=clock().date(), since=clock(), tz=bot.services.tz,
                                item_names=bot.services.kb.names)


async def test_error_codes(bot, fake, clock):
    fake.fail(45009)  # too fast: wait and send again
    await fee_complaint(bot)
    await bot.delivery.drain()
    row = (await robot_rows(bot, "leaders"))[0]
    assert row.status == "pending" and "45009" in row.last_error
    clock.advance(minutes=2)
    await bot.delivery.drain()
    assert "一事一报" in await fake.wait_for(KEY)

    bot.services.settings.work_robots["leaders"]["url"] = SecretStr(
        fake.base_url + "/cgi-bin/webhook/send?key=revoked")
    await fee_complaint(bot)
    await bot.delivery.drain()
    failed = (await robot_rows(bot, "leaders"))[-1]
    assert failed.status == "failed" and "93000" in failed.last_error


async def test_a_wrong_dingtalk_secret_fails_clearly(fake, tmp_path, sqlite_url, clock):
    settings = make_settings(tmp_path, sqlite_url, work_robots={
        "leaders": {"kind": "dingtalk", "url": fake.dingtalk_url(TOKEN, SECRET),
                    "secret": "SECwrong"}})
    app = await make_app(settings, clock)
    app.attach_sender("console", Inboxes())
    try:
        await fee_complaint(app)
        await app.delivery.drain()
        row = (await robot_rows(app, "leaders"))[0]
        assert row.status == "failed" and "310000" in row.last_error
        assert fake.texts(TOKEN) == []
    finally:
        await app.close()


def test_the_dingtalk_signature():
    url = robots.signed_url("https://oapi.dingtalk.com/robot/send?access_token=T", "SECx",
                            1_700_000_000_000)
    q = parse_qs(urlsplit(url).query)
    expected = base64.b64encode(hmac.new(b"SECx", b"1700000000000\nSECx", hashlib.sha256)
                                .digest()).decode()
    assert q["timestamp"] == ["1700000000000"] and q["sign"] == [expected]
    assert q["access_token"] == ["T"]


def test_robot_configuration_is_checked():
    with pytest.raises(SettingsError, match="kind"):
        parse_robots({"g": {"kind": "slack", "url": "https://x"}})
    with pytest.raises(SettingsError, match="url"):
        parse_robots({"g": {"kind": "wecom", "url": "qyapi.weixin.qq.com"}})
    parsed = parse_robots('{"g": {"kind": "wecom", "url": "https://x", "departments": "民政办"}}')
    assert parsed["g"]["departments"] == ("民政办",) and not parsed["g"]["supervisors"]
    assert robots.robots_for(parsed, department="民政办") == ["g"]
    assert robots.robots_for(parsed, department="民政办", sensitive=True) == []
    assert robots.robots_for(parsed, for_digest=True) == []


async def test_the_weekly_report_also_reaches_the_supervisors_work_group(bot, fake, clock):
    from bot.reports import push_weekly

    async with bot.services.db.transaction() as s:
        await push_weekly(s, bot.services, clock())
    async with bot.services.db.transaction() as s:
        await push_weekly(s, bot.services, clock())  # a second worker, or a restart: nothing
    await bot.delivery.drain()
    report = await fake.wait_for(KEY, lambda t: "受理" in t and "办结" in t)
    assert "<b>" not in report  # robots get plain text
    assert not any("受理" in t for t in fake.texts(TOKEN))  # the department's robot: alerts only
    assert sum("受理" in t for t in fake.texts(KEY)) == 1
