"""The matters back office end to end, through the real PTB Application and the fake Bot API:
accept → receipt; missing → resume; done → notice → rating → follow-up; complaint →
supervisor alert → reply; the outbox through 429s and 500s, each notice exactly once."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Matter, Outbox
from tests.e2e.conftest import RESIDENT, RESIDENT_2, STAFF, eventually
from tests.matter_helpers import seed_booking

SUPERVISOR = 9100  # configured supervisor in make_settings


async def _ask_staff(tg, question: str) -> None:  # type: ignore[no-untyped-def]
    """转人工 from the menu, then the question: a consultation whatever the matcher knows."""
    tg.send_text(RESIDENT, "/menu")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "转人工")
    await tg.wait_for(RESIDENT)
    tg.send_text(RESIDENT, question)
    await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)


async def _accept_case(tg, bot) -> None:  # type: ignore[no-untyped-def]
    """王大妈 booked 户口迁移; staff accept it with the first material only."""
    tg.send_text(RESIDENT, "/status", first_name="王大妈")
    await tg.wait_for(RESIDENT)
    await seed_booking(bot.app, resident_user=str(RESIDENT), item_id="hukou-transfer",
                       code="K7Q2")
    tg.send_text(STAFF, "/accept K7Q2", first_name="小陈")
    ticks = await tg.wait_for(STAFF, lambda m: m.has_button("确认受理"))
    tg.tap(STAFF, ticks, "1. ")
    ticks = await tg.wait_for(STAFF, lambda m: "✅ 1." in m.plain)
    assert ticks.edited  # ticking edits the list in place
    tg.tap(STAFF, ticks, "确认受理")
    await tg.wait_for(STAFF, lambda m: "已受理 B1" in m.plain)


async def test_accept_sends_the_receipt_with_a_printable_copy(tg, bot):
    await _accept_case(tg, bot)
    receipt = await tg.wait_for(RESIDENT, lambda m: "收件回执" in m.plain)
    assert "B1" in receipt.plain and "户口迁移" in receipt.plain and "小陈" in receipt.plain
    assert "2026年12月7日" in receipt.plain  # Monday + 10 working days
    await tg.wait_for(RESIDENT, lambda m: m.kind == "document")
    document = tg.documents(RESIDENT)[-1].document
    assert document is not None and "B1" in document.text and "收件回执" in document.text


async def test_missing_materials_stop_the_clock_and_resume_moves_the_date(tg, bot, clock):
    await _accept_case(tg, bot)
    accepted = tg.last(STAFF)
    tg.tap(STAFF, accepted, "补正告知")
    notice = await tg.wait_for(RESIDENT, lambda m: "补正告知 · B1" in m.plain, after=0)
    item = bot.app.services.kb.get("hukou-transfer")
    assert item.materials[1].name in notice.plain and "暂停" in notice.plain
    await tg.wait_for(RESIDENT, lambda m: m.kind == "document" and "补正材料告知书" in m.document.text,
                      after=0)
    clock.set_local(2026, 11, 25, 11)  # the resident comes back on Wednesday: 2 days lost
    tg.send_text(STAFF, "/resume 1")
    assert "2 个工作日" in (await tg.wait_for(STAFF)).plain
    resumed = await tg.wait_for(RESIDENT, lambda m: "继续办理" in m.plain, after=0)
    assert "2026年12月9日" in resumed.plain


async def test_done_notice_rating_and_followup(tg, bot):
    await _accept_case(tg, bot)
    tg.send_text(STAFF, "/done 1 已办好，请带身份证到5号窗口领取")
    done = await tg.wait_for(RESIDENT, lambda m: "办结通知" in m.plain, after=0)
    assert "5号窗口领取" in done.plain and done.has_button("非常不满意")
    tg.tap(RESIDENT, done, "非常不满意")
    sorry = await tg.wait_for(RESIDENT, lambda m: "回访整改" in m.plain, after=0)
    assert sorry.message_id == done.message_id  # the rating buttons are replaced in place
    tg.send_text(RESIDENT, "等了半天没人理，还让我跑了两趟")
    await tg.wait_for(RESIDENT, lambda m: "意见已记录" in m.plain)
    alert = await tg.wait_for(SUPERVISOR, lambda m: "差评回访 F2" in m.plain, after=0)
    assert alert.has_button("接单")
    await tg.wait_for(SUPERVISOR, lambda m: "跑了两趟" in m.plain, after=0)
    tg.tap(SUPERVISOR, alert, "接单")
    await tg.wait_for(SUPERVISOR, lambda m: "首问责任人" in m.plain)
    tg.send_text(SUPERVISOR, "/done 2 已约谈经办人并整改，向您致歉")
    result = await tg.wait_for(RESIDENT, lambda m: "主管已回访整改" in m.plain, after=0)
    assert "向您致歉" in result.plain and not result.buttons


async def test_complaint_alerts_supervisors_and_the_answer_reaches_the_resident(tg, bot):
    tg.send_text(RESIDENT_2, "/complain", first_name="李大爷")
    tg.tap(RESIDENT_2, await tg.wait_for(RESIDENT_2), "乱收费")
    await tg.wait_for(RESIDENT_2, lambda m: "事情经过" in m.plain)
    tg.send_text(RESIDENT_2, "办出生登记被收了50元工本费，没给收据")
    tg.tap(RESIDENT_2, await tg.wait_for(RESIDENT_2, lambda m: m.has_button("跳过")), "跳过")
    tg.tap(RESIDENT_2, await tg.wait_for(RESIDENT_2, lambda m: m.has_button("今天")), "今天")
    await tg.wait_for(RESIDENT_2, lambda m: "照片" in m.plain)
    tg.send_photo(RESIDENT_2, caption="")
    photo = await tg.wait_for(RESIDENT_2, lambda m: m.has_button("下一步"))
    tg.tap(RESIDENT_2, photo, "下一步")
    await tg.wait_for(RESIDENT_2, lambda m: m.asks_contact)  # the share-my-number keyboard
    assert any("留下联系电话" in m.plain for m in tg.messages(RESIDENT_2))
    tg.share_contact(RESIDENT_2, "+8613912345678")
    tg.tap(RESIDENT_2, await tg.wait_for(RESIDENT_2, lambda m: m.has_button("提交")), "提交")
    created = await tg.wait_for(RESIDENT_2, lambda m: "T1" in m.plain)
    assert "2026年11月30日" in created.plain and "主管" in created.plain

    alert = await tg.wait_for(SUPERVISOR, lambda m: "一事一报" in m.plain, after=0)
    assert "50元工本费" in alert.plain and "139****5678" in alert.plain
    assert "13912345678" not in alert.plain
    assert not [m for m in tg.messages(STAFF) if "T1" in m.plain]  # not to the colleagues
    async with bot.session() as s:
        complaint = await s.scalar(select(Matter))
        assert complaint.data["photos"] and complaint.data["sensitive"]

    tg.send_text(SUPERVISOR, "/take 1", first_name="主管老周")
    await tg.wait_for(SUPERVISOR, lambda m: "首问责任人" in m.plain)
    tg.send_text(SUPERVISOR, "/reply 1 已核实，工本费已退还，经办人已作检查")
    reply = await tg.wait_for(RESIDENT_2, lambda m: "工本费已退还" in m.plain, after=0)
    assert reply.has_button("补充说明")


async def test_outbox_through_429_and_500_every_notice_exactly_once_in_order(tg, bot_any_db,
                                                                            clock):
    bot = bot_any_db
    await _ask_staff(tg, "村口那条路的路灯坏了好几天了谁管")
    tg.send_text(STAFF, "/take 1")
    await tg.wait_for(RESIDENT, lambda m: "负责" in m.plain, after=0)
    await tg.settle()
    # the Bot API now refuses the resident's chat for a while: rate limits and server errors
    tg.fail("sendMessage", 429, times=2, retry_after=3, chat_id=RESIDENT)
    tg.fail("sendMessage", 500, times=3, chat_id=RESIDENT)
    answers = [f"第{n}次答复：进展{n}" for n in range(1, 6)]
    for text in answers:
        tg.send_text(STAFF, f"/reply 1 {text}")
        await tg.wait_for(STAFF, lambda m: "已将答复发送" in m.plain)

    async def all_arrived() -> bool:
        clock.advance(seconds=5)  # past retry_after and the backoff of the retries
        bot.app.delivery.wake()
        got = [m.plain for m in tg.messages(RESIDENT) if "次答复" in m.plain]
        return len(got) >= len(answers)

    await eventually(all_arrived, within=20)
    await tg.settle()
    got = [m.plain for m in tg.messages(RESIDENT) if "次答复" in m.plain]
    assert len(got) == len(answers)  # exactly once each…
    assert [next(a for a in answers if a in g) for g in got] == answers  # …in order
    refused = [c.status for c in tg.calls_for("sendMessage", RESIDENT) if c.status != 200]
    assert sorted(refused) == [429, 429, 500, 500, 500]
    async with bot.session() as s:
        statuses = set(await s.scalars(select(Outbox.status).where(
            Outbox.user_id == str(RESIDENT))))
    assert statuses == {"sent"}


async def test_blocked_resident_is_marked_and_the_owner_is_told(tg, bot):
    await _ask_staff(tg, "我家门口的排水沟堵了找谁")
    tg.send_text(STAFF, "/take 1")
    await tg.wait_for(STAFF, lambda m: "首问责任人" in m.plain)
    tg.fail("sendMessage", 403, times=5, chat_id=RESIDENT)
    tg.send_text(STAFF, "/reply 1 明天派人来疏通")
    told = await tg.wait_for(STAFF, lambda m: "已屏蔽机器人" in m.plain and "Q1" in m.plain,
                             timeout=15)
    assert told
    tg.send_text(STAFF, "/show 1")
    assert "已屏蔽机器人" in (await tg.wait_for(STAFF)).plain
