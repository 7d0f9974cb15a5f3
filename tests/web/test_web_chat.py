"""The web chat as a resident uses it, through the real aiohttp app and a socket: the same
conversations as every channel, a ticked checklist edited in place, staff replies pushed
live, history on reload, documents for their owner only, and a restart that continues."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.web.channel import WebChannel
from storage import inbox
from storage.models import InboxUpdate, Resident, WebMessage
from tests.factories import Console, Inboxes, make_app
from tests.web.conftest import Visitor, button, labels_of, start_web, text_of


async def test_question_card_checklist_tick_and_written_notice(web_client):
    visitor = await Visitor.open(web_client)
    card = (await visitor.say("孩子刚出生要上户口带什么"))[0]
    assert "出生登记" in text_of(card) and "办理时限" in text_of(card)
    assert any("材料清单" in label for label in labels_of(card))
    checklist = (await visitor.press(card, "材料清单"))[-1]
    if any("下一步" in label for label in labels_of(checklist)):
        checklist = (await visitor.press(checklist, "下一步"))[-1]
    first = next(label for label in labels_of(checklist) if label.startswith("⬜ 1."))
    ticked = (await visitor.press(checklist, first))[0]
    # the tick edits the checklist in place: the same message, now with ✅
    assert ticked.get("edit") and ticked["id"] == checklist["id"]
    assert "✅ 1." in text_of(ticked)
    notice, document = await visitor.press(ticked, "告知单")
    assert "一次性告知单" in text_of(notice)
    (link,) = document["body"]["files"]
    assert link["kind"] == "document" and link["url"].startswith("f/")
    resp = await web_client.get("/chat/" + link["url"])
    assert resp.status == 200 and "尚缺" in await resp.text()
    assert "sandbox" in resp.headers["Content-Security-Policy"]


async def test_reload_shows_history_and_continues(web_client_any_db):
    web_client = web_client_any_db  # SQLite, then PostgreSQL
    visitor = await Visitor.open(web_client)
    card = (await visitor.say("低保怎么申请"))[0]
    await visitor.close()
    again = await Visitor.open(web_client)  # the same cookie: a reload
    texts = [text_of(m) for m in again.history]
    assert texts[0] == "低保怎么申请" and "最低生活保障" in texts[1]
    assert again.history[1]["id"] == card["id"]
    # the old card's buttons still work
    checklist = (await again.press(again.history[1], "材料清单"))[-1]
    assert "材料清单" in text_of(checklist)


async def test_staff_reply_is_pushed_live_and_kept_for_a_closed_page(app, web_client):
    staff_box = Inboxes()
    app.attach_sender("console", staff_box)
    visitor = await Visitor.open(web_client)
    offer = (await visitor.say("村口那条路的路灯坏了好几天了谁管"))[0]
    created = (await visitor.press(offer, "提交给工作人员"))[0]
    assert "Q1" in text_of(created)
    staff = Console(app, "staff", "小陈")
    await staff.say("/take 1")
    taken = await visitor.bot_messages()  # pushed by the outbox while the page is open
    assert "小陈" in text_of(taken[0])
    await staff.say("/reply 1 已联系供电所，明天来修")
    answer = await visitor.bot_messages()
    assert "明天来修" in text_of(answer[0]) and any("补充说明" in x for x in labels_of(answer[0]))
    await visitor.close()
    await staff.say("/done 1 路灯已修好")  # the page is closed now
    await app.delivery.drain()
    back = await Visitor.open(web_client)
    assert any("路灯已修好" in text_of(m) for m in back.history)


async def test_documents_are_served_to_their_owner_only(app, web_client):
    visitor = await Visitor.open(web_client)
    card = (await visitor.say("低保怎么申请"))[0]
    checklist = (await visitor.press(card, "材料清单"))[-1]
    checklist = (await visitor.press(checklist, "下一步"))[-1]
    _, document = await visitor.press(checklist, "告知单")
    url = "/chat/" + document["body"]["files"][0]["url"]
    assert (await web_client.get(url)).status == 200
    other = await start_web(app)  # another browser: its own cookie
    try:
        await other.get("/chat/")
        resp = await other.get(url)
        assert resp.status == 404 and "失效" in await resp.text()
    finally:
        await other.close()


async def test_english_visitor_and_language_switch(web_client):
    resp = await web_client.get("/chat/", headers={"Accept-Language": "en-US,en;q=0.9"})
    page = await resp.text()
    assert '<html lang="en">' in page and "Send" in page
    visitor = await Visitor.open(web_client)
    await visitor.ws.send_json({"type": "command", "command": "lang", "args": "zh"})
    (switched,) = await visitor.bot_messages()
    assert "中文" in text_of(switched) or "语言" in text_of(switched)
    page = await (await web_client.get("/chat/")).text()
    assert '<html lang="zh">' in page and "发送" in page


async def test_a_restart_continues_the_conversation(settings, clock, tmp_path):
    first = await make_app(settings, clock)
    client = await start_web(first)
    visitor = await Visitor.open(client)
    card = (await visitor.say("低保怎么申请"))[0]
    checklist = (await visitor.press(card, "材料清单"))[-1]
    jar = client.session.cookie_jar
    await client.close()
    await first.close()

    second = await make_app(settings, clock)  # a new process on the same database
    client = await start_web(second)
    try:
        client.session.cookie_jar.update_cookies(
            {c.key: c.value for c in jar}, response_url=client.make_url("/chat/"))
        again = await Visitor.open(client)
        assert [m["id"] for m in again.history][-1] == checklist["id"]
        step = (await again.press(again.history[-1], "下一步"))[-1]
        assert "告知单" in " ".join(labels_of(step))  # the checklist went on where it was
    finally:
        await client.close()
        await second.close()


async def test_a_message_stored_but_not_handled_is_answered_after_a_restart(app, clock):
    channel = WebChannel(app)
    async with app.services.db.transaction() as s:
        await inbox.store_many(s, channel="web", now=clock(), updates=[(
            "w:lost", {"user_id": "v" * 40, "kind": "text", "text": "低保怎么申请"})])
    clock.advance(minutes=2)
    assert await channel.sweep() == 1
    async with app.services.db.transaction() as s:
        bodies = list(await s.scalars(select(WebMessage.body).where(WebMessage.user_id == "v" * 40)))
        assert any("最低生活保障" in run["text"] for b in bodies for run in b["runs"])
        assert await s.scalar(select(func.count()).select_from(InboxUpdate)
                              .where(InboxUpdate.processed_at.is_(None))) == 0
    assert await channel.sweep() == 0  # answered once


async def test_visitor_text_is_plain_text_never_markup(web_client):
    visitor = await Visitor.open(web_client)
    await visitor.ws.send_json({"type": "text", "text": '<img src=x onerror="alert(1)"> 低保'})
    echo = await visitor.next()
    (mine,) = [m for m in echo["messages"] if m["author"] == "visitor"]
    assert mine["body"]["runs"] == [{"text": '<img src=x onerror="alert(1)"> 低保'}]
    await visitor.bot_messages()


async def test_visitors_are_separate_people(app, web_client):
    a = await Visitor.open(web_client)
    await a.say("低保怎么申请")
    other = await start_web(app)
    try:
        b = await Visitor.open(other)
        assert b.history == []
        await b.say("你好")
    finally:
        await other.close()
    async with app.services.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Resident)
                              .where(Resident.channel == "web")) == 2


async def test_button_on_a_card_is_a_button(web_client):
    visitor = await Visitor.open(web_client)
    card = (await visitor.say("低保怎么申请"))[0]
    assert button(card, "预约")["data"]


async def test_status_complaint_and_rating_on_the_web(app, web_client):
    app.attach_sender("console", Inboxes())
    visitor = await Visitor.open(web_client)
    offer = (await visitor.say("村口那条路的路灯坏了好几天了谁管"))[0]
    await visitor.press(offer, "提交给工作人员")
    status = await visitor.say("/status")
    assert "Q1" in text_of(status[0])
    staff = Console(app, "staff", "小陈")
    await staff.say("/take 1")
    await visitor.bot_messages()
    await staff.say("/done 1 路灯已修好")
    pushed = []
    while not any(labels_of(m) for m in pushed):  # the completion notice, then the rating
        pushed += await visitor.bot_messages()
    rating = next(m for m in pushed if labels_of(m))
    assert any(label.endswith(" 非常满意") for label in labels_of(rating))
    thanks = await visitor.press(rating, "非常满意")
    assert "感谢" in text_of(thanks[0]) or "谢谢" in text_of(thanks[0])
    complaint = await visitor.say("/complain")
    assert labels_of(complaint[-1])  # the complaint categories, as buttons
