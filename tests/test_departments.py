"""Departments as a registry: declared once, referred to by code; unknown ones refused with
the valid list (configuration, /grant, the knowledge base); new matters routed to their
department's staff and never to another department's; existing free-text data migrated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.services import build_services
from bot.settings import SettingsError, shipped_departments
from domain.departments import Department, Registry, UnknownDepartment, parse_departments
from knowledge.model import KnowledgeBase
from storage.models import Matter, Resident, StaffRole
from tests.factories import Console, make_app, make_settings, shipped_kb
from tests.matter_helpers import count, press, pushed, refusals

REG = shipped_departments()


def test_a_department_is_found_by_code_name_short_name_or_the_kb_long_form():
    assert REG.resolve("minzheng") == "minzheng"
    assert REG.resolve("民政办") == "minzheng"
    assert REG.resolve("社会事务办") == "minzheng"
    assert REG.resolve(" 民政办（社会事务办） ") == "minzheng"
    assert REG.resolve("户籍室") == "hukou"
    with pytest.raises(UnknownDepartment) as err:
        REG.resolve("不存在的部门")
    assert "hukou（派出所户籍室）" in err.value.valid and "minzheng（民政办）" in err.value.valid


def test_every_shipped_item_names_a_registered_department():
    # the shipped KB describes departments in long free text; each must land on one code
    services = build_services(make_settings(Path("/tmp"), "sqlite+aiosqlite://"),
                              kb=shipped_kb())
    codes = services.item_departments
    assert None not in codes.values()
    assert codes["hukou-transfer"] == "hukou"
    # 医疗保障服务站（民政办协助认定救助对象）: the department named first handles it
    assert {shipped_kb().get(i).department: c for i, c in codes.items()}[
        "医疗保障服务站（民政办协助认定救助对象）"] == "yibao"


@given(st.text(max_size=30))
def test_resolve_never_invents_a_department(text):
    try:
        code = REG.resolve(text)
    except UnknownDepartment:
        return
    names = {w for d in REG.departments for w in (d.code, d.name, *d.short_names)}
    head = text.strip().split("（")[0].split("(")[0]
    assert any(w.lower() in (text.replace(" ", "").lower(), head.replace(" ", "").lower())
               for w in names), (text, code)


def test_a_registry_refuses_a_name_given_to_two_departments():
    with pytest.raises(ValueError, match="names both"):
        Registry((Department("a", "甲办", ("综合",)), Department("b", "乙办", ("综合",))))
    with pytest.raises(ValueError, match="code"):
        parse_departments({"Bad Code": {"name": "x"}})


def test_configuration_refuses_an_unknown_staff_department(tmp_path):
    with pytest.raises(SettingsError) as err:
        make_settings(tmp_path, "sqlite+aiosqlite://", staff_departments={"console:staff": "不存在的部门"})
    assert "不存在的部门" in str(err.value) and "minzheng（民政办）" in str(err.value)
    # names and the KB's long form are read as the code
    s = make_settings(tmp_path, "sqlite+aiosqlite://", staff_departments={
        "console:staff": "民政办（社会事务办）", "console:staff2": "户籍室"})
    assert s.staff_departments == {"console:staff": "minzheng", "console:staff2": "hukou"}


def test_configured_departments_replace_the_shipped_ones(tmp_path):
    s = make_settings(tmp_path, "sqlite+aiosqlite://", departments={
        "civil": {"name": "民政所", "short_names": ["民政"], "window": "1号窗口",
                  "phone": "0571-1"}},
        staff_departments={"console:staff": "民政"})
    assert s.registry.codes == ("civil",) and s.staff_departments["console:staff"] == "civil"
    # the shipped KB's 派出所 items then name no department: any staff member may act
    services = build_services(s, kb=shipped_kb())
    assert services.item_departments["hukou-transfer"] is None


def test_an_item_with_an_unknown_department_code_stops_the_start(tmp_path):
    kb = shipped_kb()
    broken = replace(kb.get("hukou-transfer"), department_code="nosuch")
    items = tuple(broken if i.id == broken.id else i for i in kb.items)
    with pytest.raises(SettingsError, match="nosuch"):
        build_services(make_settings(tmp_path, "sqlite+aiosqlite://"),
                       kb=KnowledgeBase(items=items, center=kb.center))


async def test_grant_refuses_an_unknown_department_and_stores_codes(app, inboxes):
    admin = Console(app, "admin", "站长")
    reply = await admin.text("/grant console:newbie staff 不存在的部门")
    assert "没有「不存在的部门」这个部门" in reply and "minzheng（民政办）" in reply
    assert await count(app, StaffRole) == 0
    assert await refusals(app, "grant") == 1
    assert "民政办" in await admin.text("/grant console:newbie staff 民政办")
    async with app.services.db.transaction() as s:
        assert await s.scalar(select(StaffRole.department)) == "minzheng"
    assert "minzheng" in await admin.text("/departments")


async def test_a_granted_short_name_may_accept_its_departments_items(app, inboxes):
    # the issue: after /grant … 民政办, /accept refused that staff member
    admin = Console(app, "admin", "站长")
    await admin.text("/grant console:mz staff 民政办")
    res = Console(app, "r1", "王大妈")
    await res.say("/status")
    async with app.services.db.transaction() as s:
        rid = await s.scalar(select(Resident.id).where(Resident.user_id == "r1"))
    reply = await Console(app, "mz", "小刘").text(f"/accept R{rid} 低保")
    assert "不属于您的部门" not in reply and "最低生活保障" in reply


async def _question(app, res, item_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    await res.say("/status")
    await press(app, res, f"ho:i:{item_id}")
    await res.say(text)


async def test_a_new_question_goes_to_its_department_only(tmp_path, sqlite_url, clock):
    settings = make_settings(tmp_path, sqlite_url, staff=["console:mz", "console:hk"],
                             staff_departments={"console:mz": "minzheng", "console:hk": "hukou"})
    app = await make_app(settings, clock)
    from tests.factories import Inboxes

    box = Inboxes()
    app.attach_sender("console", box)
    try:
        await _question(app, Console(app, "r1", "王大妈"), "hukou-transfer",
                        "迁到外省需要先开准迁证吗 电话13812345678")
        await app.delivery.drain()
        assert any("Q1" in t for t in pushed(box, "hk"))
        assert pushed(box, "mz") == []  # never announced to another department
        async with app.services.db.transaction() as s:
            assert (await s.get(Matter, 1)).department == "hukou"
        assert "Q1" not in await Console(app, "mz").text("/queue")
        assert "Q1" in await Console(app, "hk").text("/queue")
    finally:
        await app.close()


async def test_a_department_without_staff_falls_to_supervisors(tmp_path, sqlite_url, clock):
    settings = make_settings(tmp_path, sqlite_url, staff=["console:mz"],
                             staff_departments={"console:mz": "minzheng"})
    app = await make_app(settings, clock)
    from tests.factories import Inboxes

    box = Inboxes()
    app.attach_sender("console", box)
    try:
        await _question(app, Console(app, "r1", "王大妈"), "hukou-transfer", "准迁证怎么开")
        await app.delivery.drain()
        assert pushed(box, "mz") == []
        assert any("Q1" in t for t in pushed(box, "boss"))
    finally:
        await app.close()


async def test_existing_free_text_departments_are_migrated_to_codes(app):
    await Console(app, "r1", "王大妈").say("/status")
    async with app.services.db.transaction() as s:
        rid = await s.scalar(select(Resident.id).where(Resident.user_id == "r1"))
        s.add(Matter(number="Q900", kind="consult", resident_id=rid, department="民政办（社会事务办）"))
        s.add(Matter(number="Q901", kind="consult", resident_id=rid, department="某某外单位"))
        s.add(StaffRole(channel="console", user_id="old", role="staff", department="派出所户籍室"))
    await app.start()  # SQLite: migrates the schema, then the department texts
    async with app.services.db.transaction() as s:
        rows = dict((await s.execute(select(Matter.number, Matter.department))).all())
        assert rows == {"Q900": "minzheng", "Q901": "某某外单位"}  # unknown: left, logged
        assert await s.scalar(select(StaffRole.department)) == "hukou"
    await app.start()  # idempotent
