"""Guarantees about all inputs: a report period is always a real, past-or-current span; gap
grouping never loses or duplicates a question."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.reports import parse_period, weighted_percentile
from knowledge.gaps import cluster

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
args = st.one_of(st.text(max_size=12), st.sampled_from(["week", "month", "", "2026-02",
                                                        "2026-13", "1999-12", "2035-12"]))


@given(args, days)
def test_a_period_is_none_or_a_span_that_has_begun(arg, today):
    period = parse_period(arg, today)
    if period is None:
        return
    assert period.start < period.end <= today + timedelta(days=1)
    if period.kind == "week":
        assert period.start.weekday() == 0 and period.end - period.start == timedelta(days=7)
        assert period.end <= today  # the last complete week
    else:
        assert period.start.day == 1 and (period.end.day == 1 or period.end == today + timedelta(days=1))
    assert period.previous().end == period.start


words = st.sampled_from(["路灯", "维修", "狗", "补办", "低保", "申请", "钓鱼", "窗口", "@fishing"])
readings = st.lists(st.tuples(st.lists(words, min_size=0, max_size=4).map(lambda w: " ".join(sorted(set(w)))),
                              st.integers(min_value=1, max_value=50),
                              st.lists(st.text(min_size=1, max_size=5), max_size=2)),
                    max_size=30, unique_by=lambda r: r[0])


@given(readings)
def test_grouping_keeps_every_question_exactly_once(rows):
    groups = cluster(rows)
    grouped = [r for g in groups for r in g.readings]
    assert sorted(grouped) == sorted(r for r, _, _ in rows if r)  # each reading in one group
    assert sum(g.count for g in groups) == sum(n for r, n, _ in rows if r)
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    assert all(len(g.examples) <= 3 for g in groups)


@given(st.dictionaries(st.integers(0, 60), st.integers(1, 1000), min_size=1),
       st.floats(min_value=1, max_value=100))
def test_percentile_is_a_value_with_enough_below_it(counts, pct):
    value = weighted_percentile(counts, pct)
    total = sum(counts.values())
    assert value in counts
    assert sum(n for v, n in counts.items() if v <= value) >= total * pct / 100
    assert sum(n for v, n in counts.items() if v < value) < total * pct / 100
