"""Accepted cases (办件) through the console: /accept from a booking, a check-in button, a
consultation or a resident; the receipt; /missing → /resume; /extend; /done; /note."""

from __future__ import annotations

from datetime import date

from storage.models import AuditEntry, Matter
from tests.factories import Console, make_app, make_settings
from tests.matter_helpers import (
    ask_staff,
    count,
    labels,
    matter,
    option,
    press,
    press_label,
    pushed,
    refusals,
    seed_booking,
    text_of,
)

HUKOU = "派出所户籍室"


async def _accept_hukou_transfer(app, inboxes, *, tick: int = 2):  # type: ignore[no-untyped-def]
    """王大妈 booked 户口迁移 (10 working days); staff accept with `tick` materials received."""
    res = Console(app, "r1", "王大妈")
    await res.say("/status")
    await seed_booking(app, resident_user="r1", item_id="hukou-transfer", code="K7Q2")
    staff = Console(app, "staff", "小陈")
    replies = await staff.say("/accept K7Q2")
    assert "户口迁移" in text_of(replies) and "王大妈" in text_of(replies)
    for n in range(1, tick + 1):
        replies = await press(app, staff, option(replies, f"{n}. "))
    replies = await press_label(app, staff, replies, "确认受理")
    return res, staff, replies


async def test_accept_from_booking_code_sends_the_receipt(app, inboxes):
    _, _, replies = await _accept_hukou_transfer(app, inboxes)
    assert "已受理 B1" in text_of(replies)
    assert "2026年12月7日" in text_of(replies)  # Mon Nov 23 + 10 working days
    await app.delivery.drain()
    receipt, document = inboxes.sent["r1"]
    assert "收件回执" in receipt.text and "B1" in receipt.text and "户口迁移" in receipt.text
    item = app.services.kb.get("hukou-transfer")
    assert item.materials[0].name in receipt.text and item.materials[1].name in receipt.text
    assert "小陈" in receipt.text and item.window in receipt.text  # handler and window
    assert "2026年12月7日" in receipt.text
    assert document.document is not None and "B1" in document.document.filename
    assert "收件回执" in document.document.data.decode()
    case = await matter(app, 1)
    assert (case.kind, case.status, case.owner, case.deadline) == (
        "case", "assigned", "console:staff", date(2026, 12, 7))
    assert case.booking_id is not None and case.department == "hukou"
    # the acceptance is audited with its matter
    assert await count(app, AuditEntry, AuditEntry.action == "accept",
                       AuditEntry.matter_id == 1, AuditEntry.allowed.is_(True)) == 1


async def test_booking_code_is_read_as_the_appointments_flow_prints_it(app, inboxes):
    res = Console(app, "r5", "钱六")
    await res.say("/status")
    await seed_booking(app, resident_user="r5", item_id="id-card", code="ABC234")
    replies = await Console(app, "staff").say("/accept abc-234")
    assert "居民身份证办理" in text_of(replies) and "钱六" in text_of(replies)


async def test_same_day_item_is_due_today(app, inboxes):
    res = Console(app, "r2", "李大爷")
    await res.say("/status")
    staff = Console(app, "staff", "小陈")
    async with app.services.db.transaction() as s:
        from sqlalchemy import select

        from storage.models import Resident
        rid = await s.scalar(select(Resident.id).where(Resident.user_id == "r2"))
    replies = await staff.say(f"/accept R{rid} 出生登记")
    replies = await press_label(app, staff, replies, "全部已收")
    replies = await press_label(app, staff, replies, "确认受理")
    assert "2026年11月23日" in text_of(replies)
    await app.delivery.drain()
    assert "即办件，当日办结" in pushed(inboxes, "r2")[0]


async def test_checkin_button_starts_acceptance_and_a_booking_is_accepted_once(app, inboxes):
    res = Console(app, "r3", "张三")
    await res.say("/status")
    booking_id = await seed_booking(app, resident_user="r3", item_id="hukou-transfer",
                                    code="ZZ99")
    staff = Console(app, "staff")
    replies = await press(app, staff, f"case:from_booking:{booking_id}")
    assert "户口迁移" in text_of(replies)
    await press_label(app, staff, replies, "确认受理")
    again = text_of(await press(app, staff, f"case:from_booking:{booking_id}"))
    assert "已受理为办件 B1" in again
    assert "已受理为办件 B1" in text_of(await staff.say("/accept ZZ99"))
    assert await count(app, Matter) == 1


async def test_consultation_becomes_a_case_and_the_item_is_chosen_by_name(app, inboxes):
    res = Console(app, "r4", "赵四")
    await ask_staff(app, res, "村口那条路的路灯坏了好几天了谁管")  # Q1
    staff = Console(app, "staff")
    replies = await staff.say("/accept Q1")
    assert "请输入办理事项" in text_of(replies)
    replies = await staff.say("低保")
    replies = await press_label(app, staff, replies, "最低生活保障")
    assert "最低生活保障" in text_of(replies) and "赵四" in text_of(replies)
    replies = await press_label(app, staff, replies, "确认受理")
    assert "B2" in text_of(replies)
    case = await matter(app, 2)
    assert case.parent_id == 1 and case.item_id == "dibao"


