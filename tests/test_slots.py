"""Slot generation (domain.slots): office hours, the Chinese working-day calendar, cut-off,
horizon, duty sessions and the fallback for a year the calendar package does not know."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.slots import (
    Schedule,
    SlotRule,
    nearest,
    parse_day_token,
    parse_time_token,
    reminder_times,
    slot_rule_for,
    time_token,
)
from domain.workdays import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
HOURS = {d: ((time(8, 30), time(12, 0)), (time(14, 30), time(18, 0))) for d in range(5)}


def schedule(calendar: WorkCalendar | None = None, *, minutes: int = 30, capacity: int = 3,
             horizon: int = 10, cutoff: int = 60) -> Schedule:
    return Schedule(tz=TZ, office_hours=HOURS, calendar=calendar or WorkCalendar(),
                    rule=SlotRule(minutes, capacity), horizon_workdays=horizon,
                    cutoff_minutes=cutoff)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_a_working_day_has_seven_morning_and_seven_afternoon_slots():
    times = schedule().grid(date(2026, 11, 24))
    assert len(times) == 14
    assert times[0] == at(2026, 11, 24, 8, 30) and times[6] == at(2026, 11, 24, 11, 30)
    assert times[7] == at(2026, 11, 24, 14, 30) and times[-1] == at(2026, 11, 24, 17, 30)
    assert all(t.tzinfo is not None for t in times)


def test_slot_never_runs_past_the_end_of_a_session():
    times = schedule(minutes=45).grid(date(2026, 11, 24))
    # 8:30 9:15 10:00 10:45 (11:30 would end 12:15) · 14:30 15:15 16:00 16:45 (17:30 → 18:15)
    assert [t.strftime("%H:%M") for t in times] == [
        "08:30", "09:15", "10:00", "10:45", "14:30", "15:15", "16:00", "16:45"]


def test_spring_festival_2026_closed_and_make_up_saturdays_open():
    s = schedule(horizon=15)
    now = at(2026, 2, 12, 9, 0)  # Thursday before the holiday
    days = s.days(now)
    # Feb 14 (Saturday) is a make-up working day with the regular hours
    assert date(2026, 2, 14) in days and len(s.grid(date(2026, 2, 14))) == 14
    for d in range(15, 24):  # Feb 15-23: the Spring Festival holiday
        assert date(2026, 2, d) not in days
    assert date(2026, 2, 24) in days
    assert date(2026, 2, 28) in days  # the second make-up Saturday
    assert date(2026, 2, 21) not in days and date(2026, 2, 22) not in days


def test_spring_festival_horizon_counts_working_days_only():
    s = schedule()  # 10 working days
    days = s.days(at(2026, 2, 12, 9, 0))
    # 12 (today), 13, 14 (make-up Saturday), 24, 25, 26, 27, 28 (make-up), Mar 2, 3: ten
    # working days counting today — "the next 10 working days", as residents are told
    assert days[0] == date(2026, 2, 12)
    assert days[-1] == date(2026, 3, 3)
    assert len(days) == 10


def test_national_day_2026_follows_the_official_calendar():
    s = schedule(horizon=12)
    days = set(s.days(at(2026, 9, 18, 9, 0)))
    assert date(2026, 9, 20) in days  # Sunday make-up working day
    assert date(2026, 9, 19) not in days  # an ordinary Saturday
    assert not any(date(2026, 9, d) in days for d in (25, 26, 27))  # Mid-Autumn
    assert not any(date(2026, 10, d) in days for d in range(1, 8))  # Oct 1-7
    later = set(schedule(horizon=11).days(at(2026, 9, 30, 9, 0)))
    assert date(2026, 10, 8) in later  # the package says the holiday ends on the 7th
    assert date(2026, 10, 10) in later  # Saturday make-up working day
    assert date(2026, 10, 11) not in later


def test_same_day_cutoff_and_no_past_times():
    s = schedule()
    now = at(2026, 11, 24, 10, 10)
    today = s.times_on(date(2026, 11, 24), now)
    assert today[0] == at(2026, 11, 24, 11, 30)  # 11:10 is the earliest allowed start
    assert all(t > now for t in today)
    assert s.times_on(date(2026, 11, 23), now) == []  # yesterday
    late = at(2026, 11, 24, 17, 0)
    assert s.times_on(date(2026, 11, 24), late) == []
    assert date(2026, 11, 24) not in s.days(late)


def test_is_offerable_refuses_off_grid_closed_past_and_beyond_horizon():
    s = schedule()
    now = at(2026, 11, 23, 10, 0)
    assert s.is_offerable(at(2026, 11, 24, 9, 0), now)
    assert s.is_offerable(at(2026, 11, 24, 9, 0).astimezone(ZoneInfo("UTC")), now)
    assert not s.is_offerable(at(2026, 11, 24, 9, 17), now)  # not a slot start
    assert not s.is_offerable(at(2026, 11, 24, 12, 30), now)  # lunch break
    assert not s.is_offerable(at(2026, 11, 28, 9, 0), now)  # Saturday
    assert not s.is_offerable(at(2026, 11, 23, 9, 0), now)  # past
    assert not s.is_offerable(at(2026, 11, 23, 10, 30), now)  # inside the cut-off
    assert s.is_offerable(at(2026, 12, 4, 9, 0), now)  # the 10th working day, today counted
    assert not s.is_offerable(at(2026, 12, 7, 9, 0), now)  # beyond the horizon


def test_extra_closed_days_and_weekend_duty_sessions():
    cal = WorkCalendar(extra_closed=frozenset({date(2026, 11, 25)}),
                       duty_sessions={date(2026, 11, 28): (("09:00", "11:00"),),
                                      date(2026, 11, 26): (("12:00", "13:00"),)})
    s = schedule(cal)
    days = s.days(at(2026, 11, 23, 10, 0))
    assert date(2026, 11, 25) not in days
    saturday = s.grid(date(2026, 11, 28))
    assert [t.strftime("%H:%M") for t in saturday] == ["09:00", "09:30", "10:00", "10:30"]
    assert date(2026, 11, 28) in days
    # a duty session on a working day extends it over the lunch break
    thursday = [t.strftime("%H:%M") for t in s.grid(date(2026, 11, 26))]
    assert "12:00" in thursday and "12:30" in thursday and len(thursday) == 16


def test_year_without_calendar_data_falls_back_to_weekdays_and_warns_once(caplog):
    s = schedule(WorkCalendar())
    with caplog.at_level(logging.WARNING, logger="domain.workdays"):
        days = s.days(at(2026, 12, 28, 9, 0))
        s.days(at(2026, 12, 29, 9, 0))
    assert date(2027, 1, 2) not in days and date(2027, 1, 3) not in days  # weekend
    assert date(2027, 1, 4) in days
    assert all(d.weekday() < 5 for d in days if d.year == 2027)
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1


def test_per_item_and_per_window_slot_rules():
    overrides = {"id-card": {"minutes": 20, "capacity": 2}, "5号窗口": {"capacity": 5}}
    res, rule = slot_rule_for("id-card", "5号窗口", overrides=overrides, minutes=30, capacity=3)
    assert res == "item:id-card" and rule == SlotRule(20, 2)
    res, rule = slot_rule_for("birth-registration", "5号窗口", overrides=overrides,
                              minutes=30, capacity=3)
    assert res == "win:5号窗口" and rule == SlotRule(30, 5)
    res, rule = slot_rule_for("dibao", None, overrides=overrides, minutes=30, capacity=3)
    assert res == "item:dibao" and rule == SlotRule(30, 3)
    with pytest.raises(ValueError):
        SlotRule(0, 3)


def test_reminders_day_before_and_an_hour_before_only_in_the_future():
    start = at(2026, 11, 25, 9, 0)
    rs = reminder_times(start, at(2026, 11, 23, 10, 0), tz=TZ, reminder_hour=18)
    assert [(r.kind, r.at) for r in rs] == [("day", at(2026, 11, 24, 18, 0)),
                                           ("hour", at(2026, 11, 25, 8, 0))]
    late = reminder_times(start, at(2026, 11, 24, 19, 0), tz=TZ, reminder_hour=18)
    assert [r.kind for r in late] == ["hour"]
    assert reminder_times(start, at(2026, 11, 25, 8, 30), tz=TZ, reminder_hour=18) == []


def test_nearest_free_times_both_sides_in_order():
    base = at(2026, 11, 24, 10, 0)
    cands = [base + timedelta(minutes=30 * k) for k in (-4, -1, 1, 2, 6, 20)]
    assert nearest(cands, base, 3) == [base - timedelta(minutes=30), base + timedelta(minutes=30),
                                       base + timedelta(minutes=60)]


def test_tokens_round_trip_and_reject_garbage():
    t = at(2026, 11, 24, 14, 30)
    assert parse_time_token(time_token(t, TZ), TZ) == t
    for bad in ("", "2026112414", "20261324143a", "202613241430", "../../etc/pw", "２０２６１１２４１４３０"):
        assert parse_time_token(bad, TZ) is None
    assert parse_day_token("20261124") == date(2026, 11, 24)
    assert parse_day_token("20260230") is None


def test_slot_overrides_are_read_from_config_and_environment():
    from bot.settings import SettingsError, load_settings

    s = load_settings(env={}, slot_overrides={"id-card": {"minutes": 20, "capacity": 2}})
    assert s.slot_overrides == {"id-card": {"minutes": 20, "capacity": 2}}
    env = load_settings(env={"SERVICEBOT_SLOT_OVERRIDES": '{"5号窗口": {"capacity": 5}}'})
    assert env.slot_overrides == {"5号窗口": {"capacity": 5}}
    for bad in ({"id-card": {"minutes": 0}}, {"id-card": {"length": 20}}, ["id-card"], "{not json"):
        with pytest.raises(SettingsError):
            load_settings(env={}, slot_overrides=bad)
