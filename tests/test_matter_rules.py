"""Plain rules: complaint escalation (一事一报), who handles what, ratings, the digest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain import matter_rules as rules
from domain.digest import BadRating, MatterFacts, summarise


def test_fees_and_corruption_alert_supervisors_and_are_theirs_alone():
    assert rules.alerts_supervisors("fees", False, "办证时多收了钱")
    assert rules.is_integrity_matter("attitude", "窗口人员暗示要给红包才给办")
    assert rules.is_integrity_matter("other", "He asked me for a BRIBE")
    assert not rules.is_integrity_matter("efficiency", "排队两个小时")
    assert rules.alerts_supervisors("efficiency", True, "排队两个小时")  # marked urgent
    assert not rules.alerts_supervisors("efficiency", False, "排队两个小时")


def test_followups_and_integrity_complaints_need_a_supervisor():
    assert not rules.may_handle(kind="followup", sensitive=False, role="staff")
    assert rules.may_handle(kind="followup", sensitive=False, role="supervisor")
    assert not rules.may_handle(kind="complaint", sensitive=True, role="staff")
    assert rules.may_handle(kind="complaint", sensitive=True, role="admin")
    assert rules.may_handle(kind="complaint", sensitive=False, role="staff")
    assert rules.may_handle(kind="case", sensitive=False, role="staff")


def test_ratings():
    assert [rules.needs_followup(s) for s in rules.RATING_SCORES] == [False, False, False, True,
                                                                       True]
    assert not rules.valid_score(0) and not rules.valid_score(6)
    assert rules.asks_rating("case") and not rules.asks_rating("followup")


def _m(id_: int, kind: str, status: str, dept: str | None, deadline: date | None,
       created: datetime, paused: bool = False, **kw) -> MatterFacts:  # type: ignore[no-untyped-def]
    return MatterFacts(id=id_, number=f"X{id_}", kind=kind, status=status, department=dept,
                       deadline=deadline, paused=paused, created_at=created, **kw)


def test_digest_groups_by_kind_and_department():
    since = datetime(2026, 11, 22, 0, tzinfo=UTC)
    old, new = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 22, 9, tzinfo=UTC)
    today = date(2026, 11, 23)
    d = summarise([
        _m(1, "case", "assigned", "民政办", date(2026, 11, 20), old),          # overdue
        _m(2, "case", "waiting", "民政办", date(2026, 11, 20), old, paused=True),  # paused: not
        _m(3, "consult", "open", None, date(2026, 11, 30), new),
        _m(4, "complaint", "open", None, date(2026, 11, 27), new, category="fees", urgent=True),
        _m(5, "case", "done", "民政办", date(2026, 11, 20), new),               # new but done
    ], today=today, since=since, bad_ratings=[BadRating("B9", 1, "态度差")], unreachable=2)
    assert d.new_by_kind == {"case": 1, "complaint": 1, "consult": 1}
    assert d.open_total == 4 and d.overdue_total == 1
    assert ("case", "民政办", 2) in d.open_by and ("consult", "—", 1) in d.open_by
    assert [m.number for m in d.overdue] == ["X1"]
    assert [m.number for m in d.new_complaints] == ["X4"]
    assert d.bad_ratings[0].score == 1 and d.unreachable == 2


def test_digest_reports_topics_answers_deadlines_kept_and_satisfaction():
    since = datetime(2026, 11, 22, 0, tzinfo=UTC)
    d = summarise([], today=date(2026, 11, 23), since=since,
                  questions=[("dibao", True), ("dibao", True), ("id-card", True),
                             ("dibao", False), (None, False)],
                  finished=[(date(2026, 11, 20), date(2026, 11, 20)),   # on the day: kept
                            (date(2026, 11, 21), date(2026, 11, 20)),   # a day late
                            (date(2026, 11, 21), None)],               # no deadline: kept
                  ratings=[5, 4, 1])
    assert (d.questions, d.answered) == (5, 3)
    assert d.topics == [("dibao", 2), ("id-card", 1)]  # only what the bot answered
    assert (d.done, d.done_on_time) == (3, 2)
    assert d.ratings == 3 and d.rating_average == 3.3
