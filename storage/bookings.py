"""Appointments (预约): book, cancel, reschedule — never overbooked (check-in and no-show at the
window: storage.booking_desk).

The database keeps the promise, not Python: a place is taken with the guarded counter
`UPDATE slots SET booked = booked + 1 WHERE id = :id AND booked < capacity` (zero rows = full),
backed by the CHECK `booked <= capacity`; "one active booking per resident per item" is a
partial unique index. Both hold under any number of concurrent workers on SQLite (writers
serialised by BEGIN IMMEDIATE) and PostgreSQL (the row lock re-checks the guard).

Every function runs inside the caller's transaction (one per update). Refusals raise
`DomainError`; the place-taking steps run in a savepoint, so a refusal leaves nothing behind.

Statuses: active → checked_in | no_show | cancelled | rescheduled (replaced by a new booking),
served (accepted as a case by staff: closed, reminders dropped, quota freed),
and `expired`: a past booking nobody marked, closed so its owner can book the item again —
not counted as a no-show, since only staff say someone did not come.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.slots import Schedule, nearest
from storage import outbox
from storage.db import upsert
from storage.models import Booking, Resident, Slot

# no 0/O, 1/I/L: a code read out over the phone or copied from paper stays unambiguous
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
CODE_ATTEMPTS = 8


class SlotFull(DomainError):
    """The chosen time has no place left; `nearest` holds the closest free times (aware)."""

    def __init__(self, starts_at: datetime, nearest_free: Sequence[datetime]) -> None:
        super().__init__("slot_full")
        self.starts_at = starts_at
        self.nearest = list(nearest_free)


@dataclass(frozen=True)
class Place:
    """What a booking asks for: a start on a resource's schedule."""

    resource: str
    schedule: Schedule
    starts_at: datetime


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """What a person typed or scanned (`abc-234`, ` ABC234 `) as a code, or None."""
    text = raw.strip().upper().replace("-", "").replace(" ", "")
    if len(text) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in text):
        return None
    return text


# -- reading -----------------------------------------------------------------------------
async def free_places(session: AsyncSession, *, resource: str, schedule: Schedule,
                      starts: Sequence[datetime]) -> dict[datetime, int]:
    """Free places at each start; a time nobody booked yet has no row and is wholly free."""
    if not starts:
        return {}
    rows = await session.execute(
        select(Slot.starts_at, Slot.capacity - Slot.booked)
        .where(Slot.resource == resource, Slot.starts_at >= min(starts),
               Slot.starts_at <= max(starts))
    )
    taken = {at: free for at, free in rows.all()}
    return {t: max(0, taken.get(t, schedule.rule.capacity)) for t in starts}


async def free_by_day(session: AsyncSession, *, resource: str, schedule: Schedule,
                      now: datetime) -> dict[date, int]:
    """Days within the horizon that still have free places, with how many."""
    starts = schedule.offerable(now)
    free = await free_places(session, resource=resource, schedule=schedule, starts=starts)
    out: dict[date, int] = {}
    for at, n in free.items():
        if n > 0:
            day = at.astimezone(schedule.tz).date()
            out[day] = out.get(day, 0) + n
    return out


async def nearest_free(session: AsyncSession, place: Place, now: datetime,
                       n: int = 4) -> list[datetime]:
    starts = [t for t in place.schedule.offerable(now) if t != place.starts_at]
    free = await free_places(session, resource=place.resource, schedule=place.schedule,
                             starts=starts)
    return nearest([t for t, k in free.items() if k > 0], place.starts_at, n)


def _with_slot() -> Select[tuple[Booking, Slot]]:
    """Bookings with their slot."""
    return select(Booking, Slot).join(Slot, Slot.id == Booking.slot_id)


async def _one_with_slot(session: AsyncSession, *where: Any) -> tuple[Booking, Slot] | None:
    row = (await session.execute(_with_slot().where(*where))).first()
    return (row[0], row[1]) if row else None


async def get_booking(session: AsyncSession, booking_id: int) -> tuple[Booking, Slot] | None:
    return await _one_with_slot(session, Booking.id == booking_id)


async def by_code(session: AsyncSession, code: str) -> tuple[Booking, Slot] | None:
    return await _one_with_slot(session, Booking.code == code)


async def upcoming_of(session: AsyncSession, *, resident_id: int,
                      now: datetime) -> list[tuple[Booking, Slot]]:
    """A resident's active bookings that have not ended yet, soonest first."""
    rows = await session.execute(
        _with_slot().where(Booking.resident_id == resident_id, Booking.status == "active",
                           Slot.ends_at > now)
        .order_by(Slot.starts_at, Booking.id)
    )
    return [(b, s) for b, s in rows.all()]


