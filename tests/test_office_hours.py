"""Routine notices to staff wait for office hours; the resident is told when staff will look;
alerts to supervisors (一事一报) go at once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Outbox
from tests.factories import Console
from tests.matter_helpers import option, press

TZ = ZoneInfo("Asia/Shanghai")


def test_next_open_over_evenings_lunch_weekends_and_holidays(app):
    office = app.services.office

    def at(*a: int) -> datetime:
        return datetime(*a, tzinfo=TZ)

    assert office.next_open(at(2026, 11, 23, 10, 0)) == at(2026, 11, 23, 10, 0)  # open
    assert office.next_open(at(2026, 11, 23, 12, 30)) == at(2026, 11, 23, 14, 30)  # lunch
    assert office.next_open(at(2026, 11, 23, 19, 0)) == at(2026, 11, 24, 8, 30)  # evening
    assert office.next_open(at(2026, 11, 28, 9, 0)) == at(2026, 11, 30, 8, 30)  # Saturday
    assert office.next_open(at(2026, 9, 30, 18, 5)) == at(2026, 10, 8, 8, 30)  # National Day


async def test_question_at_night_reaches_staff_in_the_morning(app, clock, inboxes):
    clock.set_local(2026, 11, 23, 21, 15)  # Monday evening
    res = Console(app, "n1")
    replies = await res.say("我家门口的排水沟堵了好几天了找谁")
    replies = await press(app, res, option(replies, "提交给工作人员"))
    assert "非工作时间" in replies[0].text and "11月24日 08:30" in replies[0].text
    await app.delivery.drain()
    assert inboxes.texts("staff") == []  # nobody is woken up at night
    clock.set_local(2026, 11, 24, 8, 30)
    await app.delivery.drain()
    assert any("排水沟" in t for t in inboxes.texts("staff"))


async def test_question_in_office_hours_reaches_staff_at_once(app, inboxes):
    res = Console(app, "n2")
    replies = await res.say("我家门口的排水沟堵了好几天了找谁")
    replies = await press(app, res, option(replies, "提交给工作人员"))
    assert "非工作时间" not in replies[0].text
    async with app.services.db.transaction() as s:
        row = await s.scalar(select(Outbox).where(Outbox.kind == "staff_new_matter"))
    assert row is not None and row.not_before <= app.services.now()
