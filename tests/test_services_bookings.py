"""services.bookings without any bot: a session, a resident, an item and a schedule in; the
place held or freed, and the reminders the resident will get, out."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.slots import Schedule, SlotRule
from domain.workdays import WorkCalendar
from services import bookings as flows
from storage import bookings
from storage.db import Database
from storage.models import Booking, Slot
from storage.people import get_or_create_resident
from tests.factories import shipped_kb

TZ = ZoneInfo("Asia/Shanghai")
HOURS = {d: ((time(8, 30), time(12, 0)), (time(14, 30), time(18, 0))) for d in range(5)}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ).astimezone(UTC)  # a Monday
REMINDERS = flows.Reminders(hour=18, before_minutes=60)


def place(day: int, hh: int, capacity: int = 2) -> bookings.Place:
    schedule = Schedule(tz=TZ, office_hours=HOURS, calendar=WorkCalendar(),
                        rule=SlotRule(30, capacity))
    return bookings.Place("win:5号窗口", schedule, datetime(2026, 11, day, hh, tzinfo=TZ))


@pytest.fixture
async def db(db_url):  # type: ignore[no-untyped-def]
    database = Database(db_url)
    yield database
    await database.dispose()


async def resident(session, user: str, *, known: bool = True):  # type: ignore[no-untyped-def]
    person, _ = await get_or_create_resident(session, channel="console", user_id=user, now=NOW)
    if known:
        person.real_name, person.phone = "王秀英", "13812345678"
    return person


async def held(session, p: bookings.Place) -> int:  # type: ignore[no-untyped-def]
    return await session.scalar(select(Slot.booked).where(Slot.starts_at == p.starts_at)) or 0


async def test_confirm_holds_the_place_and_queues_both_reminders(db):
    item = shipped_kb().get("birth-registration")
    p = place(24, 9)
    async with db.transaction() as s:
        person = await resident(s, "r1")
        done = await flows.confirm(s, resident=person, item=item, place=p, now=NOW,
                                   max_active=3, reminders=REMINDERS)
        assert isinstance(done, flows.Confirmed)
        assert done.booking.status == "active" and done.slot.starts_at == p.starts_at
        assert await held(s, p) == 1
        assert done.bring == list(item.materials) and done.ticked == 0  # nothing ticked
        assert [n.dedupe_key for n in done.notices] == [f"bk:{done.booking.id}:day",
                                                        f"bk:{done.booking.id}:hour"]
        day, hour = done.notices
        assert day.recipients == hour.recipients == ("console:r1",)
        assert day.not_before == datetime(2026, 11, 23, 18, tzinfo=TZ)  # the evening before
        assert hour.not_before == p.starts_at - timedelta(hours=1)
        assert {n.booking_id for n in done.notices} == {done.booking.id}  # a cancel drops them
        assert ("btn.booking_cancel", f"book:c:{done.booking.id}") in day.buttons[0]


async def test_a_second_tap_finds_the_booking_and_an_unknown_resident_is_asked_first(db):
    item = shipped_kb().get("birth-registration")
    p = place(24, 9)
    async with db.transaction() as s:
        person = await resident(s, "r1")
        first = await flows.confirm(s, resident=person, item=item, place=p, now=NOW,
                                    max_active=3, reminders=REMINDERS)
        again = await flows.confirm(s, resident=person, item=item, place=p, now=NOW,
                                    max_active=3, reminders=REMINDERS)
        assert isinstance(again, flows.AlreadyBooked) and again.booking.id == first.booking.id
        stranger = await resident(s, "r2", known=False)
        asked = await flows.confirm(s, resident=stranger, item=item, place=p, now=NOW,
                                    max_active=3, reminders=REMINDERS)
        assert isinstance(asked, flows.NeedsContact)
        assert await held(s, p) == 1


async def test_a_full_time_is_refused_with_the_nearest_free_ones(db):
    item = shipped_kb().get("birth-registration")
    p = place(24, 9, capacity=1)
    async with db.transaction() as s:
        first = await resident(s, "r1")
        await flows.confirm(s, resident=first, item=item, place=p, now=NOW, max_active=3,
                            reminders=REMINDERS)
    async with db.transaction() as s:
        late = await resident(s, "r2")
        with pytest.raises(bookings.SlotFull) as full:
            await flows.confirm(s, resident=late, item=item, place=p, now=NOW, max_active=3,
                                reminders=REMINDERS)
        assert full.value.nearest and p.starts_at not in full.value.nearest
        assert await held(s, p) == 1


async def test_reschedule_moves_the_place_and_cancel_frees_it(db):
    item = shipped_kb().get("birth-registration")
    old_place, new_place = place(24, 9), place(25, 15)
    async with db.transaction() as s:
        person = await resident(s, "r1")
        booked = await flows.confirm(s, resident=person, item=item, place=old_place, now=NOW,
                                     max_active=3, reminders=REMINDERS)
        moved = await flows.reschedule(s, resident=person, booking_id=booked.booking.id,
                                       item=item, place=new_place, now=NOW, reminders=REMINDERS)
        assert moved.moved_from is not None and moved.moved_from.status == "rescheduled"
        assert await held(s, old_place) == 0 and await held(s, new_place) == 1
        assert {n.booking_id for n in moved.notices} == {moved.booking.id}
        cancelled = await flows.cancel(s, resident=person, booking_id=moved.booking.id, now=NOW)
        assert cancelled.booking.status == "cancelled"
        assert await held(s, new_place) == 0
        statuses = (await s.scalars(select(Booking.status).order_by(Booking.id))).all()
        assert statuses == ["rescheduled", "cancelled"]
