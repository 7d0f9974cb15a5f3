"""Through the conversation core (console channel): a question for another office gets who
handles it and how, with staff still one tap away; an English-speaking resident reads the
knowledge base in English — card, guide, checklist, 一次性告知单 — and Chinese, marked,
where the knowledge base has no English."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from bot.app import create_app
from storage.models import Matter, Query
from tests.factories import Console, shipped_kb
from tests.matter_helpers import labels, option, press, press_label, text_of


async def test_question_for_another_office_gets_who_handles_it_and_how(app):
    res = Console(app, "ref1", "王大妈")
    replies = await res.say("我想办护照要去哪里")
    text = text_of(replies)
    assert "护照办理" in text and "不在本中心办理" in text
    assert "县公安局出入境管理大队" in text and "0000-00000001" in text
    assert "居民身份证" in text  # what to bring
    assert "移民局" in text  # the online channel
    assert "示例" in text  # example contact data say so
    assert "没有找到确切答案" not in text
    assert labels(replies) == ["仍要咨询工作人员"]
    async with app.services.db.transaction() as s:
        logged = await s.scalar(select(Query))
        assert logged.item_id == "ref:passport" and logged.confident
        assert await s.scalar(select(func.count()).select_from(Matter)) == 0


async def test_staff_can_still_be_asked_after_a_referral(app):
    res = Console(app, "ref2", "李大爷")
    replies = await res.say("公积金怎么提取")
    assert "住房公积金" in text_of(replies)
    replies = await press_label(app, res, replies, "仍要咨询")
    assert "已转交工作人员" in text_of(replies) and "Q1" in text_of(replies)
    async with app.services.db.transaction() as s:
        matter = await s.scalar(select(Matter))
        assert matter.kind == "consult" and matter.content == "公积金怎么提取"
        assert matter.item_id is None


async def test_a_center_question_is_never_referred(app):
    res = Console(app, "ref3")
    text = text_of(await res.say("孩子刚出生要上户口带什么"))
    assert "出生登记" in text and "不在本中心办理" not in text


async def test_english_referral(app):
    res = Console(app, "ref4", "Tom", lang="en")
    replies = await res.say("how do I renew my driving licence")
    text = text_of(replies)
    assert "Driving licence renewal and replacement" in text
    assert "is not handled at this center" in text
    assert "Vehicle administration office of the county traffic police" in text
    assert "Traffic Management 12123 app" in text and "Resident ID card" in text
    assert "(example number)" in text and "examples" in text
    assert labels(replies) == ["Ask staff anyway"]


async def test_english_card_guide_checklist_and_written_notice(app):
    res = Console(app, "en1", "Tom", lang="en")
    replies = await res.say("how do I apply for dibao")
    card = text_of(replies)
    assert "Minimum living allowance (dibao)" in card
    assert "The household applies together" in card  # conditions in English
    assert "最低生活保障" not in card and "(中文)" not in card
    assert "Sample Township Service Center (example)" in card  # the center block's English
    assert "Mon–Fri 8:30–12:00 and 14:30–18:00" in card
    assert "Window 1" in card and "1号窗口" not in card

    replies = await press_label(app, res, replies, "Checklist")
    situations = text_of(replies)
    assert "A household member has a disability" in situations
    assert any("A household member has" in b for b in labels(replies))  # labels are cut short
    replies = await press(app, res, option(replies, "A household member has"))
    replies = await press_label(app, res, replies, "Next")
    listing = labels(replies)
    assert any("Household register" in b for b in listing)
    assert any("Disability certificate" in b for b in listing)  # the situation chosen
    replies = await press_label(app, res, replies, "1. ")
    replies = await press_label(app, res, replies, "written")
    notice, document = replies
    missing, have = notice.text.split("Already have")
    assert "Application for the minimum living allowance" in have  # ticked: not missing
    assert "Application for the minimum living allowance" not in missing
    assert "Household register" in missing and "Disability certificate" in missing
    html = document.document.data.decode()
    assert "Minimum living allowance (dibao)" in html and "Disability certificate" in html
    assert "Apply at window 1 of the township service center" in html  # the steps
    # only the titles of the laws it rests on stay as published, in Chinese
    assert "最低生活保障" not in html.split("Legal basis")[0]

    replies = await res.say("/guide")
    assert "Social assistance" in labels(replies) and "社会救助" not in " ".join(labels(replies))
    replies = await press_label(app, res, replies, "Social assistance")
    assert "Minimum living allowance (dibao)" in labels(replies)


async def test_english_falls_back_to_chinese_marked_where_the_kb_has_none(settings, clock):
    kb = shipped_kb()
    dibao = kb.get("dibao")
    bare = dataclasses.replace(dibao, en=dataclasses.replace(dibao.en, conditions=None,
                                                              materials=None, name=None))
    items = tuple(bare if it.id == "dibao" else it for it in kb.items)
    app = create_app(settings, kb=dataclasses.replace(kb, items=items, by_id={}), clock=clock)
    try:
        res = Console(app, "en2", "Tom", lang="en")
        replies = await res.say("最低生活保障")
        card = text_of(replies)
        assert "最低生活保障 (中文)" in card  # the name has no English: Chinese, marked
        assert "以家庭为单位申请" in card and "(中文)" in card.split("Conditions")[1]
        assert "Social assistance" in card  # the category does have English
        replies = await press_label(app, res, replies, "Checklist")
        assert any("(中文)" in b for b in labels(replies))
        zh = Console(app, "zh2", "王")
        assert "(中文)" not in text_of(await zh.say("最低生活保障"))  # Chinese is never marked
    finally:
        await app.close()


async def test_guide_lists_what_other_offices_handle(app):
    res = Console(app, "gd1", "王")
    replies = await res.say("/guide")
    replies = await press_label(app, res, replies, "其他部门办理的事项")
    assert "不在本中心办理" in text_of(replies) and "27 项" in text_of(replies)
    assert "护照办理" in labels(replies) and "住房公积金提取和贷款" in labels(replies)
    replies = await press_label(app, res, replies, "护照办理")
    assert "县公安局出入境管理大队" in text_of(replies)
    await press_label(app, res, replies, "仍要咨询")
    async with app.services.db.transaction() as s:
        assert (await s.scalar(select(Matter))).content == "护照办理"
    for forged in ("gd:r:no-such-office", "gd:r:", "gd:o:1"):
        assert "过期" in text_of(await press(app, res, forged))

    en = Console(app, "gd2", "Tom", lang="en")
    replies = await press(app, en, "gd:o")
    assert "Handled by other offices" in text_of(replies) and "Passports" in labels(replies)


async def test_the_digest_counts_a_referral_as_answered_and_names_it(app):
    res = Console(app, "dg1", "王")
    await res.say("我想办护照要去哪里")
    await res.say("护照过期了怎么换")
    boss = Console(app, "boss", "主任")
    digest = text_of(await boss.say("/digest"))
    assert "护照办理" in digest and "ref:passport" not in digest


async def test_after_a_card_a_question_for_another_office_is_still_referred(app):
    res = Console(app, "fu1", "王")
    await res.say("低保怎么申请")
    text = text_of(await res.say("低保要多久能批下来"))
    assert "30 个工作日" in text  # a follow-up is answered from the card's FAQ first
    text = text_of(await res.say("那公积金怎么取"))
    assert "住房公积金提取和贷款" in text and "不在本中心办理" in text
