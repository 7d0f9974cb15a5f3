"""A resident on WeChat: question → item card with numbered options → "1" presses the first
→ checklist ticked (surviving a restart) → written notice, the rest pushed, the printable
document behind a link. Repeats, the welcome, pictures and voice, menu clicks, unsubscribe.
The main flow runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.wechat.events import CHANNEL
from storage import wechat as store
from storage.models import Conversation, InboxUpdate, NumberedOptions, Query, Resident
from tests.wechat.conftest import (
    PUBLIC_URL,
    RESIDENT,
    RESIDENT_2,
    link_path,
    option,
    start_wechat,
    wechat_settings,
)


async def test_question_card_checklist_restart_notice_and_document(api, tmp_path, db_url, clock):
    settings = wechat_settings(api, tmp_path, db_url)
    async with start_wechat(settings, clock) as wx:
        card = await wx.say(RESIDENT, "低保怎么申请")
        assert "最低生活保障" in card and "办理时限" in card
        assert "<b>" not in card and "&amp;" not in card  # Telegram HTML is not shown
        assert "【1】📋 材料清单" in card and "回复 1、2、3、4、5 选择" in card  # 5: 全程代办

        situations = await wx.say(RESIDENT, "1")  # presses the first option: the checklist
        assert "材料清单" in situations and "下一步" in situations
        listing = await wx.say(RESIDENT, option(situations, "下一步"))
        assert "⬜ 1." in listing
        listing = await wx.say(RESIDENT, option(listing, "⬜ 1."))
        listing = await wx.say(RESIDENT, option(listing, "⬜ 2."))
        assert "✅ 1." in listing and "✅ 2." in listing and "⬜ 3." in listing

    # a restart: a new app on the same database; the numbers shown before still work
    async with start_wechat(settings, clock) as wx:
        listing = await wx.say(RESIDENT, option(listing, "⬜ 3."))
        assert "✅ 1." in listing and "✅ 2." in listing and "✅ 3." in listing

        notice = await wx.say(RESIDENT, option(listing, "告知单"))
        assert "一次性告知单" in notice and "还需要准备" in notice
        link = await api.wait_for(RESIDENT, lambda t: PUBLIC_URL in t)
        assert "天内有效" in link
        resp = await wx.client.get(link_path(link))
        assert resp.status == 200 and resp.content_type == "text/html"
        html = await resp.text()
        assert "<table>" in html and "尚缺" in html and "已备" in html

        await wx.channel.drain()
        async with wx.session() as s:
            person = await s.scalar(select(Resident).where(Resident.user_id == RESIDENT))
            conv = await s.get(Conversation, person.id)
            assert conv.state == "checklist" and sorted(conv.data["have"]) == [0, 1, 2]
            assert await s.scalar(select(func.count()).select_from(Query)) == 1
            assert await s.scalar(select(func.count()).select_from(InboxUpdate)
                                  .where(InboxUpdate.processed_at.is_(None))) == 0


async def test_a_long_answer_is_the_passive_reply_plus_pushed_parts(wx, api):
    card = await wx.say(RESIDENT, "低保怎么申请")
    listing = await wx.say(RESIDENT, option(await wx.say(RESIDENT, option(card, "材料清单")),
                                            "下一步"))
    notice = await wx.say(RESIDENT, option(listing, "告知单"))
    assert len(notice.encode()) <= 2048 and "一次性告知单" in notice
    rest = await api.wait_for(RESIDENT, lambda t: PUBLIC_URL in t)
    assert "办理时限" not in notice and "办理时限" in rest  # the end of the notice came after
    assert all(len(t.encode()) <= 2048 for t in api.texts(RESIDENT))
    assert "【1】📅 预约办理" in rest  # the notice's own options, numbered


async def test_a_repeated_message_is_handled_once(wx, api):
    """WeChat tries again when it thinks we were too slow: same MsgId, new signature."""
    message = wx.peer.message(RESIDENT, "text", Content="低保怎么申请")
    first = await wx.peer.deliver(message)
    assert first is not None and "最低生活保障" in first
    for _ in range(2):
        assert await wx.peer.deliver(message) is None  # "success": answered already
    await wx.channel.drain()
    async with wx.session() as s:
        assert await s.scalar(select(func.count()).select_from(Query)) == 1
    assert api.texts(RESIDENT) == []


async def test_subscribing_is_welcomed_with_the_menu(wx):
    welcome = await wx.peer.event(RESIDENT, "subscribe", "qrscene_123")
    assert welcome is not None and "您好" in welcome
    assert "【1】" in welcome and "回复" in welcome
    assert await wx.peer.event(RESIDENT, "VIEW", "https://example.org") is None  # nothing to say


async def test_a_picture_where_text_is_expected_gets_a_polite_answer(wx):
    reply = await wx.peer.deliver(wx.peer.message(RESIDENT, "image", PicUrl="http://x/1.jpg",
                                                  MediaId="media-1"))
    assert reply is not None and "文字" in reply
    location = await wx.peer.deliver(wx.peer.message(RESIDENT, "location", Location_X="23.1",
                                                     Location_Y="113.3", Label="某某路"))
    assert location is not None and "文字" in location


async def test_voice_is_read_through_wechats_recognition(wx):
    heard = await wx.peer.deliver(wx.peer.message(RESIDENT, "voice", MediaId="v1", Format="amr",
                                                  Recognition="低保怎么申请"))
    assert heard is not None and "最低生活保障" in heard
    unheard = await wx.peer.deliver(wx.peer.message(RESIDENT, "voice", MediaId="v2",
                                                    Format="amr", Recognition=""))
    assert unheard is not None and "文字" in unheard


async def test_menu_clicks_are_commands_or_options(wx):
    status = await wx.peer.event(RESIDENT, "CLICK", "/status")
    assert status is not None and "记录" in status
    stale = await wx.peer.event(RESIDENT, "CLICK", "chk:t:no-such-item:1")
    assert stale is not None and "过期" in stale  # checked like any button, changes nothing


async def test_a_number_that_is_no_option_says_which_are(wx):
    card = await wx.say(RESIDENT, "低保怎么申请")
    assert "【5】" in card and "【6】" not in card  # …, 转人工, 全程代办
    assert "1–5" in await wx.say(RESIDENT, "9")
    assert "材料清单" in await wx.say(RESIDENT, "１")  # a full-width digit is a digit too


async def test_options_belong_to_each_person(wx):
    await wx.say(RESIDENT, "低保怎么申请")
    other = await wx.say(RESIDENT_2, "1")  # RESIDENT_2 was shown nothing: "1" is just text
    assert "材料清单" not in other
    async with wx.session() as s:
        row = await s.get(NumberedOptions, (CHANNEL, RESIDENT))
        assert row is not None and row.options["1"].startswith("chk:")


async def test_a_slow_answer_is_pushed_after_success(api, wx_settings, clock):
    async with start_wechat(wx_settings, clock, reply_budget=0.0) as wx:
        assert await wx.peer.text(RESIDENT, "低保怎么申请") is None  # "success" at once
        card = await api.wait_for(RESIDENT, lambda t: "最低生活保障" in t)
        assert "【1】📋 材料清单" in card
        assert await wx.peer.text(RESIDENT, "1") is None  # the card's first option
        situations = await api.wait_for(RESIDENT, lambda t: "下一步" in t)
        assert "材料清单" in situations


async def test_links_expire(wx, api, clock):
    card = await wx.say(RESIDENT, "低保怎么申请")
    listing = await wx.say(RESIDENT, option(await wx.say(RESIDENT, option(card, "材料清单")),
                                            "下一步"))
    await wx.say(RESIDENT, option(listing, "告知单"))
    link = await api.wait_for(RESIDENT, lambda t: PUBLIC_URL in t)
    path = link_path(link)
    assert (await wx.client.get(path)).status == 200
    assert (await wx.client.get(path[:-4] + "AAAA")).status == 404  # guessing gets nothing
    clock.advance(days=15)
    resp = await wx.client.get(path)
    assert resp.status == 404 and "失效" in await resp.text()


async def test_a_message_stored_but_never_answered_is_answered_by_the_sweep(wx, api, clock):
    """The worker died after storing the message: the next sweep answers it by push."""
    message = wx.peer.message(RESIDENT, "text", Content="低保怎么申请")
    fields = {k: str(v) for k, v in message.items()}
    async with wx.session() as s:
        await store.admit(s, channel=CHANNEL, update_key=f"m:{fields['MsgId']}",
                          payload={"fields": fields}, now=clock())
    assert await wx.channel.sweep() == 0  # too fresh: maybe another worker is on it
    clock.advance(minutes=2)
    assert await wx.channel.sweep() == 1
    assert "最低生活保障" in await api.wait_for(RESIDENT)
    assert await wx.peer.deliver(message) is None  # WeChat's retry of it: answered already


async def test_unsubscribing_makes_the_resident_unreachable(wx):
    await wx.say(RESIDENT, "低保怎么申请")
    assert await wx.peer.event(RESIDENT, "unsubscribe") is None
    async with wx.session() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == RESIDENT))
        assert person.unreachable
    await wx.peer.event(RESIDENT, "subscribe")  # back again: reachable
    async with wx.session() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == RESIDENT))
        assert not person.unreachable


async def test_a_number_at_a_step_that_takes_text_is_an_answer(wx):
    await wx.say(RESIDENT, "/complain")
    ask = await wx.say(RESIDENT, "1")  # the first category
    assert "经过" in ask and "【1】✖ 取消投诉" in ask
    nxt = await wx.say(RESIDENT, "3")  # not an option: what happened (a terse answer)
    assert "没有第" not in nxt and "哪位工作人员" in nxt


async def test_a_booking_links_its_qr_code_and_calendar_file(wx, api):
    card = await wx.say(RESIDENT, "低保怎么申请")
    days = await wx.say(RESIDENT, option(card, "预约办理"))
    times = await wx.say(RESIDENT, "1")
    await wx.say(RESIDENT, "1")
    ask_phone = await wx.say(RESIDENT, "王大妈")
    assert "请直接回复您的手机号码" in ask_phone  # no contact button on WeChat
    summary = await wx.say(RESIDENT, "13800138000")
    confirmed = await wx.say(RESIDENT, option(summary, "确认预约"))
    assert "预约" in confirmed and days and times
    if confirmed.count("📎") < 2:  # the rest of a long confirmation is pushed
        await api.wait_for(RESIDENT, lambda t: "📎" in t)
    pushed = "\n".join(api.texts(RESIDENT))
    links = [link_path(part) for part in (confirmed + "\n" + pushed).split("📎")[1:]]
    assert len(links) == 2
    kinds = set()
    for path in links:
        resp = await wx.client.get(path)
        assert resp.status == 200 and resp.headers["X-Content-Type-Options"] == "nosniff"
        kinds.add(resp.content_type)
        body = await resp.read()
        assert body.startswith(b"\x89PNG") or b"BEGIN:VCALENDAR" in body
    assert kinds == {"image/png", "text/calendar"}
