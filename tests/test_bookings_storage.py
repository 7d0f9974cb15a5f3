"""storage.bookings on SQLite and PostgreSQL: places taken and released by the database,
the per-item and per-resident rules, reschedule atomicity, check-in and the no-show rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from domain.errors import DomainError
from domain.slots import Schedule, SlotRule
from domain.workdays import WorkCalendar
from storage import booking_desk, bookings
from storage.db import Database
from storage.models import Booking, Outbox, Slot
from storage.outbox import claim_due, enqueue, mark_retry
from storage.people import get_or_create_resident

TZ = ZoneInfo("Asia/Shanghai")
HOURS = {d: ((time(8, 30), time(12, 0)), (time(14, 30), time(18, 0))) for d in range(5)}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ).astimezone(UTC)  # a Monday
SCHEDULE = Schedule(tz=TZ, office_hours=HOURS, calendar=WorkCalendar(), rule=SlotRule(30, 2))


def place(day: int, hh: int, mm: int = 0, resource: str = "win:5号窗口") -> bookings.Place:
    return bookings.Place(resource, SCHEDULE, datetime(2026, 11, day, hh, mm, tzinfo=TZ))


@pytest.fixture
async def db(db_url):  # type: ignore[no-untyped-def]
    database = Database(db_url)
    yield database
    await database.dispose()


async def resident(db: Database, user: str) -> int:
    async with db.transaction() as s:
        person, _ = await get_or_create_resident(s, channel="console", user_id=user, now=NOW)
        return person.id


async def book(db: Database, rid: int, p: bookings.Place, item: str = "id-card",
               now: datetime = NOW, max_active: int = 3) -> Booking:
    async with db.transaction() as s:
        b, _ = await bookings.book(s, resident_id=rid, item_id=item, place=p, name="张三",
                                   phone="13812345678", now=now, max_active=max_active)
        return b


async def booked(db: Database, p: bookings.Place) -> int:
    async with db.transaction() as s:
        return await s.scalar(select(Slot.booked).where(Slot.starts_at == p.starts_at,
                                                        Slot.resource == p.resource)) or 0


async def test_capacity_is_enforced_and_the_full_answer_offers_nearest_free(db):
    p = place(24, 9)
    a, b, c = [await resident(db, u) for u in ("a", "b", "c")]
    first = await book(db, a, p)
    await book(db, b, p)
    assert len(first.code) == 6 and set(first.code) <= set(bookings.CODE_ALPHABET)
    with pytest.raises(bookings.SlotFull) as err:
        await book(db, c, p)
    assert err.value.nearest and p.starts_at not in err.value.nearest
    assert min(abs(t - p.starts_at) for t in err.value.nearest) == timedelta(minutes=30)
    assert await booked(db, p) == 2
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Booking)) == 2
        assert await bookings.capacity_violations(s) == 0
        free = await bookings.free_by_day(s, resource=p.resource, schedule=SCHEDULE, now=NOW)
    assert free[date(2026, 11, 24)] == 14 * 2 - 2
    assert date(2026, 11, 28) not in free  # Saturday


async def test_past_and_off_grid_times_are_refused(db):
    rid = await resident(db, "a")
    for p in (place(23, 9), place(24, 9, 17), place(28, 9), place(24, 12, 30)):
        with pytest.raises(DomainError) as err:
            await book(db, rid, p)
        assert err.value.code == "slot_unavailable"
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Slot)) == 0


async def test_one_active_booking_per_item_and_a_maximum_per_resident(db):
    rid = await resident(db, "a")
    first = await book(db, rid, place(24, 9), "id-card")
    with pytest.raises(DomainError) as err:
        await book(db, rid, place(25, 9), "id-card")
    assert err.value.code == "already_booked_item" and err.value.params["booking_code"] == first.code
    await book(db, rid, place(25, 9), "birth-registration", max_active=2)
    with pytest.raises(DomainError) as err:
        await book(db, rid, place(26, 9), "dibao", max_active=2)
    assert err.value.code == "too_many_bookings"
    assert await booked(db, place(26, 9)) == 0  # the refusal left nothing behind


async def test_the_unique_index_holds_even_when_the_python_check_is_bypassed(db):
    rid = await resident(db, "a")
    await book(db, rid, place(24, 9))
    async with db.transaction() as s:
        with pytest.raises(DomainError) as err:
            await bookings._insert_booking(s, resident_id=rid, item_id="id-card",
                                           slot_id=1, name="x", phone="", now=NOW, tz=TZ)
    assert err.value.code == "already_booked_item"


async def test_cancel_frees_the_place_and_drops_pending_reminders(db):
    rid, other = await resident(db, "a"), await resident(db, "b")
    b = await book(db, rid, place(24, 9))
    async with db.transaction() as s:
        await enqueue(s, channel="console", user_id="a", replies=[], kind="booking_reminder",
                      now=NOW, not_before=NOW + timedelta(hours=20), booking_id=b.id,
                      dedupe_key=f"bk:{b.id}:day")
    async with db.transaction() as s:
        with pytest.raises(DomainError) as err:  # someone else's booking
            await bookings.cancel(s, booking_id=b.id, resident_id=other, now=NOW)
    assert err.value.code == "no_such_booking"
    async with db.transaction() as s:
        await bookings.cancel(s, booking_id=b.id, resident_id=rid, now=NOW)
    assert await booked(db, place(24, 9)) == 0
    async with db.transaction() as s:
        assert await s.scalar(select(Outbox.status)) == "cancelled"
        with pytest.raises(DomainError) as err:
            await bookings.cancel(s, booking_id=b.id, resident_id=rid, now=NOW)
    assert err.value.code == "booking_not_active"
    await book(db, rid, place(24, 9))  # the item can be booked again


async def test_reschedule_holds_the_new_place_before_releasing_the_old(db):
    a, b, c = [await resident(db, u) for u in ("a", "b", "c")]
    mine = await book(db, a, place(24, 9))
    await book(db, b, place(24, 10))
    await book(db, c, place(24, 10))  # 10:00 is now full
    async with db.transaction() as s:
        with pytest.raises(bookings.SlotFull):
            await bookings.reschedule(s, booking_id=mine.id, resident_id=a,
                                      place=place(24, 10), now=NOW)
    assert await booked(db, place(24, 9)) == 1  # nothing changed
    async with db.transaction() as s:
        assert (await s.get(Booking, mine.id)).status == "active"
        new, slot, old = await bookings.reschedule(s, booking_id=mine.id, resident_id=a,
                                                   place=place(25, 15), now=NOW)
    assert old.status == "rescheduled" and new.status == "active" and new.code != old.code
    assert slot.starts_at == place(25, 15).starts_at
    assert await booked(db, place(24, 9)) == 0 and await booked(db, place(25, 15)) == 1
    async with db.transaction() as s:
        assert await bookings.capacity_violations(s) == 0
        with pytest.raises(DomainError) as err:
            await bookings.reschedule(s, booking_id=new.id, resident_id=a,
                                      place=place(25, 15), now=NOW)
    assert err.value.code == "same_time"


async def test_check_in_and_no_show_rule_blocks_after_the_limit(db):
    rid = await resident(db, "a")
    codes = []
    for day in (24, 25, 26):
        codes.append((await book(db, rid, place(day, 9), f"item-{day}")).code)
    async with db.transaction() as s:
        with pytest.raises(DomainError) as err:  # it has not started yet
            await booking_desk.mark_no_show(s, code=codes[0], now=NOW, limit=2, window_days=30,
                                        block_days=30, tz=TZ)
    assert err.value.code == "booking_not_started"
    after = datetime(2026, 11, 26, 12, 0, tzinfo=TZ)
    async with db.transaction() as s:
        first = await booking_desk.mark_no_show(s, code=codes[0].lower(), now=after, limit=2,
                                            window_days=30, block_days=30, tz=TZ)
        assert first.blocked_until is None and first.recent == 1
        b, _ = await booking_desk.check_in(s, code=codes[2], now=after, today=date(2026, 11, 26),
                                       tz=TZ)
        assert b.status == "checked_in"
        second = await booking_desk.mark_no_show(s, code=codes[1], now=after, limit=2,
                                             window_days=30, block_days=30, tz=TZ)
    assert second.recent == 2 and second.blocked_until == after + timedelta(days=30)
    with pytest.raises(DomainError) as err:
        await book(db, rid, place(30, 9), "another", now=after)
    assert err.value.code == "booking_blocked" and err.value.params["until"] == date(2026, 12, 26)


async def test_check_in_refuses_bad_unknown_and_other_day_codes(db):
    rid = await resident(db, "a")
    b = await book(db, rid, place(25, 9))
    async with db.transaction() as s:
        for code, expected in (("xx", "bad_booking_code"), ("ZZZZZZ", "no_such_booking_code"),
                               (b.code, "booking_not_today")):
            with pytest.raises(DomainError) as err:
                await booking_desk.check_in(s, code=code, now=NOW, today=date(2026, 11, 24), tz=TZ)
            assert err.value.code == expected


async def test_a_past_unmarked_booking_expires_instead_of_blocking(db):
    rid = await resident(db, "a")
    await book(db, rid, place(24, 9))
    later = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)
    await book(db, rid, place(26, 9), now=later)  # same item: the old one expired
    async with db.transaction() as s:
        statuses = sorted(await s.scalars(select(Booking.status)))
        assert statuses == ["active", "expired"]
        assert await bookings.capacity_violations(s) == 0


def test_codes_are_normalised_and_unambiguous():
    assert bookings.normalise_code(" abc-234 ") == "ABC234"
    assert bookings.normalise_code("ABC1O0") is None  # 1, O, 0 never appear in a code
    assert bookings.normalise_code("ABCDEFG") is None
    assert len({bookings.new_code() for _ in range(500)}) == 500


async def test_a_scheduled_reminder_does_not_hold_back_later_notices(db):
    async with db.transaction() as s:
        for kind, at in (("booking_reminder", NOW + timedelta(days=1)), ("staff_reply", NOW),
                         ("staff_reply", NOW)):
            await enqueue(s, channel="console", user_id="a", replies=[], kind=kind, now=NOW,
                          not_before=at)
    async with db.transaction() as s:
        claimed = await claim_due(s, now=NOW)
    assert [r.kind for r in claimed] == ["staff_reply"]  # one at a time per person, in order
    async with db.transaction() as s:  # a failed send waits for its retry and keeps the order
        await mark_retry(s, outbox_id=claimed[0].id, at=NOW + timedelta(minutes=5), error="5xx")
    async with db.transaction() as s:
        assert await claim_due(s, now=NOW + timedelta(minutes=1)) == []
        again = await claim_due(s, now=NOW + timedelta(minutes=6))
    assert [r.id for r in again] == [claimed[0].id]
