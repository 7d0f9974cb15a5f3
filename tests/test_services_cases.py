"""services.cases without any bot: a case accepted with what was received (the resident gets
the receipt), the 补正告知 that stops the clock, resuming and extending the promised date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import checklist as rules
from domain.errors import DomainError
from domain.names import StaffName
from domain.workdays import WorkCalendar
from services import cases
from storage.db import Database
from storage.models import Matter
from storage.people import get_or_create_resident
from tests.factories import shipped_kb

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ).astimezone(UTC)  # a Monday
TODAY = date(2026, 11, 23)
CAL = WorkCalendar()
CLERK = StaffName(name="王芳", window="3号窗口")


@pytest.fixture
async def db(db_url):  # type: ignore[no-untyped-def]
    database = Database(db_url)
    yield database
    await database.dispose()


async def accept(s, *, all_received: bool) -> cases.Accepted:  # type: ignore[no-untyped-def]
    item = shipped_kb().get("hukou-transfer")
    person, _ = await get_or_create_resident(s, channel="console", user_id="r1", now=NOW)
    applicable = [i for i, _ in rules.applicable(item, [])]
    have = applicable if all_received else applicable[:1]
    return await cases.accept(
        s, staff="console:staff", handler=CLERK, resident_id=person.id, item=item,
        department=None, situations=[], have=have, booking_id=None, parent_id=None, now=NOW,
        today=TODAY, calendar=CAL, default_workdays=7)


async def test_accepting_registers_the_case_and_sends_the_receipt(db):
    async with db.transaction() as s:
        done = await accept(s, all_received=False)
        matter = done.matter
        assert matter.kind == "case" and matter.deadline == CAL.add_workdays(TODAY, 10)
        assert done.missing  # what is still to bring, offered as a 补正告知
        (receipt,) = done.notices
        assert receipt.recipients == ("console:r1",) and receipt.template == "cases/receipt"
        assert receipt.document is not None and receipt.document.template == "cases/receipt.html"
        assert receipt.dedupe_prefix == f"receipt:{matter.id}"  # one receipt per case
        assert done.params["handler"] == CLERK and done.params["missing"] == done.missing


async def test_missing_materials_stop_the_clock_and_resume_moves_the_date(db):
    async with db.transaction() as s:
        done = await accept(s, all_received=False)
        matter = done.matter
        with pytest.raises(DomainError) as err:  # nothing to resume yet
            await cases.resume(s, matter=matter, staff="console:staff", item=None, now=NOW,
                               today=TODAY, calendar=CAL, tz=TZ)
        assert err.value.code == "not_paused"
        sent = await cases.send_missing(s, matter=matter, staff="console:staff", handler=CLERK,
                                        item=shipped_kb().get("hukou-transfer"),
                                        note="户口本原件", now=NOW, today=TODAY)
        assert [ln.index for ln in sent.missing] == [ln.index for ln in done.missing]
        (notice,) = sent.notices
        assert notice.template == "cases/missing" and notice.dedupe_prefix is None  # each one sent
        assert (await s.get(Matter, matter.id)).paused_since is not None
        later, today = NOW + timedelta(days=3), TODAY + timedelta(days=3)  # Thursday
        promised = matter.deadline
        resumed = await cases.resume(s, matter=matter, staff="console:staff", item=None,
                                     now=later, today=today, calendar=CAL, tz=TZ)
        assert resumed.workdays == 3 and resumed.deadline == CAL.add_workdays(promised, 3)
        assert resumed.notices[0].template == "cases/resumed"


async def test_an_extension_moves_the_date_and_tells_the_resident_why(db):
    async with db.transaction() as s:
        matter = (await accept(s, all_received=True)).matter
        promised = matter.deadline
        moved = await cases.extend(s, matter=matter, staff="console:staff", workdays=5,
                                   reason="需外调户籍档案", now=NOW, calendar=CAL)
        assert moved.deadline == CAL.add_workdays(promised, 5) == matter.deadline
        (told,) = moved.notices
        assert told.recipients == ("console:r1",) and told.params["reason"] == "需外调户籍档案"
        assert told.params["old"] == promised
