"""Files a booking confirmation carries: a QR-code picture of the booking code (staff scan or
read it at the window) and an iCalendar event residents add to their phone's calendar."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import qrcode
from icalendar import Alarm, Calendar, Event
from qrcode.constants import ERROR_CORRECT_M


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
