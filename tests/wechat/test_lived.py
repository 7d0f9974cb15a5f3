"""WeChat as residents live it (issue 11): numbers that survive pictures and staff pushes,
several numbers at once, no buttons or slash commands in what they read, 转人工 typed,
phone-readable documents with the link before the reply hint, a slow database that must not
lose the answer, voice on a card, the booking's list after the ticks, a QR scan's card."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import select

from storage import wechat as store
from storage.models import Matter
from tests.factories import Console, Inboxes
from tests.wechat.conftest import PUBLIC_URL, RESIDENT, link_path, option, start_wechat

TELEGRAM_WORDS = re.compile(r"点按钮|点下方|点「|点击|按钮|分享手机号|(?<![\w./])/[a-z]{3,}")


def numbers_of(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"^【(\d+)】(.*)$", text, re.M)}


async def checklist(wx) -> str:  # type: ignore[no-untyped-def]
    card = await wx.say(RESIDENT, "低保怎么申请")
    situations = await wx.say(RESIDENT, option(card, "材料清单"))
    return await wx.say(RESIDENT, option(situations, "下一步"))


async def test_a_picture_keeps_the_numbers_shown(wx):
    card = await wx.say(RESIDENT, "身份证丢了怎么补")
    assert "居民身份证" in card and "【1】📋 材料清单" in card
    picture = await wx.peer.deliver(wx.peer.message(RESIDENT, "image", MediaId="m1"))
    assert picture is not None and "回复上面的数字" in picture
    assert "材料清单" in await wx.say(RESIDENT, "1")  # still the card's first option
    voice = await wx.peer.deliver(wx.peer.message(RESIDENT, "location", Label="某某路"))
    assert voice is not None
    situations = await wx.say(RESIDENT, option(await wx.say(RESIDENT, "身份证丢了怎么补"),
                                               "材料清单"))
    assert "下一步" in situations


async def test_two_numbers_tick_two_materials_and_stale_ones_say_so(wx):
    listing = await checklist(wx)
    ticked = await wx.say(RESIDENT, "2、3")
    assert "✅ 2." in ticked and "✅ 3." in ticked and "⬜ 1." in ticked
    assert "✅ 1." in await wx.say(RESIDENT, "1 4") and listing
    refused = await wx.say(RESIDENT, "5、" + option(ticked, "告知单"))  # a tick and 告知单
    assert "不能一起选" in refused
    assert "✅ 5." in await wx.say(RESIDENT, "5 5")  # one number typed twice: one tick
    async with wx.session() as s:
        from storage.models import Conversation, Resident
        person = await s.scalar(select(Resident).where(Resident.user_id == RESIDENT))
        conv = await s.get(Conversation, person.id)
        assert sorted(conv.data["have"]) == [0, 1, 2, 3, 4]


async def test_a_staff_reply_numbers_on_and_the_checklist_numbers_still_work(wx, api):
    wx.app.attach_sender("console", Inboxes())
    card = await wx.say(RESIDENT, "村口那条路的路灯坏了好几天了谁管")
    await wx.say(RESIDENT, option(card, "提交给工作人员"))
    listing = await checklist(wx)
    shown = numbers_of(listing)
    staff = Console(wx.app, "staff", "小陈")
    await staff.say("/take 1")
    await staff.say("/reply 1 已联系供电所，明天来修")
    reply = await api.wait_for(RESIDENT, lambda t: "明天来修" in t)
    extra = numbers_of(reply)
    assert extra and min(map(int, extra)) == len(shown) + 1  # numbered on, not from 1
    assert "补充说明" in reply and "回复" in reply
    ticked = await wx.say(RESIDENT, "2")  # the checklist's second material, as before
    assert "✅ 2." in ticked
    asked = await wx.say(RESIDENT, option(reply, "补充说明"))
    assert "Q1" in asked


async def test_no_buttons_and_no_slash_commands_in_what_a_resident_reads(wx, api, clock):
    """The wording of every step a WeChat resident goes through: reply with a number, send
    text; commands are plain words (菜单, 进度, 我的预约 …)."""
    seen: list[str] = []

    async def say(text: str) -> str:
        reply = await wx.say(RESIDENT, text)
        seen.append(reply)
        return reply

    card = await say("低保怎么申请")
    situations = await say(option(card, "材料清单"))
    assert situations.count("残疾") <= 1  # the situations are listed once, as options
    listing = await say(option(situations, "下一步"))
    await say(option(listing, "告知单"))
    await api.wait_for(RESIDENT, lambda t: PUBLIC_URL in t)
    assert "预约" in await say("预约")  # a word, not /book
    await say("低保")
    await say("1")
    await say("1")
    await say("王大妈")
    summary = await say("138001")  # a bad phone
    summary = await say("13800138000")
    await say(option(summary, "确认预约"))
    await say("进度")
    await say("我的预约")
    await say("帮助")
    await say("菜单")
    complaint = await say("投诉")
    await say("1")
    await say("窗口工作人员态度很差")
    await wx.channel.drain()
    texts = seen + api.texts(RESIDENT)
    for text in texts:
        assert not TELEGRAM_WORDS.search(text), text
    assert complaint and any("回复" in t for t in texts)


async def test_zhuan_rengong_asks_for_the_question_and_files_it(wx):
    asked = await wx.say(RESIDENT, "转人工")
    assert "请直接输入您的问题" in asked
    again = await wx.say(RESIDENT, "人工")  # a second 转人工 files nothing
    assert "问题" in again
    created = await wx.say(RESIDENT, "我家老人八十多岁了行动不便，能上门办理高龄津贴吗")
    assert "Q1" in created
    async with wx.session() as s:
        matter = await s.scalar(select(Matter))
        assert "八十多岁" in matter.content and "转人工" not in matter.content


async def test_zhuan_rengong_after_an_unanswered_question_sends_that_question(wx):
    offer = await wx.say(RESIDENT, "村口那条路的路灯坏了好几天了谁管")
    assert "工作人员" in offer
    created = await wx.say(RESIDENT, "找工作人员")
    assert "Q1" in created
    async with wx.session() as s:
        assert "路灯" in (await s.scalar(select(Matter))).content


async def test_the_notice_document_reads_on_a_phone_and_prints(wx, api):
    listing = await checklist(wx)
    notice = await wx.say(RESIDENT, option(listing, "告知单"))
    rest = await api.wait_for(RESIDENT, lambda t: PUBLIC_URL in t)
    whole = notice + "\n\n" + rest
    assert whole.index(PUBLIC_URL) < whole.rindex("回复 1")  # the link, then what to reply
    html = await (await wx.client.get(link_path(rest))).text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "font-size: 18px" in html and "@media print" in html


async def test_a_slow_database_still_answers_by_push(api, wx_settings, clock, monkeypatch):
    """Storing the message takes longer than the budget: WeChat gets "success" (its retries
    too) and the answer is pushed — never marked processed with nothing sent."""
    admit = store.admit

    async def slow_admit(session, **kw):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.6)
        return await admit(session, **kw)

    monkeypatch.setattr(store, "admit", slow_admit)
    async with start_wechat(wx_settings, clock, reply_budget=0.3) as wx:
        message = wx.peer.message(RESIDENT, "text", Content="低保怎么申请")
        assert await wx.peer.deliver(message) is None
        assert await wx.peer.deliver(message) is None  # WeChat's retry
        card = await api.wait_for(RESIDENT, lambda t: "最低生活保障" in t)
        assert "【1】📋 材料清单" in card
        await wx.channel.drain()
        assert sum("最低生活保障（" in t for t in api.texts(RESIDENT)) == 1


async def test_an_answer_ready_after_the_window_is_pushed(api, wx_settings, clock):
    async with start_wechat(wx_settings, clock) as wx:
        message = wx.peer.message(RESIDENT, "text", Content="低保怎么申请")
        from bot.channels.wechat.messages import inbound_from
        fields = {k: str(v) for k, v in message.items()}
        loop = asyncio.get_running_loop()
        # the request arrived 10 s ago (a stalled proxy): no passive reply can arrive in time
        assert await wx.channel.receive(inbound_from(fields), started=loop.time() - 10) is None
        assert "最低生活保障" in await api.wait_for(RESIDENT)


async def test_voice_on_a_card_is_read_like_text_on_it(wx):
    card = await wx.say(RESIDENT, "低保怎么申请")
    assert "最低生活保障" in card
    spoken = await wx.peer.deliver(wx.peer.message(RESIDENT, "voice", MediaId="v1",
                                                   Format="amr", Recognition="低保怎么申请。"))
    assert spoken is not None and spoken.startswith("🎤 您说的是：「低保怎么申请」")
    assert "办理条件" in spoken and "审核要多久" not in spoken  # how to apply, not a FAQ
    faq = await wx.peer.deliver(wx.peer.message(RESIDENT, "voice", MediaId="v2",
                                                Recognition="审核要多久？"))
    assert faq is not None and "30 个工作日" in faq


async def test_voice_without_recognition_offers_the_menu_and_staff(wx):
    unheard = await wx.peer.deliver(wx.peer.message(RESIDENT, "voice", MediaId="v1",
                                                    Format="amr"))
    assert unheard is not None and "没有听清" in unheard
    assert "主菜单" in unheard and "转人工" in unheard
    asked = await wx.say(RESIDENT, option(unheard, "转人工"))
    assert "请直接输入您的问题" in asked


async def test_the_booking_lists_only_what_is_still_missing(wx, api):
    listing = await checklist(wx)
    total = len(re.findall(r"^【\d+】[⬜✅]", listing, re.M))
    await wx.say(RESIDENT, "1、2、3")
    card = await wx.say(RESIDENT, "低保怎么申请")
    await wx.say(RESIDENT, option(card, "预约办理"))
    await wx.say(RESIDENT, "1")
    await wx.say(RESIDENT, "1")
    await wx.say(RESIDENT, "王大妈")
    summary = await wx.say(RESIDENT, "13800138000")
    confirmed = await wx.say(RESIDENT, option(summary, "确认预约"))
    if "到窗口出示" not in confirmed:
        confirmed += await api.wait_for(RESIDENT, lambda t: "到窗口出示" in t)
    bring = re.findall(r"^(\d+)\. ", confirmed.split("请带齐以下材料")[1], re.M)
    assert "已备好的 3 项不再列出" in confirmed and len(bring) == total - 3


async def test_a_qr_scan_by_a_new_follower_shows_a_short_welcome_then_the_card(wx):
    first = await wx.peer.event(RESIDENT, "subscribe", "qrscene_dibao")
    assert first is not None and first.startswith("您好！这是「最低生活保障」的办事指南")
    assert "孩子刚出生" not in first  # not the whole welcome
    assert min(map(int, numbers_of(first))) == 1 and "【1】📋 材料清单" in first
    scan = await wx.peer.event(RESIDENT, "SCAN", "dibao")
    numbers = sorted(set(map(int, numbers_of(scan or ""))))
    assert "【1】📋 材料清单" in scan and numbers == list(range(1, len(numbers) + 1))


async def test_zhuan_rengong_in_the_middle_of_a_booking_is_no_name(wx):
    card = await wx.say(RESIDENT, "低保怎么申请")
    await wx.say(RESIDENT, option(card, "预约办理"))
    await wx.say(RESIDENT, "1")
    ask_name = await wx.say(RESIDENT, "1")
    assert "姓名" in ask_name
    asked = await wx.say(RESIDENT, "转人工")
    assert "最低生活保障" in asked and "问题" in asked  # a question about the booking's item
    async with wx.session() as s:
        from storage.models import Conversation, Resident
        person = await s.scalar(select(Resident).where(Resident.user_id == RESIDENT))
        assert person.real_name in (None, "")
        assert (await s.get(Conversation, person.id)).state == "handoff"
