"""Bookable days and times (预约时段): plain rules, no database, no Telegram.

A `Schedule` knows the center's office hours per weekday, the working-day calendar (holidays
closed, 调休 make-up days open, extra closed days, weekend duty sessions), the slot length, the
booking horizon in working days and the same-day cut-off. Every time it returns is an aware
datetime in the center's time zone; storage turns them into UTC.

Which resource a booking takes a place of: an item with its own slot rule (an override keyed
by the item id) has its own queue; every other item shares its window's places, because one
window serves them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.workdays import WorkCalendar

Sessions = tuple[tuple[time, time], ...]


def parse_hhmm(value: str) -> time:
    hh, _, mm = value.strip().partition(":")
    return time(int(hh), int(mm or 0))


@dataclass(frozen=True)
class SlotRule:
    """Length and capacity of the slots of one resource (a window or an item)."""

    minutes: int
    capacity: int

    def __post_init__(self) -> None:
        if self.minutes <= 0 or self.capacity <= 0:
            raise ValueError(f"slot rule needs positive minutes and capacity, got {self}")


@dataclass(frozen=True)
class Schedule:
    tz: ZoneInfo
    office_hours: Mapping[int, Sessions]  # weekday (0 = Monday) -> sessions
    calendar: WorkCalendar
    rule: SlotRule
    horizon_workdays: int = 10
    cutoff_minutes: int = 60
    # memo of calendar answers: a booking asks about the same few days many times, and the
    # calendar package's lookup is slow enough to show in the benchmark
    _open: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)

    def _is_workday(self, day: date) -> bool:
        if day not in self._open:
            self._open[day] = self.calendar.is_workday(day)
        return self._open[day]

    # -- days ------------------------------------------------------------------------------
    def sessions(self, day: date) -> Sessions:
        """Office sessions of `day`: duty sessions on a closed day, regular hours on a working
        day (a 调休 Saturday keeps the regular hours of a working day), none otherwise."""
        duty = tuple((parse_hhmm(a), parse_hhmm(b))
                     for a, b in self.calendar.duty_sessions.get(day, ()))
        if not self._is_workday(day):
            return duty
        regular = self.office_hours.get(day.weekday()) or self._makeup_hours()
        # duty sessions on a working day extend it (延时服务, e.g. over the lunch break)
        return tuple(sorted(set(regular) | set(duty)))

    def _makeup_hours(self) -> Sessions:
        for weekday in range(7):
            if self.office_hours.get(weekday):
                return self.office_hours[weekday]
        return ()

    def last_day(self, today: date) -> date:
        """The last bookable day: the `horizon_workdays`-th working day counting today (on a
        closed day, counting from the next working day) — "the next 10 working days" shows
        10 days at most, as the resident is told, not 11."""
        day = today
        if not self._is_workday(day):
            day = self._next_workday(day)
        for _ in range(max(self.horizon_workdays - 1, 0)):
            day = self._next_workday(day)
        return day

    def _next_workday(self, day: date) -> date:
        day += timedelta(days=1)
        while not self._is_workday(day):
            day += timedelta(days=1)
        return day

    def days(self, now: datetime) -> list[date]:
        """Days from today to the horizon with at least one time still offerable."""
        return list(dict.fromkeys(t.astimezone(self.tz).date() for t in self.offerable(now)))

    # -- times -----------------------------------------------------------------------------
    def grid(self, day: date) -> list[datetime]:
        """Every slot start of `day` (past ones included), in the center's time zone."""
        step = timedelta(minutes=self.rule.minutes)
        starts: list[datetime] = []
        for begin, end in self.sessions(day):
            at = datetime.combine(day, begin, tzinfo=self.tz)
            stop = datetime.combine(day, end, tzinfo=self.tz)
            while at + step <= stop:  # a slot never runs past the end of the session
                starts.append(at)
                at += step
        return sorted(set(starts))

    def _bounds(self, now: datetime) -> tuple[date, date, datetime]:
        local_now = now.astimezone(self.tz)
        earliest = local_now + timedelta(minutes=self.cutoff_minutes)
        return local_now.date(), self.last_day(local_now.date()), earliest

    def times_on(self, day: date, now: datetime) -> list[datetime]:
        """The starts of `day` a resident may still book: within the horizon, never in the past,
        and today only from `cutoff_minutes` after now (staff need time to prepare)."""
        first, last, earliest = self._bounds(now)
        if day < first or day > last:
            return []
        return [t for t in self.grid(day) if t >= earliest]

    def offerable(self, now: datetime) -> list[datetime]:
        """Every start a resident may book now, in order."""
        first, last, earliest = self._bounds(now)
        out: list[datetime] = []
        day = first
        while day <= last:
            out.extend(t for t in self.grid(day) if t >= earliest)
            day += timedelta(days=1)
        return out

    def is_offerable(self, starts_at: datetime, now: datetime) -> bool:
        """True when `starts_at` is one of the slots a resident may book now (forged or stale
        times — off the grid, on a closed day, past, beyond the horizon — are not)."""
        local = starts_at.astimezone(self.tz)
        return local in self.times_on(local.date(), now)

    def ends_at(self, starts_at: datetime) -> datetime:
        return starts_at + timedelta(minutes=self.rule.minutes)

    # -- office hours ----------------------------------------------------------------------
    def open_at(self, now: datetime) -> bool:
        local = now.astimezone(self.tz)
        return any(a <= local.time() < b for a, b in self.sessions(local.date()))

    def next_open(self, now: datetime, *, within_days: int = 60) -> datetime:
        """`now` while the center is open, else the start of its next session (staff on duty
        then); `now` if no session comes within `within_days` (a misconfigured calendar)."""
        local = now.astimezone(self.tz)
        for offset in range(within_days):
            day = local.date() + timedelta(days=offset)
            for begin, end in self.sessions(day):
                start = datetime.combine(day, begin, tzinfo=self.tz)
                stop = datetime.combine(day, end, tzinfo=self.tz)
                if local < stop:
                    return now if start <= local else start
        return now