async def active_for_item(session: AsyncSession, *, resident_id: int,
                          item_id: str) -> tuple[Booking, Slot] | None:
    return await _one_with_slot(session, Booking.resident_id == resident_id,
                                Booking.item_id == item_id, Booking.status == "active")


async def of_day(session: AsyncSession, *, start: datetime,
                 end: datetime) -> list[tuple[Booking, Slot]]:
    """Bookings (any status but cancelled/rescheduled) whose slot starts in [start, end)."""
    rows = await session.execute(
        _with_slot().where(Slot.starts_at >= start, Slot.starts_at < end,
                           Booking.status.not_in(("cancelled", "rescheduled")))
        .order_by(Slot.resource, Slot.starts_at, Booking.id)
    )
    return [(b, s) for b, s in rows.all()]


# -- taking and releasing places ----------------------------------------------------------
async def _slot_id(session: AsyncSession, place: Place) -> int:
    """The slot row of a place, created idempotently (concurrent creators meet at the unique key)."""
    starts_at = place.starts_at
    stmt = upsert(session)(Slot).values(
        resource=place.resource, starts_at=starts_at, ends_at=place.schedule.ends_at(starts_at),
        capacity=place.schedule.rule.capacity, booked=0,
    ).on_conflict_do_nothing(index_elements=["resource", "starts_at"])
    await session.execute(stmt)
    slot_id = await session.scalar(
        select(Slot.id).where(Slot.resource == place.resource, Slot.starts_at == starts_at)
    )
    assert slot_id is not None
    return slot_id


async def _take_place(session: AsyncSession, slot_id: int) -> bool:
    """The guarded counter: True when a place was taken, False when the slot is full."""
    result = await session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked < Slot.capacity)
        .values(booked=Slot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def _release_place(session: AsyncSession, slot_id: int) -> None:
    await session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked > 0)
        .values(booked=Slot.booked - 1)
        .execution_options(synchronize_session=False)
    )


