"""Appointments at the window: staff check a resident in by the booking code, or record a
no-show (爽约), which may block the resident's new bookings for a while. Runs in the caller's
transaction like storage.bookings; refusals raise `DomainError`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from storage import outbox
from storage.bookings import by_code, local_time, lock_resident, normalise_code
from storage.models import Booking, Slot


async def _for_staff(session: AsyncSession, raw_code: str) -> tuple[Booking, Slot]:
    code = normalise_code(raw_code)
    if code is None:
        raise DomainError("bad_booking_code", booking_code=raw_code.strip()[:12])
    found = await by_code(session, code)
    if found is None:
        raise DomainError("no_such_booking_code", booking_code=code)
    return found


async def check_in(session: AsyncSession, *, code: str, now: datetime, today: date,
                   tz: ZoneInfo) -> tuple[Booking, Slot]:
    """Mark arrival for a booking of today; its remaining reminders are dropped."""
    booking, slot = await _for_staff(session, code)
    if booking.status == "checked_in":
        raise DomainError("already_checked_in", booking_code=booking.code)
    if booking.status not in ("active", "expired", "no_show"):
        raise DomainError("booking_not_active", booking_code=booking.code)
    day = slot.starts_at.astimezone(tz).date()
    if day != today:
        raise DomainError("booking_not_today", booking_code=booking.code, day=day)
    booking.status = "checked_in"  # a late arrival marked no-show is corrected too
    booking.updated_at = now
    await outbox.cancel(session, booking_id=booking.id)
    return booking, slot


@dataclass(frozen=True)
class NoShow:
    booking: Booking
    slot: Slot
    recent: int  # no-shows of this resident within the window, this one included
    blocked_until: datetime | None  # set when this no-show reached the limit


async def mark_no_show(session: AsyncSession, *, code: str, now: datetime, limit: int,
                       window_days: int, block_days: int, tz: ZoneInfo) -> NoShow:
    """Record that the resident did not come; `limit` no-shows within `window_days` block new
    bookings for `block_days` (爽约 rule)."""
    booking, slot = await _for_staff(session, code)
    if booking.status == "no_show":
        raise DomainError("already_no_show", booking_code=booking.code)
    if booking.status not in ("active", "expired"):
        raise DomainError("booking_not_active", booking_code=booking.code)
    if slot.starts_at > now:
        raise DomainError("booking_not_started", booking_code=booking.code,
                          at=local_time(slot.starts_at, tz))
    booking.status = "no_show"
    booking.updated_at = now
    await session.flush()
    await outbox.cancel(session, booking_id=booking.id)
    since = now - timedelta(days=window_days)
    recent = await session.scalar(
        select(func.count()).select_from(Booking).join(Slot, Slot.id == Booking.slot_id)
        .where(and_(Booking.resident_id == booking.resident_id, Booking.status == "no_show",
                    Slot.starts_at >= since))
    ) or 0
    blocked_until = None
    if recent >= limit:
        resident = await lock_resident(session, booking.resident_id)
        until = now + timedelta(days=block_days)
        if resident.booking_blocked_until is None or resident.booking_blocked_until < until:
            resident.booking_blocked_until = until
        blocked_until = resident.booking_blocked_until
    return NoShow(booking, slot, recent, blocked_until)
