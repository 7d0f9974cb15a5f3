"""The booking confirmation as the resident gets it: the text with code, place, time and what
to bring; a QR-code picture of the booking code (staff scan or read it at the window); and an
iCalendar event residents add to their phone's calendar. Used by handlers.appointments only."""

from __future__ import annotations

import html
import io
from datetime import datetime, timedelta

import qrcode
from icalendar import Alarm, Calendar, Event
from qrcode.constants import ERROR_CORRECT_M

from bot.context import Context
from domain.messages import Attachment, Button, Reply
from handlers.cards import shown
from knowledge.model import Item
from services.bookings import Confirmed, manage_buttons
from storage.models import Booking


def confirmation(ctx: Context, done: Confirmed, item: Item) -> list[Reply]:
    """The confirmation: the text (what to bring: everything, or only what is still missing
    when the resident ticked their checklist), the QR code, the .ics."""
    booking, slot = done.booking, done.slot
    text = ctx.t("booking/confirmed", booking=booking, slot=slot, item=item,
                 moved=done.moved_from, bring=done.bring, ticked=done.ticked)
    qr = Attachment(f"{booking.code}.png", qr_png(booking.code),
                    ctx.label("book.qr_caption", code=booking.code))
    description = html.unescape(ctx.t("booking/ics", booking=booking, item=item))
    where = html.unescape(ctx.label("book.ics_location", window=item.window or "",
                                    center=ctx.services.kb.center.name
                                    if ctx.services.kb.center else ""))
    cal = ics(uid=f"{booking.code}@servicebot", starts_at=slot.starts_at, ends_at=slot.ends_at,
              summary=html.unescape(ctx.label("book.ics_summary", item=shown(ctx, item).name,
                                              code=booking.code)),
              location=where, description=description, created=ctx.now)
    doc = Attachment(f"{booking.code}.ics", cal, ctx.label("book.ics_caption"))
    return [Reply(text, manage_rows(ctx, booking)), Reply(photo=qr), Reply(document=doc)]


def manage_rows(ctx: Context, booking: Booking) -> tuple[tuple[Button, ...], ...]:
    """Reschedule and cancel, as buttons in the person's language."""
    return tuple(tuple(ctx.button(key, data) for key, data in row)
                 for row in manage_buttons(booking))


def qr_png(code: str) -> bytes:
    """A PNG of the code alone: what a scanner at the window types into /checkin."""
    # a fixed mask pattern (any is valid) skips the scoring of all eight: 4 ms → 1 ms a code
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=3, mask_pattern=2)
    qr.add_data(code)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf, format="PNG")
    return buf.getvalue()


def ics(*, uid: str, starts_at: datetime, ends_at: datetime, summary: str, location: str,
        description: str, created: datetime, alarm_minutes: int = 60) -> bytes:
    """One VEVENT in UTC (every calendar app shows it in the phone's own time zone), with an
    alarm before the start; `uid` stays the same for a booking so re-imports update it."""
    cal = Calendar()
    cal.add("prodid", "-//servicebot//booking//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", created)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(minutes=-alarm_minutes))
    event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()
