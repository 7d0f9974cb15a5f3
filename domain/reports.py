"""Situation reports (情况报告) over a period: what the period is, and the figures a report holds.

Plain values and rules only; the counting itself is done by the database (storage.situation)
and drawing and exporting by bot.report_files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    """Local days [start, end): a complete ISO week, or a calendar month (to date when it is
    the current one)."""

    kind: str  # week | month
    start: date
    end: date

    @property
    def name(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> Period:
        if self.kind == "week":
            return Period("week", self.start - timedelta(days=7), self.start)
        first = (self.start - timedelta(days=1)).replace(day=1)
        return Period("month", first, self.start)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes (local midnights), for comparing stored UTC times."""
        return (datetime.combine(self.start, time(), tz), datetime.combine(self.end, time(), tz))


def week_before(today: date) -> Period:
    """The last complete week (Monday to Sunday) before `today`."""
    monday = today - timedelta(days=today.weekday())
    return Period("week", monday - timedelta(days=7), monday)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def parse_period(arg: str, today: date) -> Period | None:
    """`week` (default): last complete week; `month`: last complete month; `YYYY-MM`: that
    month (up to today when it is the current one). None for anything else or the future."""
    text = (arg or "week").strip().lower()
    if text in ("week", "周", "本周", "上周", "w"):
        return week_before(today)
    if text in ("month", "月", "上月", "m"):
        first = today.replace(day=1)
        return Period("month", (first - timedelta(days=1)).replace(day=1), first)
    m = _MONTH.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    start = date(int(m.group(1)), int(m.group(2)), 1)
    if start > today:
        return None
    return Period("month", start, min(_next_month(start), today + timedelta(days=1)))


def weighted_percentile(counts: dict[int, int], pct: float) -> float | None:
    """The `pct` percentile (nearest rank) of values given as value → how many times."""
    total = sum(counts.values())
    if not total:
        return None
    rank = max(1, -(-total * pct // 100))  # ceil
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return float(value)
    return float(max(counts))


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Report:
    """Everything a situation report says, as plain numbers (SQL-computed) and names."""

    period: Period
    department: str | None  # None: the whole center
    received: list[tuple[str, str, int]] = field(default_factory=list)  # kind, department, n
    done: list[tuple[str, str, int]] = field(default_factory=list)
    on_time: list[tuple[str, str, int]] = field(default_factory=list)
    overdue: list[tuple[str, str, int]] = field(default_factory=list)  # open, past deadline
    median_workdays: float | None = None
    p90_workdays: float | None = None
    questions: int = 0
    answered_by_bot: int = 0
    handed_to_staff: int = 0  # consultations registered as matters in the period
    top_items: list[tuple[str, int]] = field(default_factory=list)  # item name, n
    complaints: list[tuple[str, int]] = field(default_factory=list)  # category, n
    ratings: dict[int, int] = field(default_factory=dict)  # score → n
    previous_ratings: dict[int, int] = field(default_factory=dict)
    bookings: dict[str, int] = field(default_factory=dict)  # status → n
    home_visits: int = 0
    gaps: list[tuple[str, int]] = field(default_factory=list)  # example question, n
    gaps_open: int = 0  # questions not answered confidently in the period
    gaps_closed: int = 0  # questions attached to the KB in the period
    gap_groups_closed: int = 0

    @staticmethod
    def _total(rows: list[tuple[str, str, int]]) -> int:
        return sum(n for _, _, n in rows)

    @property
    def received_total(self) -> int:
        return self._total(self.received)

    @property
    def done_total(self) -> int:
        return self._total(self.done)

    @property
    def on_time_total(self) -> int:
        return self._total(self.on_time)

    @property
    def overdue_total(self) -> int:
        return self._total(self.overdue)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time_total, self.done_total)

    @property
    def bot_rate(self) -> float | None:
        return rate(self.answered_by_bot, self.questions)

    @staticmethod
    def average(scores: dict[int, int]) -> float | None:
        n = sum(scores.values())
        return round(sum(s * c for s, c in scores.items()) / n, 2) if n else None

    @property
    def rating_average(self) -> float | None:
        return self.average(self.ratings)

    @property
    def previous_rating_average(self) -> float | None:
        return self.average(self.previous_ratings)

    @property
    def rating_trend(self) -> float | None:
        now, before = self.rating_average, self.previous_rating_average
        return None if now is None or before is None else round(now - before, 2)

    @property
    def bookings_total(self) -> int:
        return sum(self.bookings.values())

    def by_kind(self, rows: list[tuple[str, str, int]]) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind, _, n in rows:
            out[kind] = out.get(kind, 0) + n
        return out
