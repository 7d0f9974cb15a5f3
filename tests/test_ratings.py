"""Ratings (好差评): after /done the resident rates 1-5 with buttons and may comment; 2 or
less opens a follow-up (回访整改) for supervisors, and the resident hears how it was followed
up."""

from __future__ import annotations

from datetime import date

from storage.models import Matter
from tests.factories import Console
from tests.matter_helpers import ask_staff, count, labels, matter, press, press_label, pushed, text_of


async def _done_consultation(app, inboxes, user: str = "r1"):  # type: ignore[no-untyped-def]
    """A consultation handed to staff and answered and closed by 小陈 (staff)."""
    res = Console(app, user, "王大妈")
    await ask_staff(app, res, "村口那条路的路灯坏了好几天了谁管")
    staff = Console(app, "staff", "小陈")
    await staff.say("/take 1")
    await staff.say("/done 1 已报供电所，路灯明天修好")
    await app.delivery.drain()
    notice = inboxes.sent[user][-1]
    assert "已办结" in notice.text and "明天修好" in notice.text
    return res, staff, [notice]


async def test_good_rating_is_recorded_once(app, inboxes):
    res, _, notice = await _done_consultation(app, inboxes)
    ratings = [x for x in labels(notice) if "满意" in x]
    # worst first: where options are numbered, typing 5 is the best score
    assert ratings[0].endswith("非常不满意") and ratings[-1].endswith("非常满意")
    replies = await press_label(app, res, notice, "非常满意")
    assert "感谢您对 Q1 的评价" in text_of(replies)
    replies = await press_label(app, res, replies, "不用了")
    assert (await matter(app, 1)).rating == 5
    assert "已经评价过" in text_of(await press_label(app, res, notice, "不满意"))
    assert (await matter(app, 1)).rating == 5
    assert await count(app, Matter, Matter.kind == "followup") == 0


async def test_bad_rating_opens_a_followup_that_only_supervisors_handle(app, inboxes):
    res, staff, notice = await _done_consultation(app, inboxes)
    replies = await press_label(app, res, notice, "非常不满意")
    text = text_of(replies)
    assert "回访整改" in text and "F2" in text and "2026年11月30日" in text  # 5 working days
    followup = await matter(app, 2)
    assert (followup.kind, followup.parent_id, followup.deadline) == (
        "followup", 1, date(2026, 11, 30))
    await res.say("工作人员说明天修，结果一个星期都没人来")
    await app.delivery.drain()
    to_boss = "\n".join(pushed(inboxes, "boss"))
    assert "差评回访 F2" in to_boss and "非常不满意" in to_boss and "小陈" in to_boss
    assert "一个星期都没人来" in to_boss  # the comment follows the alert
    assert "一个星期都没人来" in (await matter(app, 2)).content
    # the colleague who was rated cannot handle their own follow-up
    assert "只能由主管处理" in await staff.text("/take 2")
    assert "F2" not in await staff.text("/queue")
    boss = Console(app, "boss", "主管老周")
    assert "F2" in await boss.text("/queue followup")
    await boss.say("/take 2")
    await boss.say("/done 2 已批评教育经办人，路灯已于今天修好，向您致歉")
    await app.delivery.drain()
    last = inboxes.sent["r1"][-1]
    assert "主管已回访整改" in last.text and "路灯已于今天修好" in last.text
    assert not last.buttons  # a follow-up is not rated again
    assert "评价意见" in await res.text("/status Q1") or "非常不满意" in await res.text("/status Q1")


async def test_ratings_only_for_ones_own_done_matter(app, inboxes):
    res, _, notice = await _done_consultation(app, inboxes)
    stranger = Console(app, "r9", "路人")
    data = [b.data for r in notice for row in r.buttons for b in row][-1]  # rate:s:1:1
    assert "没有找到事项" in text_of(await press(app, stranger, data))
    for forged in ["rate:s:1:9", "rate:s:1:0", "rate:s:999:1", "rate:x", "rate:s:1"]:
        replies = await press(app, res, forged)
        assert replies and replies[0].text
    assert (await matter(app, 1)).rating is None
    # an open matter cannot be rated yet
    await ask_staff(app, res, "我想问问合作医疗今年交多少钱，我们家五口人怎么交")
    assert "还不能评价" in text_of(await press(app, res, "rate:s:2:5"))
