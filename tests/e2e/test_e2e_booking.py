"""Appointments on Telegram, end to end through the fake Bot API: book from the item card
(contact button, code, QR picture, .ics file), the reminder when its time comes (once),
reschedule, cancel (no reminder after it), and the staff's check-in."""

from __future__ import annotations

import re

from icalendar import Calendar
from sqlalchemy import select

from storage.models import Booking, Outbox
from tests.e2e.conftest import RESIDENT, STAFF, RunningBot, eventually
from tests.fake_telegram import BotMessage, FakeTelegram


def code_in(message: BotMessage) -> str:
    return re.search(r"预约码：([A-Z0-9]{6})", message.plain).group(1)


async def book_birth_registration(tg: FakeTelegram, day: str = "11月24日",
                                  time: str = "09:00") -> BotMessage:
    """From a question to the confirmation, as a first-time resident."""
    tg.send_text(RESIDENT, "孩子刚出生要上户口带什么", first_name="王")
    card = await tg.wait_for(RESIDENT, lambda m: "出生登记" in m.plain)
    tg.tap(RESIDENT, card, "预约办理")
    days = await tg.wait_for(RESIDENT, lambda m: m.has_button(day))
    tg.tap(RESIDENT, days, day)
    times = await tg.wait_for(RESIDENT, lambda m: m.has_button(time))
    tg.tap(RESIDENT, times, time)
    await tg.wait_for(RESIDENT, lambda m: "姓名" in m.plain)
    tg.send_text(RESIDENT, "王秀英")
    ask = await tg.wait_for(RESIDENT, lambda m: m.asks_contact)
    assert ask.asks_contact  # Telegram's "share my phone number" keyboard
    tg.share_contact(RESIDENT, "8613812345678")
    summary = await tg.wait_for(RESIDENT, lambda m: m.has_button("确认预约"))
    assert "13812345678" in summary.plain
    tg.tap(RESIDENT, summary, "确认预约")
    return await tg.wait_for(RESIDENT, lambda m: "预约成功" in m.plain)


async def test_book_gets_code_qr_and_calendar_file(tg, bot_any_db: RunningBot):
    confirmed = await book_birth_registration(tg)
    code = code_in(confirmed)
    assert "2026年11月24日(周二) 09:00" in confirmed.plain and "出生医学证明" in confirmed.plain
    assert confirmed.has_button("改约") and confirmed.has_button("取消预约")
    photo = await tg.wait_for(RESIDENT, lambda m: m.kind == "photo", after=confirmed.seq)
    assert photo.photo.data.startswith(b"\x89PNG") and code in photo.text
    doc = await tg.wait_for(RESIDENT, lambda m: m.kind == "document", after=confirmed.seq)
    assert doc.document.filename == f"{code}.ics"
    event = Calendar.from_ical(doc.document.data).walk("VEVENT")[0]
    assert event.decoded("dtstart").isoformat() == "2026-11-24T01:00:00+00:00"
    async with bot_any_db.session() as s:
        booking = await s.scalar(select(Booking))
        assert booking.code == code and booking.phone == "13812345678"


async def test_the_reminder_arrives_when_due_and_only_once(tg, bot, clock):
    confirmed = await book_birth_registration(tg)
    await tg.settle()
    assert not any("预约提醒" in t for t in tg.texts(RESIDENT))
    clock.set_local(2026, 11, 23, 18, 0)  # the evening before
    bot.app.delivery.wake()
    reminder = await tg.wait_for(RESIDENT, lambda m: "预约提醒" in m.plain, after=confirmed.seq)
    assert "明天" in reminder.plain and code_in(confirmed) in reminder.plain
    assert reminder.has_button("取消预约")
    bot.app.delivery.wake()
    await tg.settle()
    assert sum("预约提醒" in t for t in tg.texts(RESIDENT)) == 1


async def test_reschedule_then_cancel_and_no_reminder_after_it(tg, bot, clock):
    confirmed = await book_birth_registration(tg)
    old_code = code_in(confirmed)
    tg.tap(RESIDENT, confirmed, "改约")
    days = await tg.wait_for(RESIDENT, lambda m: "原预约" in m.plain)
    tg.tap(RESIDENT, days, "11月25日")
    times = await tg.wait_for(RESIDENT, lambda m: m.has_button("15:00"))
    tg.tap(RESIDENT, times, "15:00")
    summary = await tg.wait_for(RESIDENT, lambda m: m.has_button("确认改约"))
    tg.tap(RESIDENT, summary, "确认改约")
    moved = await tg.wait_for(RESIDENT, lambda m: "改约成功" in m.plain)
    new_code = code_in(moved)
    assert new_code != old_code and "2026年11月25日(周三) 15:00" in moved.plain

    tg.send_text(RESIDENT, "/mybookings")
    mine = await tg.wait_for(RESIDENT, lambda m: "我的预约" in m.plain)
    assert new_code in mine.plain and old_code not in mine.plain
    tg.tap(RESIDENT, mine, f"取消 {new_code}")
    ask = await tg.wait_for(RESIDENT, lambda m: m.has_button("确定取消"))
    tg.tap(RESIDENT, ask, "确定取消")
    await tg.wait_for(RESIDENT, lambda m: "已取消预约" in m.plain)

    clock.set_local(2026, 11, 25, 14, 30)  # past both reminders of both times
    bot.app.delivery.wake()
    await tg.settle(quiet=0.3)
    assert not any("预约提醒" in t for t in tg.texts(RESIDENT))
    async with bot.session() as s:
        statuses = set(await s.scalars(select(Outbox.status).where(Outbox.booking_id.is_not(None))))
        assert statuses == {"cancelled"}
        assert sorted(await s.scalars(select(Booking.status))) == ["cancelled", "rescheduled"]


async def test_staff_check_in_offers_to_open_a_case(tg, bot):
    confirmed = await book_birth_registration(tg, day="11月23日", time="11:30")  # today
    code = code_in(confirmed)
    tg.send_text(STAFF, "/today", first_name="小陈")
    day = await tg.wait_for(STAFF, lambda m: "预约" in m.plain)
    assert code in day.plain and "138****5678" in day.plain and "13812345678" not in day.plain
    tg.send_text(STAFF, f"/checkin {code}")
    arrived = await tg.wait_for(STAFF, lambda m: "已签到" in m.plain)
    assert arrived.button("受理办件").startswith("case:from_booking:")

    async def checked_in() -> bool:
        async with bot.session() as s:
            return await s.scalar(select(Booking.status)) == "checked_in"

    await eventually(checked_in)
    tg.send_text(RESIDENT, f"/checkin {code}")
    assert "没有使用" in (await tg.wait_for(RESIDENT)).plain
