"""Chinese working days: weekends and public holidays closed, make-up workdays (调休) open.

Built on `chinese-calendar`, plus a local override file for extra closed days, extra open
days and weekend duty sessions (延时服务). For a year the package has no data for, falls back
to Monday-Friday and warns once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import yaml

log = logging.getLogger(__name__)


class CalendarFileError(ValueError):
    """The override file cannot be read; the message names the file and the entry."""


@dataclass
class WorkCalendar:
    extra_closed: frozenset[date] = frozenset()
    extra_open: frozenset[date] = frozenset()
    # date -> (("09:00", "12:00"), ...): weekend / holiday duty sessions, bookable
    duty_sessions: dict[date, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    _warned_years: set[int] = field(default_factory=set, repr=False)

    def _official_workday(self, day: date) -> bool:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                msg = (f"chinese-calendar has no data for {day.year}: "
                       "counting Monday-Friday as working days")
                log.warning(msg)
            return day.weekday() < 5

    def is_workday(self, day: date) -> bool:
        """True when the center counts `day` as a working day (deadlines, office hours)."""
        if day in self.extra_closed:
            return False
        if day in self.extra_open:
            return True
        return self._official_workday(day)

    def next_workday(self, day: date, *, include_today: bool = False) -> date:
        d = day if include_today else day + timedelta(days=1)
        while not self.is_workday(d):
            d += timedelta(days=1)
        return d

    def add_workdays(self, start: date, workdays: int) -> date:
        """The date `workdays` working days after `start`; 0 means the same (working) day.

        The start day itself is not counted (a case accepted on Monday with 1 working day is
        due Tuesday). Started on a closed day, the clock starts on the next working day.
        """
        if workdays < 0:
            raise ValueError("workdays must be >= 0")
        day = start if self.is_workday(start) else self.next_workday(start)
        for _ in range(workdays):
            day = self.next_workday(day)
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        n, d = 0, start
        while d < end:
            d += timedelta(days=1)
            if self.is_workday(d):
                n += 1
        return n


def _parse_day(raw: object, path: Path) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise CalendarFileError(f"{path}: not a date: {raw!r}") from exc


def load_calendar(path: str | Path | None) -> WorkCalendar:
    """Read the override file (YAML: closed, open, duty); no file means the official calendar."""
    if path is None:
        return WorkCalendar()
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CalendarFileError(f"{p}: {exc}") from exc
    if not isinstance(data, dict) or set(data) - {"closed", "open", "duty"}:
        raise CalendarFileError(f"{p}: expected keys closed, open, duty")
    duty: dict[date, tuple[tuple[str, str], ...]] = {}
    for raw_day, spans in (data.get("duty") or {}).items():
        spans = spans if isinstance(spans, list) else [spans]
        pairs = []
        for span in spans:
            a, sep, b = str(span).partition("-")
            if not sep:
                raise CalendarFileError(f"{p}: duty {raw_day}: expected HH:MM-HH:MM, got {span!r}")
            pairs.append((a.strip(), b.strip()))
        duty[_parse_day(raw_day, p)] = tuple(pairs)
    return WorkCalendar(
        extra_closed=frozenset(_parse_day(d, p) for d in data.get("closed") or ()),
        extra_open=frozenset(_parse_day(d, p) for d in data.get("open") or ()),
        duty_sessions=duty,
    )
