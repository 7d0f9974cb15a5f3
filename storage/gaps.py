"""Knowledge gaps in the database: every question not answered confidently stays in
`queries` with the matcher's reading (`reading`), its time and language. Groups are counted
by the database (GROUP BY reading) and merged by knowledge.gaps.cluster; who asked is never
read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.gaps import GapGroup, cluster
from storage.models import Query

READINGS = 500  # distinct readings looked at, most asked first (the long tail is noise)
TOP_GROUPS = 5


def _gap(*extra):  # type: ignore[no-untyped-def]
    return [Query.confident.is_(False), Query.reading.is_not(None), Query.reading != "", *extra]


async def _readings(session: AsyncSession, where: Sequence) -> list[tuple[str, int, list[str]]]:
    n = func.count().label("n")
    rows = await session.execute(
        select(Query.reading, n, func.min(Query.text), func.max(Query.text))
        .where(*where).group_by(Query.reading).order_by(n.desc(), Query.reading).limit(READINGS))
    return [(r, int(c), [t for t in dict.fromkeys((a, b)) if t]) for r, c, a, b in rows.all()]


async def open_groups(session: AsyncSession, *, since: datetime, limit: int = 8) -> list[GapGroup]:
    """The largest groups of questions asked since `since` that nobody has attached yet."""
    groups = cluster(await _readings(session, _gap(Query.at >= since,
                                                   Query.gap_closed_at.is_(None))))
    return groups[:limit]


@dataclass
class GapSummary:
    open: int = 0  # questions not answered confidently in the period
    closed: int = 0  # questions attached to the KB in the period
    groups_closed: int = 0
    groups: list[GapGroup] = field(default_factory=list)


async def period_summary(session: AsyncSession, *, start: datetime, end: datetime,
                         top: int = TOP_GROUPS) -> GapSummary:
    in_period = (Query.at >= start, Query.at < end)
    summary = GapSummary()
    summary.open = await session.scalar(
        select(func.count()).where(Query.confident.is_(False), *in_period)) or 0
    closed = await session.execute(
        select(func.count(), func.count(func.distinct(Query.reading)))
        .where(Query.gap_closed_at >= start, Query.gap_closed_at < end))
    summary.closed, summary.groups_closed = (int(x) for x in closed.one())
    summary.groups = cluster(await _readings(session, _gap(*in_period)))[:top]
    return summary


async def close(session: AsyncSession, *, readings: Sequence[str], item_id: str,
                now: datetime) -> int:
    """Mark the group's questions as answered by the KB from now on; returns how many."""
    result = await session.execute(
        update(Query).where(*_gap(Query.reading.in_(list(readings)),
                                  Query.gap_closed_at.is_(None)))
        .values(gap_closed_at=now, gap_item=item_id))
    return int(result.rowcount or 0)
