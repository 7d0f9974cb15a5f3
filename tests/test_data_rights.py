"""Residents' data rights: /mydata shows a resident everything stored about them and nothing
of anyone else's; /forget (after a confirmation) leaves none of their personal data in any
column of any table — the test reads them all; a supervisor's /forget RESIDENT is audited;
the nightly retention purge anonymises what is older than `retention_days`."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, text

from storage.models import AuditEntry, Base, Matter, Query, Resident
from tests.factories import Console, Inboxes
from tests.matter_helpers import ask_staff, press, press_label, seed_booking
from tests.test_complaints import _complain

NAME = "王秀英"
PHONE = "13812345678"
ID_NUMBER = "110101195003071234"
QUESTION = "我妈妈八十岁了想办高龄补贴住在幸福村三组"
COMPLAINT = "窗口工作人员态度恶劣把我的材料扔在地上"
HANDOFF = "邻居家的狗天天叫我身份证110101195003071234要不要带"
RATING_COMMENT = "办得很快谢谢小刘"
SECRETS = (NAME, PHONE, PHONE[-4:] + "x", ID_NUMBER, "幸福村三组", "态度恶劣把我的材料",
           "邻居家的狗天天叫", "办得很快谢谢", "AgACAgUAAxkBAAIB-photo-1")


async def _resident_with_everything(app, user: str = "r1", name: str = NAME) -> Console:  # type: ignore[no-untyped-def]
    res = Console(app, user, name)
    await res.say(QUESTION)
    await ask_staff(app, res, HANDOFF)
    await _complain(app, res, what=COMPLAINT)
    await seed_booking(app, resident_user=user, item_id="id-card", code=f"K{user.upper()}1",
                       phone=PHONE)
    staff = Console(app, "staff", "小刘")
    await staff.say("/take 1")
    done = await staff.say("/done 1 已答复")
    assert "Q1" in done[0].text
    await app.handle(_rate_event(res, 1, 5))
    await res.say(RATING_COMMENT)
    return res


def _rate_event(res, matter_id, score):  # type: ignore[no-untyped-def]
    from tests.matter_helpers import _event

    return _event(res, kind="choice", choice=f"rate:s:{matter_id}:{score}")


async def _every_value(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every value of every column of every table, as text."""
    out = []
    async with app.services.db.transaction() as s:
        for table in Base.metadata.sorted_tables:
            rows = await s.execute(text(f'SELECT * FROM "{table.name}"'))
            for row in rows.all():
                out.extend(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                           for v in row if v is not None)
    return out


async def test_mydata_shows_everything_and_only_ones_own(app, inboxes):
    await _resident_with_everything(app, "r1", NAME)
    await Console(app, "r2", "李四").say("我想问问医保报销要带什么材料")
    mine = await Console(app, "r1", NAME).say("/mydata")
    shown = mine[0].text
    assert NAME in shown and "138****5678" in shown and "Q1" in shown and "T2" in shown
    assert "KR11 居民身份证办理" in shown
    assert "李四" not in shown
    file = await press(app, Console(app, "r1", NAME), "my:file")
    data = json.loads(file[0].document.data.decode("utf-8"))
    assert data["profile"]["phone"] == PHONE and data["profile"]["display_name"] == NAME
    assert {m["number"] for m in data["matters"]} == {"Q1", "T2"}
    assert any(q["text"] == QUESTION for q in data["questions"])
    assert [b["code"] for b in data["bookings"]] == ["KR11"]
    assert any(m["rating"] == 5 and m["rating_comment"] == RATING_COMMENT for m in data["matters"])
    everything = json.dumps(data, ensure_ascii=False)
    assert "李四" not in everything and "医保报销" not in everything
    other = await press(app, Console(app, "r2", "李四"), "my:file")
    theirs = other[0].document.data.decode("utf-8")
    assert NAME not in theirs and COMPLAINT not in theirs and "医保报销" in theirs


async def test_forget_leaves_no_personal_data_in_any_table(app_on):
    app = app_on
    app.attach_sender("console", Inboxes())
    res = await _resident_with_everything(app)
    await app.delivery.drain()
    before = "\n".join(await _every_value(app))
    assert all(s in before for s in (NAME, PHONE, COMPLAINT, HANDOFF[:8])), "the test must see them"
    ask = await res.say("/forget")
    assert "删除后无法恢复" in ask[0].text
    assert "什么都没有删除" in (await press_label(app, res, ask, "不删除"))[0].text
    ask = await res.say("/forget")
    done = await press_label(app, res, ask, "确认删除")
    assert "已删除" in done[0].text and "保留" in done[0].text
    after = "\n".join(await _every_value(app))
    for secret in SECRETS:
        assert secret not in after, secret
    # the anonymised records regulations and statistics need are still there
    async with app.services.db.transaction() as s:
        kept = list(await s.scalars(select(Matter).order_by(Matter.id)))
        assert [(m.number, m.kind, m.rating) for m in kept][:2] == [("Q1", "consult", 5),
                                                                    ("T2", "complaint", None)]
        assert all(m.anonymised_at is not None for m in kept if m.number in ("Q1", "T2"))
        assert await s.scalar(select(Query.id).where(Query.confident.is_not(None))) is not None
    # the bot still answers them
    assert "最低生活保障" in await res.text("低保怎么申请")


async def test_supervisor_forgets_a_resident_at_the_counter_audited(app, inboxes):
    await _resident_with_everything(app, "r1")
    refused = await Console(app, "staff").text("/forget console:r1")
    assert "没有使用 /forget 的权限" in refused
    boss = Console(app, "boss", "主任")
    ask = await boss.say("/forget console:r1")
    assert "console:r1" in ask[0].text
    done = await press_label(app, boss, ask, "确认删除")
    assert "console:r1 的个人信息已删除" in done[0].text
    async with app.services.db.transaction() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == "r1"))
        assert person.phone is None and person.display_name == "" and person.forgotten_at
        audit = list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "forget")))
    assert [(a.actor, a.allowed) for a in audit] == [("console:staff", False),
                                                     ("console:boss", True)]
    assert audit[1].target == "console:r1"
    assert "没有找到" in await boss.text("/forget console:nobody")
    # a resident cannot press someone else's confirmation
    assert "过期" in (await press(app, Console(app, "r5"), "fgt:yes"))[0].text


async def test_nightly_purge_anonymises_what_is_older_than_retention(app, clock, inboxes):
    await _resident_with_everything(app, "r1")
    await Console(app, "boss").say("/done 2 已向当事工作人员核实并批评教育")  # T2 finished too
    await Console(app, "r3", "赵六").say("/complain")  # an open matter keeps its person
    clock.set_local(2027, 12, 29, 3)  # a night, 400 days on
    await Console(app, "r2", "李四").say("新农合今年交多少钱")  # recent: kept
    assert (await app.scheduler.tick()).purged > 0
    assert (await app.scheduler.tick()).purged == 0  # once a night
    after = "\n".join(await _every_value(app))
    for secret in SECRETS:
        assert secret not in after, secret
    assert "新农合今年交多少钱" in after and "李四" in after
    async with app.services.db.transaction() as s:
        q1 = await s.scalar(select(Matter).where(Matter.number == "Q1"))
    assert q1.anonymised_at is not None and q1.rating == 5  # finished: anonymised, score kept


def test_retention_default():
    from bot.settings import Settings

    assert Settings().retention_days == 365 and timedelta(days=Settings().retention_days).days == 365
