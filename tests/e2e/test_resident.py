"""A resident on Telegram: question → item card → checklist ticked in place → written notice
and printable document; language switch. The main flow runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Conversation, InboxUpdate, Query, Resident
from tests.e2e.conftest import RESIDENT, RESIDENT_2


async def test_question_card_checklist_notice_and_document(tg, bot_any_db):
    bot = bot_any_db
    tg.send_text(RESIDENT, "低保怎么申请", first_name="王", last_name="大妈")
    card = await tg.wait_for(RESIDENT)
    assert "最低生活保障" in card.plain and "办理时限" in card.plain
    assert card.parse_mode == "HTML"

    tg.tap(RESIDENT, card, "材料清单")
    situations = await tg.wait_for(RESIDENT)  # a new message: the checklist's first step
    assert situations.message_id != card.message_id and not situations.edited

    tg.tap(RESIDENT, situations, "下一步")
    listing = await tg.wait_for(RESIDENT)
    assert listing.message_id == situations.message_id and listing.edited  # edited in place
    assert "⬜ 1." in listing.plain or listing.has_button("⬜ 1.")

    for n in ("1.", "2."):
        tg.tap(RESIDENT, listing, f"⬜ {n}")
        listing = await tg.wait_for(RESIDENT, lambda m, n=n: m.has_button(f"✅ {n}"))
        assert listing.message_id == situations.message_id
    assert len(tg.messages(RESIDENT)) == 2  # every tick edited the same message

    tg.tap(RESIDENT, listing, "告知单")
    notice = await tg.wait_for(RESIDENT, lambda m: "一次性告知单" in m.plain)
    doc = await tg.wait_for(RESIDENT, lambda m: m.kind == "document")
    assert "还需要准备" in notice.plain
    assert doc.document is not None and doc.document.filename.endswith(".html")
    html = doc.document.text
    assert "<table>" in html and "尚缺" in html and "已备" in html
    assert "最低生活保障" in doc.plain  # the caption

    # every button press was answered (the spinner stops), and nothing is left unprocessed
    presses = len(tg.calls_for("answerCallbackQuery"))
    assert presses == 5 and len(tg.callback_answers) == 5
    await tg.settle()
    async with bot.session() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == str(RESIDENT)))
        assert person.display_name == "王 大妈"
        conv = await s.get(Conversation, person.id)
        assert conv.state == "checklist" and sorted(conv.data["have"]) == [0, 1]
        assert await s.scalar(select(func.count()).select_from(Query)) == 1
        left = await s.scalar(select(func.count()).select_from(InboxUpdate)
                              .where(InboxUpdate.processed_at.is_(None)))
        assert left == 0


async def test_lang_en_switches_to_english_and_english_clients_start_in_english(tg, bot):
    tg.send_text(RESIDENT, "/lang en")
    assert "English" in (await tg.wait_for(RESIDENT)).plain
    tg.send_text(RESIDENT, "/help")
    assert "What I can do" in (await tg.wait_for(RESIDENT)).plain

    tg.send_text(RESIDENT_2, "how do I get a residence permit", language_code="en-US")
    card = await tg.wait_for(RESIDENT_2)
    assert "Time limit" in card.plain and "Residence permit" in card.plain
    assert tg.commands["en"][0]["command"] == "start"  # the command menu exists per language


async def test_commands_are_case_insensitive_and_lose_the_bot_name(tg, bot):
    tg.send_text(RESIDENT, "/HELP@servicebot_test_bot")
    help_text = (await tg.wait_for(RESIDENT)).plain
    assert "/help" in help_text and "/queue" not in help_text
    tg.send_text(RESIDENT, "/menu")
    menu = await tg.wait_for(RESIDENT)
    assert menu.has_button("English")
    tg.tap(RESIDENT, menu, "English")
    choose = await tg.wait_for(RESIDENT)
    tg.tap(RESIDENT, choose, "English")
    assert "English" in (await tg.wait_for(RESIDENT)).plain
