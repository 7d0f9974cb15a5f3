"""Accepting a booking as a case closes it: served, its reminders never sent, the resident's
booking quota and the one-per-item rule freed for new bookings."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.models import Booking, Outbox
from tests.factories import Console
from tests.test_appointments import ITEM, book, buttons, press


async def _booked(app, res, item=ITEM):  # type: ignore[no-untyped-def]
    confirmed = await book(app, res, "202611241000", item=item)
    return re.search(r"<b>([A-Z0-9]{6})</b>", confirmed[0].text).group(1)


async def test_accepting_a_booking_closes_it_and_cancels_its_reminders(app, inboxes, clock):
    res, staff = Console(app, "r1", "王秀英"), Console(app, "staff", "小陈")
    code = await _booked(app, res)
    replies = await staff.say(f"/accept {code}")
    await press(app, staff, next(d for label, d in buttons(replies).items() if "确认受理" in label))
    async with app.services.db.transaction() as s:
        booking = await s.scalar(select(Booking).where(Booking.code == code))
        assert booking.status == "served"
        pending = list(await s.scalars(select(Outbox).where(
            Outbox.booking_id == booking.id, Outbox.status == "pending")))
        assert pending == []
    clock.set_local(2026, 11, 24, 9, 30)  # past both reminder times
    await app.delivery.drain()
    assert not [t for t in inboxes.texts("r1") if "您明天有一个预约" in t or "提醒" in t]
    assert "已受理办件" in await staff.text("/today 2026-11-24")
    assert "预约" in await staff.text(f"/checkin {code}")  # not active any more


async def test_a_served_booking_frees_the_quota_and_the_item(app, settings):
    app.services.settings = settings.with_overrides(max_active_bookings=2)
    res, staff = Console(app, "r1", "王秀英"), Console(app, "staff", "小陈")
    code = await _booked(app, res)
    await _booked(app, res, item="id-card")
    assert "达到上限" in (await press(app, res, "book:i:dibao"))[0].text
    replies = await staff.say(f"/accept {code}")
    await press(app, staff, next(d for label, d in buttons(replies).items() if "确认受理" in label))
    assert "达到上限" not in (await press(app, res, "book:i:dibao"))[0].text
    # and the same item may be booked again (a second errand)
    again = await press(app, res, f"book:i:{ITEM}")
    assert "同一事项只能保留一个预约" not in again[0].text


async def test_a_booking_over_the_limit_is_refused_before_confirmation(app, settings):
    # the issue: a 4th booking was refused only after 确认预约
    app.services.settings = settings.with_overrides(max_active_bookings=2)
    res = Console(app, "r1", "王秀英")
    started = await press(app, res, "book:i:dibao")  # no booking yet: the days are shown
    assert "达到上限" not in started[0].text
    await _booked(app, res)
    await _booked(app, res, item="id-card")
    # the older message's day and time buttons of the third item now say so at once
    day = await press(app, res, "book:d:dibao:20261124")
    assert "达到上限" in day[0].text
    time = await press(app, res, "book:t:dibao:202611241100")
    assert "达到上限" in time[0].text and "确认预约" not in str(buttons(time))
