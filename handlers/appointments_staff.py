"""Staff side of appointments: /today [YYYY-MM-DD] (the day per window, phones masked),
/checkin CODE (arrival; offers to open a case for it) and /noshow CODE (the no-show rule may
block the resident's new bookings for a while — they are told why and until when).

All need the staff role, checked (and refusals audited) by the dispatcher.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from bot.context import Context
from bot.router import Router
from domain.daytext import parse_day
from domain.errors import DomainError
from domain.messages import Reply
from services.notices import notice
from storage import booking_desk, bookings
from storage.people import resident_by_id


def _day_arg(ctx: Context) -> date:
    raw = ctx.event.args.strip()
    if not raw:
        return ctx.today
    day = parse_day(raw, ctx.today)
    if day is None:
        raise DomainError("usage", usage=ctx.label("usage.today"))
    return day


async def today_cmd(ctx: Context) -> list[Reply]:
    """/today [YYYY-MM-DD]: every booking of the day, grouped by window, in time order."""
    day = _day_arg(ctx)
    tz = ctx.services.tz
    start = datetime.combine(day, time(0), tzinfo=tz)
    rows = await bookings.of_day(ctx.session, start=start, end=start + timedelta(days=1))
    windows: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for booking, slot in rows:
        item = ctx.services.kb.get(booking.item_id)
        window = (item.window if item and item.window else None) or slot.resource.split(":", 1)[1]
        windows[window].append((booking, slot, item))
    ordered = {w: sorted(v, key=lambda r: (r[1].starts_at, r[0].id))
               for w, v in sorted(windows.items())}
    return [Reply(ctx.t("booking/today", day=day, windows=ordered, total=len(rows)))]


def _code_arg(ctx: Context, usage: str) -> str:
    code = ctx.event.args.strip()
    if not code:
        raise DomainError("usage", usage=ctx.label(usage))
    return code


async def checkin_cmd(ctx: Context) -> list[Reply]:
    """/checkin CODE: the resident has arrived; a button opens a case (办件) for the booking."""
    booking, slot = await booking_desk.check_in(ctx.session, code=_code_arg(ctx, "usage.checkin"),
                                            now=ctx.now, today=ctx.today, tz=ctx.services.tz)
    item = ctx.services.kb.get(booking.item_id)
    return [Reply(ctx.t("booking/checked_in", booking=booking, slot=slot, item=item),
                  ((ctx.button("btn.open_case", f"case:from_booking:{booking.id}"),),))]


async def noshow_cmd(ctx: Context) -> list[Reply]:
    """/noshow CODE: record a no-show; reaching the limit blocks new bookings, and says so."""
    s = ctx.services.settings
    result = await booking_desk.mark_no_show(
        ctx.session, code=_code_arg(ctx, "usage.noshow"), now=ctx.now, limit=s.noshow_limit,
        window_days=s.noshow_window_days, block_days=s.noshow_block_days, tz=ctx.services.tz)
    resident = await resident_by_id(ctx.session, result.booking.resident_id)
    if result.blocked_until is not None and resident is not None:
        await ctx.notify(notice(
            [resident.key], "booking/blocked_notice", kind="booking_blocked",
            until=result.blocked_until, recent=result.recent, window=s.noshow_window_days,
            dedupe_prefix=f"noshow-block:{result.booking.id}"))
    item = ctx.services.kb.get(result.booking.item_id)
    return [Reply(ctx.t("booking/noshow", result=result, item=item, limit=s.noshow_limit,
                        window=s.noshow_window_days))]


def register(router: Router) -> None:
    router.command("today", today_cmd, role="staff", help_key="help.today")
    router.command("checkin", checkin_cmd, role="staff", help_key="help.checkin")
    router.command("noshow", noshow_cmd, role="staff", help_key="help.noshow")
