"""The figures of a situation report, counted by the database (GROUP BY, count, never every
row loaded into Python): matters by kind and department, deadlines kept and missed, days to
completion, questions answered by the bot, hot items, complaint categories, ratings, bookings.

Local days (a deadline is a local date) are computed in SQL by shifting the stored UTC time
by the center's offset; the offset is taken once per period (China keeps no daylight saving).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.reports import Period, Report, weighted_percentile
from domain.workdays import WorkCalendar
from storage import gaps
from storage.matters import OPEN_STATUSES
from storage.models import Booking, Matter, Query, Resident, Slot

NO_DEPARTMENT = "—"
TOP_ITEMS = 10


def _offset(period: Period, tz: ZoneInfo) -> timedelta:
    start, _ = period.bounds(tz)
    return start.utcoffset() or timedelta()


def local_date(session: AsyncSession, column: Any, offset: timedelta) -> Any:
    """SQL for the local date of a stored (naive UTC) time."""
    if session.bind.dialect.name == "sqlite":
        return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")
    return cast(column + literal(offset), Date)


def _grouped(rows: Any) -> list[tuple[str, str, int]]:
    out = [(kind, dept or NO_DEPARTMENT, int(n)) for kind, dept, n in rows]
    return sorted(out, key=lambda r: (-r[2], r[0], r[1]))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def build_report(session: AsyncSession, *, period: Period, tz: ZoneInfo,
                       calendar: WorkCalendar, today: date, item_names: Mapping[str, str],
                       department: str | None = None,
                       department_items: Collection[str] = ()) -> Report:
    """Count everything a report says for `period` (and `department` only, when given: its
    matters, and the questions and bookings of its items `department_items`)."""
    start, end = period.bounds(tz)
    offset = _offset(period, tz)
    report = Report(period=period, department=department)
    mine = [Matter.department == department] if department else []
    items_filter = (lambda col: [col.in_(list(department_items))]) if department else (lambda col: [])
    by = (Matter.kind, Matter.department)

    received = await session.execute(
        select(*by, func.count()).where(Matter.created_at >= start, Matter.created_at < end, *mine)
        .group_by(*by))
    report.received = _grouped(received.all())
    done_day = local_date(session, Matter.done_at, offset)
    done = await session.execute(
        select(*by, func.count(), func.count().filter(
            or_(Matter.deadline.is_(None), done_day <= Matter.deadline)))
        .where(Matter.done_at >= start, Matter.done_at < end, *mine).group_by(*by))
    done_rows = done.all()
    report.done = _grouped((k, d, n) for k, d, n, _ in done_rows)
    report.on_time = _grouped((k, d, t) for k, d, _, t in done_rows if t)
    # deadlines that fell in the period and were missed: done after them, or still open
    last_due = min(period.last_day, today - timedelta(days=1))
    missed = await session.execute(
        select(*by, func.count())
        .where(Matter.deadline >= period.start, Matter.deadline <= last_due, *mine,
               or_(and_(Matter.done_at.is_not(None), done_day > Matter.deadline),
                   and_(Matter.done_at.is_(None), Matter.status.in_(OPEN_STATUSES))))
        .group_by(*by))
    report.overdue = _grouped(missed.all())
    # working days to completion: the database counts (created day, done day) pairs, the
    # working-day calendar (holidays, 调休) turns each distinct pair into days
    created_day = local_date(session, Matter.created_at, offset)
    pairs = await session.execute(
        select(created_day, done_day, func.count())
        .where(Matter.done_at >= start, Matter.done_at < end, *mine)
        .group_by(created_day, done_day))
    days: dict[int, int] = {}
    for made, finished, n in pairs.all():
        wd = max(0, calendar.workdays_between(_as_date(made), _as_date(finished)))
        days[wd] = days.get(wd, 0) + int(n)
    report.median_workdays = weighted_percentile(days, 50)
    report.p90_workdays = weighted_percentile(days, 90)

    in_period = [Query.at >= start, Query.at < end]
    asked = await session.execute(
        select(func.count(), func.count().filter(Query.confident.is_(True)))
        .where(*in_period, *items_filter(Query.item_id)))
    report.questions, report.answered_by_bot = (int(x) for x in asked.one())
    report.handed_to_staff = await session.scalar(
        select(func.count()).where(Matter.kind == "consult", Matter.created_at >= start,
                                   Matter.created_at < end, *mine)) or 0
    n = func.count().label("n")
    top = await session.execute(
        select(Query.item_id, n).where(*in_period, Query.confident.is_(True),
                                       Query.item_id.is_not(None), *items_filter(Query.item_id))
        .group_by(Query.item_id).order_by(n.desc(), Query.item_id).limit(TOP_ITEMS))
    report.top_items = [(item_names.get(i, i), int(c)) for i, c in top.all()]
    complaints = await session.execute(
        select(Matter.category, n).where(Matter.kind == "complaint", Matter.created_at >= start,
                                         Matter.created_at < end, *mine)
        .group_by(Matter.category).order_by(n.desc(), Matter.category))
    report.complaints = [(c or "other", int(k)) for c, k in complaints.all()]
    report.ratings = await _ratings(session, start, end, mine)
    p_start, p_end = period.previous().bounds(tz)
    report.previous_ratings = await _ratings(session, p_start, p_end, mine)
    bookings = await session.execute(
        select(Booking.status, func.count()).join(Slot, Slot.id == Booking.slot_id)
        .where(Slot.starts_at >= start, Slot.starts_at < end, *items_filter(Booking.item_id))
        .group_by(Booking.status))
    report.bookings = {s: int(c) for s, c in bookings.all()}
    report.home_visits = await session.scalar(
        select(func.count()).where(Matter.kind == "homevisit", Matter.created_at >= start,
                                   Matter.created_at < end, *mine)) or 0
    if department is None:  # knowledge gaps are the center's, not a department's
        summary = await gaps.period_summary(session, start=start, end=end)
        report.gaps = [(g.example, g.count) for g in summary.groups]
        report.gaps_open, report.gaps_closed = summary.open, summary.closed
        report.gap_groups_closed = summary.groups_closed
    return report


async def _ratings(session: AsyncSession, start: Any, end: Any, mine: list[Any]) -> dict[int, int]:
    """Scores given to the matters finished in [start, end)."""
    rows = await session.execute(
        select(Matter.rating, func.count())
        .where(Matter.done_at >= start, Matter.done_at < end, Matter.rating.is_not(None), *mine)
        .group_by(Matter.rating))
    return {int(s): int(c) for s, c in rows.all()}


async def matter_rows(session: AsyncSession, *, period: Period, tz: ZoneInfo,
                      department: str | None = None,
                      batch: int = 2000) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The period's matters (received or done in it) in batches, for the export's raw list:
    number, kind, status, department, item, category, created, deadline, done, rating and the
    resident's phone (the caller masks it). Streamed, never held in memory at once."""
    start, end = period.bounds(tz)
    stmt = (
        select(Matter.number, Matter.kind, Matter.status, Matter.department, Matter.item_id,
               Matter.category, Matter.created_at, Matter.deadline, Matter.done_at,
               Matter.rating, Resident.phone)
        .join(Resident, Resident.id == Matter.resident_id)
        .where(or_(and_(Matter.created_at >= start, Matter.created_at < end),
                   and_(Matter.done_at >= start, Matter.done_at < end)),
               *([Matter.department == department] if department else []))
        .order_by(Matter.id)
        .execution_options(yield_per=batch)
    )
    result = await session.stream(stmt)
    async for rows in result.partitions(batch):
        yield [tuple(row) for row in rows]
