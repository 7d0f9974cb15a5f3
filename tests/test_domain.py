"""Plain domain rules: working days over the 2026 holidays, masking, phone validation."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from domain.privacy import MaskingFilter, mask_phone, mask_text, normalise_phone
from domain.workdays import CalendarFileError, WorkCalendar, load_calendar


@pytest.mark.parametrize(("start", "n", "due"), [
    (date(2026, 11, 23), 7, date(2026, 12, 2)),   # ordinary weeks
    # across the Spring Festival (Feb 15-23), with the Feb 14 make-up day
    (date(2026, 2, 12), 3, date(2026, 2, 24)),
    (date(2026, 9, 30), 1, date(2026, 10, 8)),    # National Day: Oct 1-7 closed
    (date(2026, 11, 21), 0, date(2026, 11, 23)),  # accepted on a Saturday: same-day items are due Monday
])
def test_add_workdays_over_2026_holidays(start, n, due):
    cal = WorkCalendar()
    assert cal.add_workdays(start, n) == due


def test_makeup_workday_is_open_and_holiday_closed():
    cal = WorkCalendar()
    assert cal.is_workday(date(2026, 2, 14))  # Saturday make-up day (调休)
    assert not cal.is_workday(date(2026, 2, 16))  # Spring Festival
    assert not cal.is_workday(date(2026, 10, 1))


def test_override_file(tmp_path):
    f = tmp_path / "cal.yaml"
    f.write_text("closed: [2026-11-24]\nopen: [2026-11-28]\nduty:\n  2026-11-29: ['09:00-12:00']\n")
    cal = load_calendar(f)
    assert not cal.is_workday(date(2026, 11, 24))
    assert cal.is_workday(date(2026, 11, 28))
    assert cal.duty_sessions[date(2026, 11, 29)] == (("09:00", "12:00"),)
    f.write_text("closed: [not-a-date]\n")
    with pytest.raises(CalendarFileError, match="not a date"):
        load_calendar(f)


def test_year_without_data_falls_back_to_weekdays_and_warns_once(caplog):
    cal = WorkCalendar()
    with caplog.at_level(logging.WARNING):
        assert cal.is_workday(date(2031, 3, 3))  # a Monday
        assert not cal.is_workday(date(2031, 3, 8))  # a Saturday
    assert sum("no data for 2031" in r.message for r in caplog.records) == 1


def test_workdays_between():
    cal = WorkCalendar()
    assert cal.workdays_between(date(2026, 11, 23), date(2026, 12, 2)) == 7
    assert cal.workdays_between(date(2026, 12, 2), date(2026, 11, 23)) == -7


def test_masking():
    assert mask_phone("13812345678") == "138****5678"
    text = mask_text("我的电话13812345678，身份证43010219800101123X，座机0731-84561234")
    assert "13812345678" not in text and "43010219800101123X" not in text
    assert "84561234" not in text
    assert "138****5678" in text


def test_phone_validation():
    assert normalise_phone("+86 138-1234-5678") == "13812345678"
    assert normalise_phone("0731-84561234") == "073184561234"
    for bad in ["", "12345", "2381234567", "138123456789", "abc", "😀"]:
        assert normalise_phone(bad) is None


def test_log_filter_masks_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "phone %s", ("13912345678",), None)
    MaskingFilter().filter(record)
    assert record.getMessage() == "phone 139****5678"


def test_a_material_button_ticks_untick_or_is_refused_with_the_reason():
    from domain import checklist as rules
    from tests.factories import shipped_kb

    item = next(it for it in shipped_kb().items if it.situations
                and any(m.when for m in it.materials) and any(not m.when for m in it.materials))
    everyone = next(i for i, m in enumerate(item.materials) if not m.when)
    special = next(i for i, m in enumerate(item.materials) if m.when)
    situation = item.situations.index(item.materials[special].when)
    assert rules.tick(item, [], [], str(everyone)) == [everyone]
    assert rules.tick(item, [], [everyone], str(everyone)) == []  # pressed again: unticked
    assert rules.tick(item, [], [], str(special)) == "not_applicable"
    assert rules.tick(item, [situation], [everyone], str(special)) == sorted([everyone, special])
    for forged in ("", "-1", "x", "9999", str(len(item.materials))):
        assert rules.tick(item, [], [], forged) == "stale_button"
