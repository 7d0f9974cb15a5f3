"""The conversation core through the console channel: consult, checklist, hand-off, staff."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import AuditEntry, Matter, MatterEvent, Outbox
from tests.factories import Console, Inboxes, make_app
from tests.matter_helpers import option


async def test_question_gets_item_card_with_actions(app):
    res = Console(app, "r1", "王大妈")
    replies = await res.say("孩子刚出生要上户口带什么")
    card = replies[0]
    assert "出生登记" in card.text
    assert "办理时限" in card.text and "收费标准" in card.text
    labels = [b.label for row in card.buttons for b in row]
    assert any("材料清单" in x for x in labels)
    assert any("预约" in x for x in labels)
    assert any("转人工" in x for x in labels)


async def test_english_resident_gets_english_ui(app):
    res = Console(app, "r2", "Tom", lang="en")
    text = await res.text("how do I get a residence permit")
    assert "Time limit" in text and "Fee" in text
    assert "Residence permit" in text and "居住证" not in text  # the KB's English


async def test_lang_command_switches_language_and_persists(app):
    res = Console(app, "r3")
    assert "English" in await res.text("/lang en")
    text = await res.text("/help")
    assert "What I can do" in text
    assert "/queue" not in text  # residents are not shown staff commands


async def test_checklist_ticks_and_written_notice(app_on):
    app = app_on
    res = Console(app, "r4")
    replies = await res.say("低保怎么申请")
    replies = await res.channel.app.handle(_choice(res, option(replies, "材料清单")))
    # situations first when the item has them
    nxt = option(replies, "下一步") if any("下一步" in b.label for r in replies
                                              for row in r.buttons for b in row) else None
    if nxt:
        replies = await res.channel.app.handle(_choice(res, nxt))
    first = option(replies, "1.")
    replies = await res.channel.app.handle(_choice(res, first))
    assert replies[0].edit and "✅ 1." in replies[0].text
    replies = await res.channel.app.handle(_choice(res, option(replies, "告知单")))
    notice, doc = replies
    assert "一次性告知单" in notice.text and "还需要准备" in notice.text
    ticked = first.rsplit(":", 1)[1]
    item = app.services.kb.get("dibao")
    assert item.materials[int(ticked)].name not in notice.text.split("已备齐")[0]
    assert doc.document is not None and doc.document.filename.endswith(".html")
    html = doc.document.data.decode()
    assert "<table>" in html and "尚缺" in html and "已备" in html


async def test_stale_and_forged_buttons_change_nothing(app):
    res = Console(app, "r5")
    for data in ["chk:t:dibao:0", "chk:t:no-such-item:1", "zzz:1", "chk:t:dibao:999",
                 "ho:add:99999", "x" * 80, "chk:d:dibao", "item:show:../../etc"]:
        replies = await app.handle(_choice(res, data))
        assert replies and replies[0].text
        assert "过期" in replies[0].text or "没有找到" in replies[0].text
    async with app.services.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Matter)) == 0


async def test_unmatched_question_becomes_consultation_and_staff_reply_reaches_resident(app_on):
    app = app_on
    inboxes = Inboxes()
    app.attach_sender("console", inboxes)
    res = Console(app, "r6", "李大爷")
    staff = Console(app, "staff", "小陈")
    replies = await res.say("村口那条路的路灯坏了好几天了谁管")
    replies = await app.handle(_choice(res, option(replies, "提交给工作人员")))
    assert "Q1" in replies[0].text and "2026年12月2日" in replies[0].text  # 7 working days
    await app.delivery.drain()
    assert any("村口那条路" in t for t in inboxes.texts("staff"))
    assert "Q1" in await staff.text("/queue")
    assert "首问责任人" in await staff.text("/take 1")
    await staff.say("/reply 1 已联系供电所，明天来修")
    await app.delivery.drain()
    assert any("明天来修" in t for t in inboxes.texts("r6"))
    async with app.services.db.transaction() as s:
        kinds = list(await s.scalars(select(MatterEvent.kind).order_by(MatterEvent.id)))
        assert kinds == ["created", "assigned", "replied"]
        audited = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.allowed)))
        assert {"take", "reply", "queue"} <= set(audited)


async def test_resident_adds_to_open_question_and_owner_is_told(app, inboxes):
    res = Console(app, "r7")
    staff = Console(app, "staff")
    replies = await res.say("我想问问我们村口那棵老槐树能不能挂个牌子")
    replies = await app.handle(_choice(res, option(replies, "提交给工作人员")))
    await staff.say("/take 1")
    replies = await app.handle(_choice(res, option(replies, "补充说明")))
    await res.say("我们是三组的，一共二十户")
    await app.delivery.drain()
    assert any("二十户" in t for t in inboxes.texts("staff"))


async def test_non_staff_cannot_use_staff_commands_and_attempt_is_audited(app):
    res = Console(app, "r8")
    for cmd in ["/queue", "/take 1", "/reply 1 hi", "/transfer 1 9001 x", "/show 1"]:
        assert "没有使用" in await res.text(cmd)
    async with app.services.db.transaction() as s:
        refused = await s.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.allowed.is_(False)))
    assert refused == 5


async def test_staff_commands_with_bad_arguments_answer_usage(app):
    staff = Console(app, "staff")
    assert "用法" in await staff.text("/take")
    assert "用法" in await staff.text("/reply 3")
    assert "不是有效的事项编号" in await staff.text("/take abc")
    assert "没有找到事项" in await staff.text("/take 404")
    assert "没有 /frobnicate" in await staff.text("/frobnicate")


async def test_transfer_keeps_history_and_tells_everyone(app, inboxes):
    res = Console(app, "r9")
    staff = Console(app, "staff")
    replies = await res.say("我家门口的排水沟堵了找谁")
    await app.handle(_choice(res, option(replies, "提交给工作人员")))
    await staff.say("/take 1")
    text = await staff.text("/transfer 1 console:staff2 这是水利的事")
    assert "Q1" in text
    await app.delivery.drain()
    to_new_owner = "\n".join(inboxes.texts("staff2"))
    assert "这是水利的事" in to_new_owner and "排水沟" in to_new_owner  # note and history
    assert any("转交" in t for t in inboxes.texts("r9"))
    assert "已由" in await Console(app, "staff").text("/take 1")  # now someone else's


async def test_checklist_survives_restart(settings, clock):
    app = await make_app(settings, clock)
    res = Console(app, "r10")
    replies = await res.say("身份证丢了怎么补办")
    replies = await app.handle(_choice(res, option(replies, "材料清单")))
    if any("下一步" in b.label for r in replies for row in r.buttons for b in row):
        replies = await app.handle(_choice(res, option(replies, "下一步")))
    tick = option(replies, "1.")
    await app.handle(_choice(res, tick))
    await app.close()  # the process dies here

    app2 = await make_app(settings, clock)
    res2 = Console(app2, "r10")
    replies = await app2.handle(_choice(res2, tick.rsplit(":", 1)[0] + ":" + tick.rsplit(":", 1)[1]))
    # pressing the same button again un-ticks it: the tick was remembered across the restart
    assert "⬜ 1." in replies[0].text
    await app2.close()


async def test_database_down_gets_apology_and_nothing_half_written(app, monkeypatch):
    from storage.db import Database

    res = Console(app, "r11")
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    real = app.services.db
    app.services.db = broken
    try:
        text = await res.text("村里路灯坏了")
    finally:
        app.services.db = real
        await broken.dispose()
    assert "系统暂时繁忙" in text
    async with real.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Outbox)) == 0


def _choice(console: Console, data: str):  # type: ignore[no-untyped-def]
    from bot.core import Event

    ch = console.channel
    return Event(channel="console", user_id=ch.user_id, kind="choice", choice=data,
                 display_name=ch.name, language_code=ch.lang)


async def test_start_greets_by_name_with_menu(app):
    res = Console(app, "r12", "赵四")
    replies = await res.say("/start")
    assert "赵四" in replies[0].text
    assert any("预约" in b.label for row in replies[0].buttons for b in row)
