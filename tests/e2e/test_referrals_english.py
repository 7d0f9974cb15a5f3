"""On Telegram, through the real Application and the fake Bot API: a question for another
office is answered with who handles it and how, and staff can still be asked; an English
client reads the item card, the checklist and the printable 一次性告知单 in English."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Matter, Query
from tests.e2e.conftest import RESIDENT, RESIDENT_2, STAFF


async def test_referral_then_ask_staff_anyway(tg, bot):
    tg.send_text(RESIDENT, "车辆年检在哪里办", first_name="张")
    answer = await tg.wait_for(RESIDENT)
    assert "机动车年检" in answer.plain and "不在本中心办理" in answer.plain
    assert "交管12123" in answer.plain and "机动车行驶证" in answer.plain
    assert answer.has_button("仍要咨询工作人员")

    tg.tap(RESIDENT, answer, "仍要咨询工作人员")
    created = await tg.wait_for(RESIDENT, lambda m: "已转交工作人员" in m.plain)
    assert "Q1" in created.plain
    staff_notice = await tg.wait_for(STAFF, lambda m: "车辆年检在哪里办" in m.plain)
    assert staff_notice.has_button("接")
    await tg.settle()
    async with bot.session() as s:
        matter = await s.scalar(select(Matter))
        assert matter.kind == "consult" and matter.content == "车辆年检在哪里办"
        logged = await s.scalar(select(Query))
        assert logged.item_id == "ref:vehicle-inspection"


async def test_english_client_reads_card_checklist_and_document_in_english(tg, bot):
    tg.send_text(RESIDENT_2, "how do I replace my lost ID card", language_code="en-GB")
    card = await tg.wait_for(RESIDENT_2)
    assert "Resident ID card" in card.plain and "Time limit" in card.plain
    assert "You must come in person" in card.plain  # conditions in English
    assert "居民身份证办理" not in card.plain

    tg.tap(RESIDENT_2, card, "Checklist")
    situations = await tg.wait_for(RESIDENT_2)
    assert "Renewal on expiry or of a damaged card" in situations.plain
    tg.tap(RESIDENT_2, situations, "Next")
    listing = await tg.wait_for(RESIDENT_2, lambda m: m.has_button("1. Household register"))
    tg.tap(RESIDENT_2, listing, "written")
    notice = await tg.wait_for(RESIDENT_2, lambda m: "One-time checklist" in m.plain)
    doc = await tg.wait_for(RESIDENT_2, lambda m: m.kind == "document")
    assert "Household register" in notice.plain
    assert "Pay the fee and take the receipt" in notice.plain  # the steps
    html = doc.document.text
    assert "Resident ID card" in html and "Household register" in html
    assert "CNY 20" in html  # the fee, in English
    assert "居民户口簿" not in html

    tg.send_text(RESIDENT_2, "where do I get a passport")
    referral = await tg.wait_for(RESIDENT_2, lambda m: "Passports" in m.plain)
    assert "Exit-Entry Administration" in referral.plain
    assert referral.has_button("Ask staff anyway")