async def test_missing_stops_the_clock_and_resume_moves_the_deadline(app, inboxes, clock):
    res, staff, replies = await _accept_hukou_transfer(app, inboxes, tick=1)
    item = app.services.kb.get("hukou-transfer")
    replies = await press_label(app, staff, replies, "补正告知")
    assert "补正告知" in text_of(replies)
    await app.delivery.drain()
    notice, document = inboxes.sent["r1"][-2:]
    assert "补正告知" in notice.text
    missing = [m for m in item.materials[1:] if not m.when]
    for m in missing:  # every missing material, at once
        assert m.name in notice.text
    assert item.materials[0].name not in notice.text  # received is not asked for again
    assert "暂停" in notice.text
    assert document.document is not None and missing[0].name in document.document.data.decode()
    case = await matter(app, 1)
    assert case.status == "waiting" and case.paused_since is not None
    assert "计时暂停" in await res.text("/status B1")
    assert "⏸" in await staff.text("/queue")

    clock.set_local(2026, 11, 26, 15)  # Thursday: Tue, Wed, Thu lost waiting for the resident
    reply = await staff.text("/resume 1")
    assert "3 个工作日" in reply and "2026年12月10日" in reply
    await app.delivery.drain()
    assert "2026年12月10日" in pushed(inboxes, "r1")[-1]
    case = await matter(app, 1)
    assert case.status == "assigned" and case.paused_since is None
    assert case.deadline == date(2026, 12, 10)
    assert "没有在等待补正" in await staff.text("/resume 1")


async def test_missing_with_nothing_missing_needs_a_note(app, inboxes):
    _, staff, _ = await _accept_hukou_transfer(app, inboxes, tick=0)
    await staff.say("/resume 1")
    case_lines = app.services.kb.get("hukou-transfer").materials
    assert case_lines  # the item has a checklist
    await staff.say("/missing 1")
    await staff.say("/resume 1")  # now everything is received
    assert "材料已齐全" in await staff.text("/missing 1")
    assert "补正告知" in await staff.text("/missing 1 户口簿复印件不清晰，请重新复印")
    await app.delivery.drain()
    assert "户口簿复印件不清晰" in pushed(inboxes, "r1")[-2]  # then the document


async def test_extend_tells_the_new_date_and_the_reason(app, inboxes):
    _, staff, _ = await _accept_hukou_transfer(app, inboxes)
    assert "原因" in await staff.text("/extend 1 3")  # usage: a reason is required
    assert "2026年12月10日" in await staff.text("/extend 1 3 需报县公安局审批")
    await app.delivery.drain()
    notice = pushed(inboxes, "r1")[-1]
    assert "需报县公安局审批" in notice and "2026年12月10日" in notice and "2026年12月7日" in notice
    assert "1 到 60" in await staff.text("/extend 1 99 太久")


async def test_done_sends_the_completion_notice_with_rating_buttons(app, inboxes):
    _, staff, _ = await _accept_hukou_transfer(app, inboxes)
    assert "已办结 B1" in await staff.text("/done 1 已办好，请带身份证到5号窗口领取")
    await app.delivery.drain()
    notice = inboxes.sent["r1"][-1]
    assert "办结通知" in notice.text and "5号窗口领取" in notice.text
    assert any("非常满意" in x for x in labels([notice]))
    assert "已办结" in await staff.text("/done 1 again")  # matter_closed: not twice
    await app.delivery.drain()
    assert sum("办结通知" in t for t in pushed(inboxes, "r1")) == 1


async def test_internal_notes_are_never_shown_to_the_resident(app, inboxes):
    res, staff, _ = await _accept_hukou_transfer(app, inboxes)
    await staff.say("/note 1 群众说话比较急，注意解释")
    assert "群众说话比较急" in await staff.text("/show 1")
    mine = await res.text("/status B1")
    assert "B1" in mine and "受理" in mine
    assert "群众说话比较急" not in mine and "内部备注" not in mine


async def test_residents_never_see_another_residents_matter(app, inboxes):
    await _accept_hukou_transfer(app, inboxes)
    other = Console(app, "r9", "路人")
    assert "没有找到事项" in await other.text("/status B1")
    assert "B1" not in await other.text("/status")


async def test_staff_of_another_department_cannot_accept_or_act(tmp_path, sqlite_url, clock):
    settings = make_settings(tmp_path, sqlite_url, staff_departments={
        "console:staff": HUKOU, "console:staff2": "民政办（社会事务办）"})
    app = await make_app(settings, clock)
    try:
        from tests.factories import Inboxes

        inboxes = Inboxes()
        app.attach_sender("console", inboxes)
        await _accept_hukou_transfer(app, inboxes)
        other = Console(app, "staff2", "民政小刘")
        await seed_booking(app, resident_user="r1", item_id="id-card", code="ID01")
        assert "不属于您的部门" in await other.text("/accept ID01")
        before = await matter(app, 1)
        for cmd in ["/missing 1", "/resume 1", "/extend 1 2 想延期", "/done 1 办好了",
                    "/note 1 看看", "/show 1"]:
            assert "不属于您的部门" in await other.text(cmd), cmd
        after = await matter(app, 1)
        assert (after.status, after.deadline, after.paused_since) == (
            before.status, before.deadline, before.paused_since)
        assert await refusals(app) == 7
        assert await count(app, AuditEntry, AuditEntry.allowed.is_(False),
                           AuditEntry.matter_id == 1) == 6
        assert "B1" not in await other.text("/queue")
        assert "B1" not in await other.text("/find 5678")
    finally:
        await app.close()
