"""转人工 typed (any channel, here the console): the hand-off asks for the question, or sends
the question just asked — never a case whose content is "转人工"; English too."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Matter
from tests.factories import Console


async def _matters(app) -> list[Matter]:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return list(await s.scalars(select(Matter).order_by(Matter.id)))


async def test_typed_zhuan_rengong_asks_for_the_question(app, inboxes):
    res = Console(app, "r1")
    assert "请直接输入您的问题" in await res.text("转人工")
    assert "请直接输入您的问题" in await res.text("人工！")  # again: still asking, nothing filed
    assert await _matters(app) == []
    assert "Q1" in await res.text("我想问一下老房子翻修要不要审批")
    (matter,) = await _matters(app)
    assert "翻修" in matter.content


async def test_typed_after_an_unanswered_question_sends_it(app, inboxes):
    res = Console(app, "r1")
    await res.text("村口那条路的路灯坏了好几天了谁管")
    assert "Q1" in await res.text("找工作人员")
    assert "路灯" in (await _matters(app))[0].content


async def test_in_english_and_in_the_middle_of_a_booking(app, inboxes):
    res = Console(app, "r1", lang="en")
    assert "question" in (await res.text("human")).lower()
    await res.text("/cancel")
    await res.text("/book")
    asked = await res.text("talk to staff")
    assert "question" in asked.lower() and await _matters(app) == []
