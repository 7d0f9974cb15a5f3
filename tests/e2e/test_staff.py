"""Staff on Telegram: an unmatched question reaches them through the outbox, /take and
/reply work, the answer reaches the resident; residents cannot use staff commands."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import AuditEntry, Matter, MatterEvent, Outbox
from tests.e2e.conftest import RESIDENT, STAFF


async def test_unmatched_question_staff_take_and_reply_reach_the_resident(tg, bot_any_db):
    bot = bot_any_db
    tg.send_text(RESIDENT, "我们组的广场舞音响太吵了能不能管管", first_name="李大爷")
    offer = await tg.wait_for(RESIDENT)
    tg.tap(RESIDENT, offer, "提交给工作人员")
    created = await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)
    assert "2026年12月2日" in created.plain  # 7 working days from Monday 23 November

    # staff are told through the outbox, delivered by the worker through the fake Bot API
    notice = await tg.wait_for(STAFF, lambda m: "广场舞" in m.plain, after=0)
    assert notice.has_button("接单")

    tg.send_text(STAFF, "/queue", first_name="小陈")
    assert "Q1" in (await tg.wait_for(STAFF)).plain
    tg.send_text(STAFF, "/take 1")
    assert "首问责任人" in (await tg.wait_for(STAFF)).plain
    await tg.wait_for(RESIDENT, lambda m: "小陈" in m.plain, after=created.seq)  # taken notice

    tg.send_text(STAFF, "/reply 1 已联系供电所，明天来修")
    assert "Q1" in (await tg.wait_for(STAFF)).plain
    answer = await tg.wait_for(RESIDENT, lambda m: "明天来修" in m.plain, after=created.seq)
    assert answer.has_button("补充说明")

    await tg.settle()
    async with bot.session() as s:
        kinds = list(await s.scalars(select(MatterEvent.kind).order_by(MatterEvent.id)))
        assert kinds == ["created", "assigned", "replied"]
        # (make_settings also names console staff, who have no sender here)
        statuses = set(await s.scalars(select(Outbox.status).where(Outbox.channel == "telegram")))
        assert statuses == {"sent"}
        audited = set(await s.scalars(select(AuditEntry.action).where(AuditEntry.allowed)))
        assert {"queue", "take", "reply"} <= audited


async def test_take_button_on_the_staff_notice(tg, bot):
    tg.send_text(RESIDENT, "我家门口的排水沟堵了找谁")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "提交给工作人员")
    notice = await tg.wait_for(STAFF, lambda m: "排水沟" in m.plain, after=0)
    tg.tap(STAFF, notice, "接单")
    assert "首问责任人" in (await tg.wait_for(STAFF)).plain
    async with bot.session() as s:
        assert await s.scalar(select(Matter.owner)) == f"telegram:{STAFF}"


async def test_resident_cannot_use_staff_commands_and_nothing_changes(tg, bot):
    tg.send_text(RESIDENT, "村口的桥栏杆松了")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "提交给工作人员")
    await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)
    for command in ("/queue", "/take 1", "/reply 1 我自己答复", "/show 1", "/transfer 1 9002 x"):
        tg.send_text(RESIDENT, command)
        refusal = await tg.wait_for(RESIDENT)
        assert "没有使用" in refusal.plain, command
    await tg.settle()
    async with bot.session() as s:
        matter = await s.scalar(select(Matter))
        assert matter.owner is None and matter.status == "open"
        kinds = list(await s.scalars(select(MatterEvent.kind)))
        assert kinds == ["created"]
        refused = await s.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.allowed.is_(False)))
        assert refused == 5


async def test_staff_commands_with_missing_or_wrong_arguments(tg, bot):
    expected = {
        "/take": "用法",
        "/reply 3": "用法",
        "/take abc": "不是有效的事项编号",
        "/take 404": "没有找到事项",
        "/frobnicate": "没有 /frobnicate",
        "/reply": "用法",
    }
    for command, answer in expected.items():
        tg.send_text(STAFF, command)
        assert answer in (await tg.wait_for(STAFF)).plain, command
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(Matter)) == 0
