"""What a booking's day, time and confirm buttons are for — a new booking of an item, or
moving one of the person's bookings — re-validated from the callback data on every press."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.context import Context
from bot.services import Services
from domain.errors import DomainError
from domain.slots import Schedule, parse_time_token, slot_rule_for
from knowledge.model import Item
from storage import bookings
from storage.models import Booking, Slot


@dataclass(frozen=True)
class Target:
    """What the day and time buttons are for: a new booking of `item`, or moving `booking`."""

    item: Item
    resource: str
    schedule: Schedule
    booking: Booking | None = None
    slot: Slot | None = None

    @property
    def key(self) -> str:
        return str(self.booking.id) if self.booking else self.item.id

    def data(self, step: str, token: str) -> str:
        """Callback data of a step (`d`, `t`, `ok`), the reschedule variant when moving."""
        return f"book:{'r' + step if self.booking else step}:{self.key}:{token}"


def schedule_for(services: Services, item: Item) -> tuple[str, Schedule]:
    """The resource an item's bookings take places of, and its schedule (settings + calendar)."""
    s = services.settings
    resource, rule = slot_rule_for(item.id, item.window, overrides=s.slot_overrides,
                                   minutes=s.slot_minutes, capacity=s.slot_capacity)
    hours = {d: s.session_times(d) for d in range(7)}
    return resource, Schedule(tz=services.tz, office_hours=hours, calendar=services.calendar,
                              rule=rule, horizon_workdays=s.booking_horizon_days,
                              cutoff_minutes=s.same_day_cutoff_minutes)


def bookable_item(ctx: Context, item_id: str) -> Item:
    item = ctx.services.kb.get(item_id)
    if item is None or not item.appointment:
        raise DomainError("not_bookable")
    return item


def item_target(ctx: Context, item_id: str) -> Target:
    item = bookable_item(ctx, item_id)
    return Target(item, *schedule_for(ctx.services, item))


async def booking_target(ctx: Context, raw_id: str) -> Target:
    """Moving a booking: only the person's own, still upcoming one."""
    if not raw_id.isdigit():
        raise DomainError("no_such_booking")
    booking, slot = await bookings.own_upcoming(ctx.session, booking_id=int(raw_id),
                                                resident_id=ctx.person.id, now=ctx.now)
    item = bookable_item(ctx, booking.item_id)
    return Target(item, *schedule_for(ctx.services, item), booking=booking, slot=slot)


def leave_input(ctx: Context) -> None:
    """A button pressed while we waited for typing: stop waiting (the text would be misread)."""
    if ctx.state.startswith("book"):
        ctx.clear_state()


def place_of(target: Target, starts_at: datetime) -> bookings.Place:
    return bookings.Place(target.resource, target.schedule, starts_at)


def time_of(target: Target, token: str) -> datetime:
    at = parse_time_token(token, target.schedule.tz)
    if at is None:
        raise DomainError("slot_unavailable")
    return at