async def lock_resident(session: AsyncSession, resident_id: int) -> Resident:
    """The resident's row, locked on PostgreSQL so their own concurrent requests (from a second
    worker) count active bookings one after the other; SQLite writers are serialised anyway."""
    resident = await session.scalar(
        select(Resident).where(Resident.id == resident_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    assert resident is not None
    return resident


async def _expire_past(session: AsyncSession, *, resident_id: int, now: datetime) -> None:
    """Close the resident's past bookings nobody marked, so they never block a new one."""
    past = select(Slot.id).where(Slot.ends_at <= now)
    await session.execute(
        update(Booking)
        .where(Booking.resident_id == resident_id, Booking.status == "active",
               Booking.slot_id.in_(past))
        .values(status="expired", updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def _insert_booking(session: AsyncSession, *, resident_id: int, item_id: str,
                          slot_id: int, name: str, phone: str, now: datetime,
                          tz: ZoneInfo) -> Booking:
    """Insert with a fresh random code; a code collision (unique) just draws another."""
    for _ in range(CODE_ATTEMPTS):
        booking = Booking(code=new_code(), resident_id=resident_id, item_id=item_id,
                          slot_id=slot_id, status="active", name=name[:64], phone=phone[:32],
                          created_at=now, updated_at=now)
        try:
            async with session.begin_nested():
                session.add(booking)
                await session.flush()
            return booking
        except IntegrityError:
            existing = await active_for_item(session, resident_id=resident_id, item_id=item_id)
            if existing is not None:  # the partial unique index: a booking raced this one
                raise _already_booked(*existing, tz) from None
    raise RuntimeError("could not draw an unused booking code")  # pragma: no cover


def local_time(at: datetime, tz: ZoneInfo) -> str:
    """A time for a refusal message (labels have no filters): local, minutes precision."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _already_booked(booking: Booking, slot: Slot, tz: ZoneInfo) -> DomainError:
    return DomainError("already_booked_item", booking_code=booking.code,
                       at=local_time(slot.starts_at, tz))


async def may_book(session: AsyncSession, *, resident_id: int, item_id: str, now: datetime,
                   max_active: int, tz: ZoneInfo) -> tuple[Booking, Slot] | None:
    """Refuse a resident who may not book now (blocked after no-shows, too many bookings);
    return their active booking of this item if they have one (the caller decides)."""
    resident = await lock_resident(session, resident_id)
    if resident.booking_blocked_until is not None and resident.booking_blocked_until > now:
        raise DomainError("booking_blocked",
                          until=resident.booking_blocked_until.astimezone(tz).date())
    await _expire_past(session, resident_id=resident_id, now=now)
    existing = await active_for_item(session, resident_id=resident_id, item_id=item_id)
    if existing is not None:
        return existing
    active = await session.scalar(
        select(func.count()).select_from(Booking)
        .where(Booking.resident_id == resident_id, Booking.status == "active")
    ) or 0
    if active >= max_active:
        raise DomainError("too_many_bookings", max=max_active)
    return None


async def book(session: AsyncSession, *, resident_id: int, item_id: str, place: Place,
               name: str, phone: str, now: datetime, max_active: int) -> tuple[Booking, Slot]:
    """Take a place for the resident, or refuse (blocked, already booked, too many, full).

    Nothing is left behind by a refusal: the place is taken inside a savepoint that is rolled
    back when the booking cannot be written.
    """
    schedule = place.schedule
    if not schedule.is_offerable(place.starts_at, now):
        raise DomainError("slot_unavailable")
    existing = await may_book(session, resident_id=resident_id, item_id=item_id, now=now,
                              max_active=max_active, tz=schedule.tz)
    if existing is not None:
        raise _already_booked(*existing, schedule.tz)
    slot_id = await _slot_id(session, place)
    try:
        async with session.begin_nested():
            if not await _take_place(session, slot_id):
                raise SlotFull(place.starts_at, ())
            booking = await _insert_booking(session, resident_id=resident_id, item_id=item_id,
                                            slot_id=slot_id, name=name, phone=phone, now=now,
                                            tz=schedule.tz)
    except SlotFull:
        raise SlotFull(place.starts_at, await nearest_free(session, place, now)) from None
    slot = await session.get(Slot, slot_id, populate_existing=True)
    assert slot is not None
    return booking, slot


async def own_upcoming(session: AsyncSession, *, booking_id: int, resident_id: int,
                       now: datetime) -> tuple[Booking, Slot]:
    """The resident's own active booking that has not started — never someone else's."""
    found = await get_booking(session, booking_id)
    if found is None or found[0].resident_id != resident_id:
        raise DomainError("no_such_booking")
    booking, slot = found
    if booking.status != "active":
        raise DomainError("booking_not_active", booking_code=booking.code)
    if slot.starts_at <= now:
        raise DomainError("booking_started", booking_code=booking.code)
    return booking, slot


async def cancel(session: AsyncSession, *, booking_id: int, resident_id: int,
                 now: datetime) -> tuple[Booking, Slot]:
    """Cancel the resident's booking: the place is free again, pending reminders are dropped."""
    booking, slot = await own_upcoming(session, booking_id=booking_id, resident_id=resident_id,
                                       now=now)
    booking.status = "cancelled"
    booking.updated_at = now
    await session.flush()
    await _release_place(session, slot.id)
    await outbox.cancel(session, booking_id=booking.id)
    return booking, slot


async def reschedule(session: AsyncSession, *, booking_id: int, resident_id: int,
                     place: Place, now: datetime) -> tuple[Booking, Slot, Booking]:
    """Move a booking to a new time, atomically: the new place is held first and only then is
    the old one released; if the new time is full, nothing changes. Returns (new booking, its
    slot, old booking); the old one stays as `rescheduled` and its reminders are dropped."""
    old, old_slot = await own_upcoming(session, booking_id=booking_id, resident_id=resident_id,
                                       now=now)
    if not place.schedule.is_offerable(place.starts_at, now):
        raise DomainError("slot_unavailable")
    if old_slot.starts_at == place.starts_at and old_slot.resource == place.resource:
        raise DomainError("same_time")
    slot_id = await _slot_id(session, place)
    try:
        async with session.begin_nested():
            if not await _take_place(session, slot_id):
                raise SlotFull(place.starts_at, ())
            old.status = "rescheduled"  # frees the "one active per item" index for the new row
            old.updated_at = now
            await session.flush()
            await _release_place(session, old_slot.id)
            new = await _insert_booking(session, resident_id=resident_id, item_id=old.item_id,
                                        slot_id=slot_id, name=old.name, phone=old.phone,
                                        now=now, tz=place.schedule.tz)
    except SlotFull:
        raise SlotFull(place.starts_at, await nearest_free(session, place, now)) from None
    await outbox.cancel(session, booking_id=old.id)
    slot = await session.get(Slot, slot_id, populate_existing=True)
    assert slot is not None
    return new, slot, old


async def capacity_violations(session: AsyncSession) -> int:
    """Slots holding more bookings than places (the benchmark's proof line; always 0)."""
    counted = (
        select(Booking.slot_id, func.count().label("n"))
        .where(Booking.status.in_(("active", "checked_in", "no_show", "expired", "served")))
        .group_by(Booking.slot_id).subquery()
    )
    return await session.scalar(
        select(func.count()).select_from(Slot).outerjoin(counted, counted.c.slot_id == Slot.id)
        .where((Slot.booked > Slot.capacity) | (func.coalesce(counted.c.n, 0) > Slot.capacity)
               | (func.coalesce(counted.c.n, 0) != Slot.booked))
    ) or 0
