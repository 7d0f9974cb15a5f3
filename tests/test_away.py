"""AB岗 backups: a staff member away hands their open matters to a backup (each resident told
who has it now); new matters, due-soon reminders and residents' replies reach the backup while
they are away; supervisors see who is away; back again, everything reaches them again."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from storage.absences import stand_ins
from storage.models import Matter
from tests.factories import Console, Inboxes, make_app, make_settings
from tests.matter_helpers import matter, press, pushed

DEPTS = {"minzheng": {"name": "民政办", "short_names": ["民政"], "window": "2号窗口",
                      "backup": "console:li"},
         "hukou": {"name": "派出所户籍室", "short_names": ["户籍室"], "window": "5号窗口"}}


async def _app(tmp_path, sqlite_url, clock):  # type: ignore[no-untyped-def]
    settings = make_settings(
        tmp_path, sqlite_url, staff=["console:wang", "console:li", "console:hk"],
        departments=DEPTS,
        staff_departments={"console:wang": "minzheng", "console:li": "minzheng",
                           "console:hk": "hukou"},
        staff_profiles={"console:wang": {"name": "王芳", "window": "3号窗口"},
                        "console:li": {"name": "李强"}})
    app = await make_app(settings, clock)
    box = Inboxes()
    app.attach_sender("console", box)
    return app, box


async def _dibao_question(app, user: str, text: str) -> None:  # type: ignore[no-untyped-def]
    res = Console(app, user, "王大妈")
    await res.say("/status")
    await press(app, res, "ho:i:dibao")
    await res.say(text)


async def test_away_hands_over_and_routes_to_the_backup(tmp_path, sqlite_url, clock):
    app, box = await _app(tmp_path, sqlite_url, clock)
    try:
        wang = Console(app, "wang")
        await _dibao_question(app, "r1", "低保什么时候发")
        await wang.say("/take 1")
        reply = await wang.text("/away 至 12月4日")
        assert "B岗 民政办 李强（2号窗口）" in reply and "1 件在办事项已转交" in reply
        assert (await matter(app, 1)).owner == "console:li"
        await app.delivery.drain()
        told = [t for t in pushed(box, "r1") if "不在岗" in t]
        assert told and "民政办 王芳（3号窗口） 不在岗至 2026年12月4日" in told[0]
        assert "民政办 李强（2号窗口） 负责" in told[0]
        assert any("Q1" in t and "AB岗" in t for t in pushed(box, "li"))

        # a new 民政办 question reaches the backup only
        before = len(pushed(box, "wang"))
        await _dibao_question(app, "r2", "低保标准是多少")
        await app.delivery.drain()
        assert any("Q2" in t for t in pushed(box, "li"))
        assert len(pushed(box, "wang")) == before
        # the resident's reply on Q1 reaches the backup
        await press(app, Console(app, "r1"), "ho:add:1")
        await Console(app, "r1").say("我电话换了")
        await app.delivery.drain()
        assert any("我电话换了" in t for t in pushed(box, "li"))

        # supervisors see who is away, in /away and in the digest
        listed = await Console(app, "boss").text("/away")
        assert "民政办 王芳（3号窗口） 至 2026年12月4日" in listed and "李强" in listed
        assert "不在岗" in await Console(app, "boss").text("/digest")

        # a matter the away member still owns: its due-soon reminder goes to the backup
        await wang.say("/take 2")  # (taken while away)
        async with app.services.db.transaction() as s:
            await s.execute(update(Matter).where(Matter.id == 2)
                            .values(deadline=date(2026, 11, 24)))
        assert (await app.scheduler.tick()).due_soon == 1
        await app.delivery.drain()
        assert any("Q2" in t and "到期" in t for t in pushed(box, "li"))
        assert not any("到期" in t for t in pushed(box, "wang"))

        # nobody hands a matter to an empty desk
        refused = await Console(app, "li").text("/transfer 1 console:wang 请处理")
        assert "不在岗" in refused and "B岗 民政办 李强" in refused

        # back: new matters reach them again
        assert "欢迎回来" in await wang.text("/away off")
        await _dibao_question(app, "r3", "低保要交什么材料")
        await app.delivery.drain()
        assert any("Q3" in t for t in pushed(box, "wang"))
    finally:
        await app.close()


async def test_an_absence_ends_by_itself_after_its_last_day(tmp_path, sqlite_url, clock):
    app, box = await _app(tmp_path, sqlite_url, clock)
    try:
        await Console(app, "wang").say("/away 11月24日")
        clock.set_local(2026, 11, 25, 9, 0)
        await _dibao_question(app, "r1", "低保什么时候发")
        await app.delivery.drain()
        assert any("Q1" in t for t in pushed(box, "wang"))
        assert "没有人请假" in await Console(app, "boss").text("/away")
    finally:
        await app.close()


async def test_away_refuses_what_cannot_work(tmp_path, sqlite_url, clock):
    app, _ = await _app(tmp_path, sqlite_url, clock)
    try:
        hk, wang = Console(app, "hk"), Console(app, "wang")
        assert "没有配置 B岗" in await hk.text("/away 12月4日")  # 户籍室 has no backup
        assert "不能指定自己" in await hk.text("/away 12月4日 console:hk")
        assert "不是工作人员" in await hk.text("/away 12月4日 console:r9")
        assert "日期已过" in await hk.text("/away 11月20日 console:li")
        assert "用法" in await hk.text("/away 下周")
        assert "B岗 民政办 李强" in await hk.text("/away 12月4日 李强")  # by /profile name
        assert "也不在岗" in await Console(app, "li").text("/away 12月4日 console:hk")
        await Console(app, "li").say("/away 12月4日 console:wang")
        assert "也不在岗" in await wang.text("/away 12月4日")  # the department's B is away
    finally:
        await app.close()


@given(st.lists(st.sampled_from("abcdef"), max_size=6),
       st.dictionaries(st.sampled_from("abcdef"), st.sampled_from("abcdef"), max_size=6))
def test_stand_ins_never_list_someone_away_and_keep_everyone_present(keys, backups):
    from storage.models import StaffAbsence

    away = {k: StaffAbsence(person=k, backup=b) for k, b in backups.items() if k != b}
    out = stand_ins(keys, away)
    assert not set(out) & set(away)  # nobody away is ever asked
    assert {k for k in keys if k not in away} <= set(out)  # nobody present is dropped
    assert len(out) == len(set(out))
