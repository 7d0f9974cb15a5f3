"""The booking flows (预约): confirm a new booking, reschedule one, cancel one. Each holds or
frees the place (storage.bookings: the database says no to a full time), works out what the
resident should bring, and queues the day-before and hour-before reminders as notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain import checklist as checklist_rules
from domain.slots import reminder_times
from knowledge.model import Item, Material
from services.notices import ButtonRows, Notice
from storage import bookings
from storage.checklist import ticks_of
from storage.models import Booking, Resident, Slot


@dataclass(frozen=True)
class Reminders:
    """When reminders go out: the day before at `hour` (local), and `before_minutes` ahead."""

    hour: int
    before_minutes: int


@dataclass(frozen=True, eq=False)
class Confirmed:
    """Booked (or moved): the place is held; `bring` is what the resident still lacks."""

    booking: Booking
    slot: Slot
    bring: list[Material]
    ticked: int  # materials the resident ticked as at hand in their checklist
    moved_from: Booking | None = None
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class AlreadyBooked:
    """The same confirm pressed again: the booking it made."""

    booking: Booking
    slot: Slot


@dataclass(frozen=True)
class NeedsContact:
    """The resident has not told us their name and phone yet."""


@dataclass(frozen=True, eq=False)
class Cancelled:
    booking: Booking
    slot: Slot


def manage_buttons(booking: Booking) -> ButtonRows:
    """Reschedule and cancel, under a confirmation and each reminder (label key, data)."""
    return ((("btn.booking_reschedule", f"book:r:{booking.id}"),
             ("btn.booking_cancel", f"book:c:{booking.id}")),)


async def confirm(session: AsyncSession, *, resident: Resident, item: Item,
                  place: bookings.Place, now: datetime, max_active: int,
                  reminders: Reminders) -> Confirmed | AlreadyBooked | NeedsContact:
    """Book `place` for the resident. A second tap of the same button finds the booking it
    made; a full time raises `bookings.SlotFull` with the nearest free ones."""
    done = await bookings.active_for_item(session, resident_id=resident.id, item_id=item.id)
    if done is not None and done[1].starts_at == place.starts_at:  # the double tap
        return AlreadyBooked(*done)
    if not (resident.real_name and resident.phone):
        return NeedsContact()
    booking, slot = await bookings.book(
        session, resident_id=resident.id, item_id=item.id, place=place,
        name=resident.real_name, phone=resident.phone, now=now, max_active=max_active)
    return await _confirmed(session, resident, item, booking, slot, place, now, reminders)


async def reschedule(session: AsyncSession, *, resident: Resident, booking_id: int, item: Item,
                     place: bookings.Place, now: datetime, reminders: Reminders) -> Confirmed:
    """Move the resident's booking to `place`: the new place is held before the old one is
    freed, and the old reminders are dropped for new ones (`bookings.SlotFull` when full)."""
    booking, slot, old = await bookings.reschedule(
        session, booking_id=booking_id, resident_id=resident.id, place=place, now=now)
    return await _confirmed(session, resident, item, booking, slot, place, now, reminders,
                            moved_from=old)


async def cancel(session: AsyncSession, *, resident: Resident, booking_id: int,
                 now: datetime) -> Cancelled:
    """Cancel the resident's own upcoming booking: the place is free again, reminders dropped."""
    return Cancelled(*await bookings.cancel(session, booking_id=booking_id,
                                            resident_id=resident.id, now=now))


async def _confirmed(session: AsyncSession, resident: Resident, item: Item, booking: Booking,
                     slot: Slot, place: bookings.Place, now: datetime, reminders: Reminders,
                     *, moved_from: Booking | None = None) -> Confirmed:
    ticks = await ticks_of(session, resident_id=resident.id, item_id=item.id, now=now)
    bring, ticked = what_to_bring(item, ticks)
    tz = place.schedule.tz
    notices = [
        # in the outbox with the booking's id (a cancel drops them) and one dedupe key per
        # booking and kind (none is queued twice)
        Notice((resident.key,), "booking/reminder", "booking_reminder",
               dict(kind=r.kind, booking=booking, slot=slot, item=item),
               buttons=manage_buttons(booking), dedupe_key=f"bk:{booking.id}:{r.kind}",
               not_before=r.at, booking_id=booking.id)
        for r in reminder_times(slot.starts_at, now, tz=tz, reminder_hour=reminders.hour,
                                before_minutes=reminders.before_minutes)
    ]
    return Confirmed(booking, slot, bring, ticked, moved_from, notices)


def what_to_bring(item: Item, ticks: tuple[list[int], list[int]] | None) -> tuple[list[Material], int]:
    """Everything — or, when the resident ticked their checklist, only what is still missing
    — and how many materials they ticked as at hand."""
    if ticks is None:
        return list(item.materials), 0
    situations = [item.situations[i] for i in ticks[0] if 0 <= i < len(item.situations)]
    lines = checklist_rules.checklist(item, situations, ticks[1])
    bring = [ln.material for ln in lines if not ln.have]
    return bring, len(lines) - len(bring)
