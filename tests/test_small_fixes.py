"""The smaller points of a first-use walk: a typed option number that is not shown, rating
numbers that match the score, /today with a Chinese date, usage errors not audited as done,
the refusal wording staff read."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.daytext import parse_day
from storage.models import AuditEntry, Matter
from tests.factories import Console
from tests.matter_helpers import ask_staff, count, matter, refusals


async def test_a_number_not_shown_is_answered_with_the_range(app):
    res = Console(app, "r1", "王大妈")
    await res.say("/menu")
    shown = len(res.channel.options)
    assert shown >= 3
    reply = await res.text(str(shown + 4))
    assert f"请回复 1–{shown}" in reply and "没有找到确切答案" not in reply
    # the options are still there: a right number now works
    assert "没有第" not in await res.text("1")


async def test_a_number_at_a_step_that_takes_text_is_text(app):
    res = Console(app, "r1", "王大妈")
    await res.say("/menu")
    to_staff = next(n for n, data in res.channel.options.items() if data == "ho:new")
    await res.say(to_staff)  # 转人工: the next message is the question, whatever it is
    res.channel.options = {"1": "ho:new"}  # as if options were still on screen
    await res.say("42")
    assert await count(app, Matter) == 1


async def test_typing_5_on_the_console_gives_the_best_rating(app, inboxes):
    res = Console(app, "r1", "王大妈")
    await ask_staff(app, res, "村口那条路的路灯坏了好几天了谁管")
    staff = Console(app, "staff", "小陈")
    await staff.say("/take 1")
    await staff.say("/done 1 已报供电所")
    await app.delivery.drain()
    # the pushed notice's options are numbered in the order they were printed
    res.channel.options = {}
    for reply in inboxes.sent["r1"][-1:]:
        res.channel.render(reply)
    await res.say("5")
    assert (await matter(app, 1)).rating == 5


def test_parse_day_reads_the_ways_staff_write_a_day():
    today = date(2026, 11, 23)
    for text in ("12月7日", "12月7号", "2026年12月7日", "12-07", "12/7", "12.7", "2026-12-07",
                 "１２月７日"):
        assert parse_day(text, today) == date(2026, 12, 7), text
    assert parse_day("1月3日", date(2026, 12, 30)) == date(2027, 1, 3)
    assert parse_day("12月30日", date(2027, 1, 3)) == date(2026, 12, 30)
    for text in ("tomorrow", "13月1日", "2月30日", "", "12月"):
        assert parse_day(text, today) is None, text


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)),
       st.integers(min_value=-180, max_value=180))
def test_a_month_and_day_is_read_as_the_date_nearest_today(today, offset):
    from datetime import timedelta

    target = today + timedelta(days=offset)
    assert parse_day(f"{target.month}月{target.day}日", today) == target


async def test_today_takes_a_chinese_date(app):
    staff = Console(app, "staff", "小陈")
    assert "用法" not in await staff.text("/today 12月7日")
    assert "用法" in await staff.text("/today 明年")


async def test_usage_errors_are_not_audited_as_done(app):
    staff = Console(app, "staff", "小陈")
    assert "用法" in await staff.text("/reply")
    assert "用法" in await staff.text("/extend 1")
    assert await count(app, AuditEntry, AuditEntry.allowed.is_(True),
                       AuditEntry.action.in_(("reply", "extend"))) == 0
    assert await refusals(app, "reply") == 1


async def test_staff_refused_an_admin_command_are_not_told_to_ask_a_question(app):
    reply = await Console(app, "staff", "小陈").text("/grant 1 staff")
    assert "需要管理员权限" in reply and "直接输入您的问题" not in reply
    assert "直接输入您的问题" in await Console(app, "r1").text("/grant 1 staff")
