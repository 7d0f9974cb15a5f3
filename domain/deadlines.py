"""Deadlines of matters in Chinese working days (限时办结制).

即办件 are done the same working day; 承诺件 / 上报件 / 联办件 within the item's promised
working days (with no rule given, the center's default: 10). Days the clock stood still
because the resident had to bring missing materials (补正) don't count; an extension moves
the date by the working days granted, and the resident is told why.

Everything here is a plain function over a `WorkCalendar`: no database, no Telegram.
"""

from __future__ import annotations

from datetime import date

from domain.workdays import WorkCalendar

SAME_DAY_KINDS = ("即办件",)
MAX_EXTENSION_WORKDAYS = 60


def promised_workdays(*, kind: str | None, time_limit_workdays: int | None,
                      default: int) -> int:
    """How many working days an item promises: 0 for 即办件, else its limit or the default."""
    if kind in SAME_DAY_KINDS or time_limit_workdays == 0:
        return 0
    if time_limit_workdays is None or time_limit_workdays < 0:
        return default
    return time_limit_workdays


def case_deadline(calendar: WorkCalendar, accepted_on: date, *, kind: str | None,
                  time_limit_workdays: int | None, default: int) -> date:
    """The promised completion date of a case accepted on `accepted_on`.

    Accepted on a closed day (weekend duty, 延时服务), the clock starts on the next working day.
    """
    n = promised_workdays(kind=kind, time_limit_workdays=time_limit_workdays, default=default)
    return calendar.add_workdays(accepted_on, n)


def paused_workdays(calendar: WorkCalendar, paused_on: date, resumed_on: date) -> int:
    """Working days the clock stood still: those in (paused_on, resumed_on].

    The day the 补正告知 was issued still counted; the day the materials arrived does not,
    so a pause and resume on the same day costs nothing.
    """
    return max(0, calendar.workdays_between(paused_on, resumed_on))


def deadline_after_pause(calendar: WorkCalendar, deadline: date, paused_on: date,
                         resumed_on: date) -> date:
    """The deadline moved by the working days the resident took to bring what was missing."""
    return calendar.add_workdays(deadline, paused_workdays(calendar, paused_on, resumed_on))


def extended_deadline(calendar: WorkCalendar, deadline: date, workdays: int) -> date:
    """The deadline moved by `workdays` granted working days (延期, with a reason)."""
    if not 1 <= workdays <= MAX_EXTENSION_WORKDAYS:
        raise ValueError(f"an extension is 1-{MAX_EXTENSION_WORKDAYS} working days")
    return calendar.add_workdays(deadline, workdays)


def reminder_due(calendar: WorkCalendar, today: date, deadline: date) -> bool:
    """True on the last working day before the deadline (the due-soon reminder's day)."""
    return calendar.is_workday(today) and calendar.next_workday(today) == deadline


def is_overdue(today: date, deadline: date | None) -> bool:
    return deadline is not None and deadline < today


def workdays_left(calendar: WorkCalendar, today: date, deadline: date) -> int:
    """Working days from today to the deadline (negative when overdue)."""
    return calendar.workdays_between(today, deadline)
