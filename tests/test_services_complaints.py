"""services.complaints.submit without any bot: who is told about a complaint — the on-duty
staff, or at once the supervisors (and the work-group robots) for fees, corruption and urgent
ones, integrity complaints never reaching the staff queue."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from domain.workdays import WorkCalendar
from services import complaints
from services.notices import Notice, RobotAlert
from storage.db import Database
from storage.people import get_or_create_resident

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ).astimezone(UTC)  # a Monday
TODAY = date(2026, 11, 23)
ON_DUTY = NOW
STAFF = SimpleNamespace(staff=["console:staff", "console:staff2"], supervisors=["console:boss"],
                        admins=["console:admin"], staff_departments={})


@pytest.fixture
async def db(db_url):  # type: ignore[no-untyped-def]
    database = Database(db_url)
    yield database
    await database.dispose()


async def submit(db: Database, draft: complaints.Draft, *, urgent: bool = False):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        person, _ = await get_or_create_resident(s, channel="console", user_id="r1", now=NOW)
        done = await complaints.submit(
            s, resident=person, draft=draft, urgent=urgent, now=NOW, today=TODAY,
            calendar=WorkCalendar(), deadline_workdays=5, on_duty_from=ON_DUTY,
            staff_config=STAFF)
        return done, person.phone


def told(done: complaints.Submitted, template: str) -> set[str]:
    return {k for n in done.notices if isinstance(n, Notice) and n.template == template
            for k in n.recipients}


async def test_an_ordinary_complaint_goes_to_the_on_duty_staff_with_its_deadline(db):
    done, phone = await submit(db, complaints.Draft("attitude", "窗口工作人员玩手机", "13812345678"))
    assert done.matter.kind == "complaint" and not done.alerted
    assert done.matter.deadline == date(2026, 11, 30)  # 5 working days
    assert phone == "13812345678"  # remembered: staff find them by the last digits
    assert told(done, "complaints/staff_new") >= {"console:staff", "console:staff2"}
    assert not told(done, "complaints/alert")
    assert not any(isinstance(n, RobotAlert) for n in done.notices)
    assert all(n.not_before == ON_DUTY for n in done.notices if isinstance(n, Notice))


async def test_an_integrity_complaint_reaches_supervisors_only_at_once(db):
    done, _ = await submit(db, complaints.Draft("attitude", "盖个章要200元好处费", "13812345678",
                                                whom="3号窗口"))
    assert done.alerted and (done.matter.data or {}).get("sensitive") is True
    assert told(done, "complaints/staff_new") == set()  # never the colleagues' queue
    assert told(done, "complaints/alert") == {"console:boss", "console:admin"}
    robot = next(n for n in done.notices if isinstance(n, RobotAlert))
    assert robot.sensitive and robot.dedupe_key == f"alert:{done.matter.id}"


async def test_an_urgent_complaint_alerts_supervisors_and_still_reaches_staff(db):
    done, _ = await submit(db, complaints.Draft("efficiency", "排队两个小时没人管", "13812345678"),
                           urgent=True)
    assert done.alerted and done.matter.urgent
    staff = told(done, "complaints/staff_new")
    assert "console:staff" in staff and "console:boss" not in staff  # told once, as an alert
    assert "console:boss" in told(done, "complaints/alert")