def nearest(candidates: Sequence[datetime], around: datetime, n: int = 4) -> list[datetime]:
    """The `n` candidates closest in time to `around`, in chronological order."""
    picked = sorted(candidates, key=lambda t: (abs((t - around).total_seconds()), t))[:n]
    return sorted(picked)


def slot_rule_for(item_id: str, window: str | None, *, overrides: Mapping[str, Mapping[str, int]],
                  minutes: int, capacity: int) -> tuple[str, SlotRule]:
    """The resource a booking of `item_id` takes a place of, and that resource's slot rule.

    An override for the item gives it a queue of its own (`item:<id>`); otherwise the item
    shares its window's places (`win:<window>`), with the window's override if any.
    """
    if item_id in overrides:
        spec = overrides[item_id]
        resource = f"item:{item_id}"
    else:
        key = window or f"item:{item_id}"
        spec = overrides.get(window or "", {})
        resource = f"win:{key}" if window else key
    return resource, SlotRule(int(spec.get("minutes", minutes)), int(spec.get("capacity", capacity)))


@dataclass(frozen=True)
class Reminder:
    kind: str  # "day" (the day before) or "hour" (shortly before)
    at: datetime


def reminder_times(starts_at: datetime, now: datetime, *, tz: ZoneInfo, reminder_hour: int,
                   before_minutes: int = 60) -> list[Reminder]:
    """When to remind: the day before at `reminder_hour` and `before_minutes` before the
    start — each only if still in the future (a booking for this afternoon gets no
    day-before reminder, and one made after 18:00 for tomorrow morning neither)."""
    local = starts_at.astimezone(tz)
    eve = datetime.combine(local.date() - timedelta(days=1), time(reminder_hour), tzinfo=tz)
    soon = starts_at - timedelta(minutes=before_minutes)
    out = []
    if now < eve:
        out.append(Reminder("day", eve))
    if now < soon and soon > eve:
        out.append(Reminder("hour", soon))
    return out


def time_token(at: datetime, tz: ZoneInfo) -> str:
    """A slot start as it travels in callback data: local YYYYMMDDHHMM (12 bytes)."""
    return at.astimezone(tz).strftime("%Y%m%d%H%M")


def parse_time_token(token: str, tz: ZoneInfo) -> datetime | None:
    """Inverse of `time_token`; None for anything malformed (callback data is never trusted)."""
    if len(token) != 12 or not token.isdigit():
        return None
    try:
        return datetime.strptime(token, "%Y%m%d%H%M").replace(tzinfo=tz)
    except ValueError:
        return None


def day_token(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day_token(token: str) -> date | None:
    if len(token) != 8 or not token.isdigit():
        return None
    try:
        return datetime.strptime(token, "%Y%m%d").date()
    except ValueError:
        return None
