"""Deadline arithmetic over the 2026 holidays (as chinese-calendar 1.11 publishes them):
Spring Festival Feb 15-23 with make-up days Sat Feb 14 and Sat Feb 28; Mid-Autumn Sep 25-27;
National Day Oct 1-7 with make-up days Sun Sep 20 and Sat Oct 10. Pauses and extensions."""

from __future__ import annotations

from datetime import date

import pytest

from domain import deadlines
from domain.workdays import WorkCalendar

CAL = WorkCalendar()


def test_the_2026_calendar_we_rely_on():
    assert CAL.is_workday(date(2026, 2, 14)) and CAL.is_workday(date(2026, 2, 28))  # 调休
    assert not any(CAL.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert CAL.is_workday(date(2026, 9, 20)) and CAL.is_workday(date(2026, 10, 10))
    assert not any(CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 10, 8))


@pytest.mark.parametrize(("kind", "limit", "expected"), [
    ("即办件", None, 0), ("即办件", 5, 0), ("承诺件", 0, 0), ("承诺件", 15, 15),
    ("上报件", None, 10), ("承诺件", -1, 10), (None, None, 10),
])
def test_promised_workdays(kind, limit, expected):
    assert deadlines.promised_workdays(kind=kind, time_limit_workdays=limit, default=10) == expected


@pytest.mark.parametrize(("accepted", "kind", "limit", "due"), [
    (date(2026, 11, 23), "承诺件", 10, date(2026, 12, 7)),    # two ordinary weeks
    (date(2026, 2, 13), "承诺件", 3, date(2026, 2, 25)),      # Sat 14th counts, the festival not
    (date(2026, 2, 15), "即办件", 0, date(2026, 2, 24)),      # same-day item accepted in the holiday
    (date(2026, 2, 14), "即办件", 0, date(2026, 2, 14)),      # make-up Saturday is a working day
    (date(2026, 9, 30), "承诺件", 5, date(2026, 10, 13)),     # Oct 8, 9, 10 (Sat), 12, 13
    (date(2026, 9, 18), "承诺件", 1, date(2026, 9, 20)),      # make-up Sunday
    (date(2026, 9, 24), "承诺件", 1, date(2026, 9, 28)),      # Mid-Autumn Fri 25th closed
])
def test_case_deadline_over_2026_holidays(accepted, kind, limit, due):
    assert deadlines.case_deadline(CAL, accepted, kind=kind, time_limit_workdays=limit,
                                   default=10) == due


def test_pause_across_the_spring_festival_moves_the_deadline_by_working_days_only():
    # 补正告知 on Thu Feb 12, materials back on Tue Feb 24: Feb 13, Sat 14 and 24 were lost
    assert deadlines.paused_workdays(CAL, date(2026, 2, 12), date(2026, 2, 24)) == 3
    # due Wed Feb 25 → Thu 26, Fri 27, Sat 28 (make-up day)
    assert deadlines.deadline_after_pause(CAL, date(2026, 2, 25), date(2026, 2, 12),
                                          date(2026, 2, 24)) == date(2026, 2, 28)


def test_pause_and_resume_the_same_day_costs_nothing():
    assert deadlines.paused_workdays(CAL, date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert deadlines.deadline_after_pause(CAL, date(2026, 12, 7), date(2026, 11, 23),
                                          date(2026, 11, 23)) == date(2026, 12, 7)


def test_pause_over_a_weekend_counts_only_the_working_days():
    # paused Fri Nov 27, resumed Mon Nov 30: one working day (Monday)
    assert deadlines.paused_workdays(CAL, date(2026, 11, 27), date(2026, 11, 30)) == 1


def test_extension_over_national_day():
    assert deadlines.extended_deadline(CAL, date(2026, 9, 29), 2) == date(2026, 10, 8)
    with pytest.raises(ValueError):
        deadlines.extended_deadline(CAL, date(2026, 9, 29), 0)
    with pytest.raises(ValueError):
        deadlines.extended_deadline(CAL, date(2026, 9, 29), deadlines.MAX_EXTENSION_WORKDAYS + 1)


@pytest.mark.parametrize(("today", "deadline", "due"), [
    (date(2026, 11, 23), date(2026, 11, 24), True),   # Monday, due Tuesday
    (date(2026, 11, 27), date(2026, 11, 30), True),   # Friday, due Monday
    (date(2026, 11, 28), date(2026, 11, 30), False),  # Saturday: nobody at work
    (date(2026, 9, 30), date(2026, 10, 8), True),     # last working day before National Day
    (date(2026, 10, 3), date(2026, 10, 8), False),    # during the holiday
    (date(2026, 2, 13), date(2026, 2, 14), True),     # Friday before the make-up Saturday
    (date(2026, 11, 23), date(2026, 11, 25), False),  # two working days ahead
])
def test_reminder_is_due_on_the_last_working_day_before(today, deadline, due):
    assert deadlines.reminder_due(CAL, today, deadline) is due


def test_overdue_and_days_left():
    assert deadlines.is_overdue(date(2026, 10, 9), date(2026, 10, 8))
    assert not deadlines.is_overdue(date(2026, 10, 8), date(2026, 10, 8))
    assert not deadlines.is_overdue(date(2026, 10, 8), None)
    assert deadlines.workdays_left(CAL, date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert deadlines.workdays_left(CAL, date(2026, 10, 9), date(2026, 9, 30)) == -2
