"""The supervisors' daily digest (情况报告): what came in, what is open and what slipped, by
kind and department, with new complaints and bad ratings listed one by one.

A plain function over plain facts, so it is unit-tested without a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

OPEN = ("open", "assigned", "answered", "waiting")
RUNNING = ("open", "assigned")


@dataclass(frozen=True)
class MatterFacts:
    id: int
    number: str
    kind: str
    status: str
    department: str | None
    deadline: date | None
    paused: bool
    created_at: datetime
    category: str | None = None
    urgent: bool = False
    subject: str = ""


@dataclass(frozen=True)
class BadRating:
    number: str
    score: int
    comment: str = ""


@dataclass
class Digest:
    day: date
    since: datetime
    new_by_kind: dict[str, int] = field(default_factory=dict)
    open_by: list[tuple[str, str, int]] = field(default_factory=list)  # kind, department, n
    overdue_by: list[tuple[str, str, int]] = field(default_factory=list)
    overdue: list[MatterFacts] = field(default_factory=list)
    new_complaints: list[MatterFacts] = field(default_factory=list)
    bad_ratings: list[BadRating] = field(default_factory=list)
    unreachable: int = 0
    # the service itself (情况报告: hot topics, unanswered questions, deadlines kept, satisfaction)
    questions: int = 0  # asked in chat
    answered: int = 0  # answered by the bot from the service guide
    topics: list[tuple[str, int]] = field(default_factory=list)  # the most asked items
    done: int = 0  # matters finished in the period
    done_on_time: int = 0
    ratings: int = 0
    rating_average: float | None = None

    @property
    def new_total(self) -> int:
        return sum(self.new_by_kind.values())

    @property
    def open_total(self) -> int:
        return sum(n for _, _, n in self.open_by)

    @property
    def overdue_total(self) -> int:
        return sum(n for _, _, n in self.overdue_by)


def _grouped(rows: Iterable[MatterFacts], no_department: str) -> list[tuple[str, str, int]]:
    counts = Counter((m.kind, m.department or no_department) for m in rows)
    return sorted(((k, d, n) for (k, d), n in counts.items()), key=lambda r: (-r[2], r[0], r[1]))


TOP_TOPICS = 5


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def summarise(matters: Iterable[MatterFacts], *, today: date, since: datetime,
              bad_ratings: Iterable[BadRating] = (), unreachable: int = 0,
              questions: Iterable[tuple[str | None, bool]] = (),
              finished: Iterable[tuple[date, date | None]] = (),
              ratings: Iterable[int] = (), no_department: str = "—") -> Digest:
    """Group the facts; `matters` holds every open matter and every one created since `since`.

    `questions` are (matched item or None, answered with confidence) of what was asked in
    chat since `since`; `finished` the (local day done, deadline) of matters finished since
    then — on time when done by the deadline; `ratings` the scores given since then."""
    rows = list(matters)
    asked = list(questions)
    done = list(finished)
    scores = list(ratings)
    topics = Counter(item for item, confident in asked if confident and item)
    new = [m for m in rows if m.created_at >= since]
    open_rows = [m for m in rows if m.status in OPEN]
    # an answered question kept its promise; a paused case waits for the resident
    overdue = [m for m in open_rows if m.deadline is not None and m.deadline < today
               and not m.paused and m.status in RUNNING]
    return Digest(
        day=today,
        since=since,
        new_by_kind=dict(sorted(Counter(m.kind for m in new).items())),
        open_by=_grouped(open_rows, no_department),
        overdue_by=_grouped(overdue, no_department),
        overdue=sorted(overdue, key=lambda m: (m.deadline or today, m.id)),
        new_complaints=[m for m in new if m.kind == "complaint"],
        bad_ratings=list(bad_ratings),
        unreachable=unreachable,
        questions=len(asked),
        answered=sum(1 for _, confident in asked if confident),
        topics=topics.most_common(TOP_TOPICS),
        done=len(done),
        done_on_time=sum(1 for day, deadline in done if deadline is None or day <= deadline),
        ratings=len(scores),
        rating_average=round(sum(scores) / len(scores), 1) if scores else None,
    )
