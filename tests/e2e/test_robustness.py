"""What residents do that a form would not allow: old and forged buttons, edited messages,
stickers and voice where text is expected, very long messages, group chats, double taps —
each gets a clear, polite answer and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Conversation, Matter, Query, Resident
from tests.e2e.conftest import RESIDENT, STAFF


async def _conversation(bot, user_id: int) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    async with bot.session() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == str(user_id)))
        conv = await s.get(Conversation, person.id)
        return conv.state, dict(conv.data)


async def _open_checklist(tg, question: str):  # type: ignore[no-untyped-def]
    tg.send_text(RESIDENT, question)
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "材料清单")
    listing = await tg.wait_for(RESIDENT)
    if listing.has_button("下一步"):
        tg.tap(RESIDENT, listing, "下一步")
        listing = await tg.wait_for(RESIDENT)
    return listing


async def test_stale_button_from_an_older_checklist_changes_nothing(tg, bot):
    old = await _open_checklist(tg, "低保怎么申请")
    await _open_checklist(tg, "身份证丢了怎么补办")
    before = await _conversation(bot, RESIDENT)
    tg.tap(RESIDENT, old, "1.")
    stale = await tg.wait_for(RESIDENT)
    assert "过期" in stale.plain and stale.has_button("材料清单")  # offers to reopen it
    assert tg.message(RESIDENT, old.message_id).text == old.text  # the old message is untouched
    assert await _conversation(bot, RESIDENT) == before


async def test_forged_and_malformed_callback_data_is_answered_politely(tg, bot):
    tg.send_text(RESIDENT, "你好")
    menu = await tg.wait_for(RESIDENT)
    forged = ["chk:t:dibao:0", "chk:t:no-such-item:1", "zzz:1", "chk:t:dibao:999",
              "ho:add:99999", "x" * 80, "", "chk:d:dibao", "item:show:../../etc", "stf:take:1",
              "chk:t:dibao:-1", "lang:set:fr", "menu:queue", "💥:💥"]
    for data in forged:
        tg.press(RESIDENT, menu.message_id, data)
        answer = await tg.wait_for(RESIDENT)
        assert "过期" in answer.plain or "没有找到" in answer.plain or "没有使用" in answer.plain, \
            (data, answer.plain)
    await tg.settle()
    assert len(tg.callback_answers) == len(forged)  # every spinner stopped
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(Matter)) == 0
        person = await s.scalar(select(Resident).where(Resident.user_id == str(RESIDENT)))
        assert person.language == "zh" and not person.language_chosen
    assert (await _conversation(bot, RESIDENT))[0] in ("idle", "item")


async def test_double_tap_that_changes_nothing_sends_nothing_new(tg, bot):
    listing = await _open_checklist(tg, "低保怎么申请")
    count = len(tg.messages(RESIDENT))
    if listing.has_button("修改情况"):  # back and forth leaves the same text: "not modified"
        data = listing.button("修改情况").replace(":b:", ":l:")
        tg.press(RESIDENT, listing.message_id, data)
        await tg.wait_calls("editMessageText", RESIDENT, count=2)
        await tg.settle()
        failed = tg.calls_for("editMessageText", RESIDENT, ok=False)
        assert failed and "not modified" in failed[-1].error
    assert len(tg.messages(RESIDENT)) == count


async def test_edited_message_is_not_taken_as_a_new_question(tg, bot):
    tg.send_text(RESIDENT, "低保怎么申请")
    await tg.wait_for(RESIDENT)
    sent = tg.user_messages[RESIDENT][-1]["message_id"]
    tg.edit_text(RESIDENT, sent, "特困供养怎么申请")
    reply = await tg.wait_for(RESIDENT)
    assert "修改了一条消息" in reply.plain
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(Query)) == 1


async def test_sticker_voice_location_and_photo_get_a_text_please(tg, bot):
    for send in (tg.send_sticker, tg.send_voice, tg.send_location):
        send(RESIDENT)
        assert "文字" in (await tg.wait_for(RESIDENT)).plain
    tg.send_photo(RESIDENT, caption="这个证明有效吗")
    assert "文字" in (await tg.wait_for(RESIDENT)).plain


async def test_sticker_or_photo_where_a_question_is_expected_keeps_the_dialog(tg, bot):
    tg.send_text(RESIDENT, "/menu")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "转人工")
    assert "输入您的问题" in (await tg.wait_for(RESIDENT)).plain
    tg.send_sticker(RESIDENT)
    assert "文字" in (await tg.wait_for(RESIDENT)).plain
    tg.send_photo(RESIDENT)
    assert "文字" in (await tg.wait_for(RESIDENT)).plain
    assert (await _conversation(bot, RESIDENT))[0] == "handoff"
    tg.send_text(RESIDENT, "我家的宅基地证明在哪里开")  # the dialog is still there
    assert "Q1" in (await tg.wait_for(RESIDENT)).plain


async def test_contacts_only_the_senders_own_number_is_taken(tg, bot):
    tg.share_contact(RESIDENT, "8613812345678")
    assert "联系方式" in (await tg.wait_for(RESIDENT)).plain
    tg.share_contact(RESIDENT, "8613900000000", contact_user_id=4242)
    assert (await tg.wait_for(RESIDENT)).plain
    async with bot.session() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == str(RESIDENT)))
        assert person.phone is None  # shared while nothing asked for it: not stored


async def test_longest_question_reaches_staff_within_telegram_limits(tg, bot):
    paragraph = "我们村三组到五组的灌溉水渠去年冬天修过一次，今年开春又漏水了。" * 4
    question = "\n\n".join(f"{n}. {paragraph}" for n in range(1, 40))[:4096]
    assert len(question) == 4096  # the most Telegram lets a person send
    tg.send_text(RESIDENT, "/menu")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "转人工")
    await tg.wait_for(RESIDENT)
    tg.send_text(RESIDENT, question)
    await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)
    last = await tg.wait_for(STAFF, lambda m: m.has_button("接单"), after=0)
    parts = [m for m in tg.messages(STAFF) if m.message_id <= last.message_id]
    for part in parts:
        assert len(part.plain.encode("utf-16-le")) // 2 <= 4096
    assert [p.has_button("接单") for p in parts] == [False] * (len(parts) - 1) + [True]
    body = "".join(p.plain for p in parts).replace("\n", "")
    assert question[:3000].replace("\n", "") in body
    assert [c for c in tg.calls if c.status != 200] == []  # every part was accepted


async def test_long_matter_history_in_show_is_split_cleanly(tg, bot):
    tg.send_text(RESIDENT, "村里的垃圾清运站太臭了，能不能挪个地方")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "提交给工作人员")
    await tg.wait_for(STAFF, lambda m: "垃圾" in m.plain, after=0)
    tg.send_text(STAFF, "/take 1")
    await tg.wait_for(STAFF)
    tg.send_text(STAFF, "/reply 1 " + "已联系环卫所<b>协调</b>&处理。" * 150)
    await tg.wait_for(STAFF)
    for n in range(24):  # a long history: each note is one line of /show
        note = "已与村委会和环卫所现场查看，商量清运站搬迁和除臭方案。" * 8
        tg.send_text(STAFF, f"/note 1 第{n}次跟进：{note}")
        await tg.wait_for(STAFF)
    mark = tg.seq
    tg.send_text(STAFF, "/show 1")
    await tg.wait_for(STAFF, after=mark)
    await tg.settle()
    shown = [m for m in tg.messages(STAFF) if m.seq > mark]
    assert len(shown) >= 2  # the history is longer than one Telegram message
    for part in shown:
        assert 0 < len(part.plain.encode("utf-16-le")) // 2 <= 4096
        assert not part.plain.startswith(("\n", " "))
    assert "Q1" in shown[0].plain and "第23次跟进" in shown[-1].plain
    assert [c for c in tg.calls if c.status != 200] == []  # each part is well-formed HTML
    # the resident saw the reply as typed: markup-looking text is escaped, not interpreted
    assert "<b>协调</b>&处理" in "".join(m.plain for m in tg.messages(RESIDENT))


async def test_groups_get_a_pointer_to_a_private_chat(tg, bot):
    group = -100200
    tg.send_text(RESIDENT, "大家好", chat_id=group, chat_type="group")
    tg.send_text(RESIDENT, "/start@servicebot_test_bot", chat_id=group, chat_type="group")
    note = await tg.wait_for(group)
    assert "私聊" in note.plain
    tg.add_to_group(RESIDENT, -100300)
    await tg.wait_for(-100300, lambda m: "私聊" in m.plain)
    await tg.settle()
    assert len(tg.messages(group)) == 1  # small talk in the group got no answer
    assert tg.left_chats == [-100300]
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(Resident)) == 0
