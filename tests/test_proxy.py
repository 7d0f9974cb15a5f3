"""全程代办 and 上报: asked for from the item card, accepted as a case, forwarded to the higher
office (the clock stops), answered (the clock runs again from the moved date), completed
(collected or delivered). The resident is told at each step; no fee is ever asked."""

from __future__ import annotations

from datetime import date

from storage.models import Matter
from tests.factories import Console
from tests.matter_helpers import labels, matter, option, press, press_label, pushed, text_of

ITEM = "veteran-card"  # 上报件, 10 working days, 退役军人服务站


async def _request(app, *, deliver: bool = True):  # type: ignore[no-untyped-def]
    res = Console(app, "r1", "老赵")
    card = await res.say(f"/start {ITEM}")
    assert any("全程代办" in x for x in labels(card))
    offer = await press(app, res, f"proxy:i:{ITEM}")
    assert "免费" in text_of(offer) and "不收取任何费用" in text_of(offer)
    if deliver:
        asked = await press_label(app, res, offer, "送达")
        assert "地址" in text_of(asked)
        created = await res.say("三组 12 号")
    else:
        created = await press_label(app, res, offer, "领取")
    assert "Q1" in text_of(created) and "全程免费" in text_of(created)
    return res


async def test_the_whole_proxy_flow_tells_the_resident_at_each_step(app, inboxes, clock):
    await _request(app)
    await app.delivery.drain()
    assert any("全程代办申请 Q1" in t and "三组 12 号" in t for t in pushed(inboxes, "staff"))
    staff = Console(app, "staff", "小陈")
    await staff.say("/profile 赵军 退役军人服务窗口")
    replies = await staff.say("/accept 1")
    replies = await press(app, staff, option(replies, "1. "))
    accepted = text_of(await press_label(app, staff, replies, "确认受理"))
    assert "B2" in accepted
    case = await matter(app, 2)
    assert case.data["proxy"] == {"delivery": "deliver", "address": "三组 12 号"}
    assert case.deadline == date(2026, 12, 7)  # 10 working days from Mon 23 Nov
    assert (await matter(app, 1)).status == "closed"  # the request lives on as B2
    await app.delivery.drain()
    assert any("全程代办（免费）" in t for t in pushed(inboxes, "r1"))

    reply = await staff.text("/forward B2 县退役军人事务局 请审核优待证")
    assert "已上报" in reply and "县退役军人事务局" in reply
    case = await matter(app, 2)
    assert case.status == "forwarded" and case.paused_since is not None
    await app.delivery.drain()
    assert any("已报送 县退役军人事务局 审批" in t and "不计入办理时限" in t
               for t in pushed(inboxes, "r1"))
    assert "B2" in await Console(app, "r1").text("/status")
    assert "已报送上级审批，计时暂停" in await Console(app, "r1").text("/status B2")

    clock.set_local(2026, 11, 27, 10, 0)  # Friday: four working days at the county
    assert "B2" not in await staff.text("/queue overdue")
    reply = await staff.text("/returned B2 审核通过，优待证已制作")
    assert "顺延 4 个工作日" in reply
    case = await matter(app, 2)
    assert case.status == "assigned" and case.paused_since is None
    assert case.deadline == date(2026, 12, 11)
    await app.delivery.drain()
    back = [t for t in pushed(inboxes, "r1") if "已反馈" in t]
    assert back and "审核通过" in back[0] and "2026年12月11日" in back[0]

    await staff.say("/done B2 优待证已办好")
    await app.delivery.drain()
    done = [t for t in pushed(inboxes, "r1") if "办结" in t][-1]
    assert "结果将送达：三组 12 号" in done and "免费" in done
    every = "\n".join(pushed(inboxes, "r1"))
    assert "代办费" not in every.replace("索要代办费", "")  # never asked for a fee


async def test_collecting_at_the_window_names_who_hands_it_over(app, inboxes):
    await _request(app, deliver=False)
    staff = Console(app, "staff", "小陈")
    await staff.say("/profile 赵军 退役军人服务窗口")
    replies = await staff.say("/accept 1")
    await press_label(app, staff, replies, "确认受理")
    await staff.say("/done B2 已办好")
    await app.delivery.drain()
    done = [t for t in pushed(inboxes, "r1") if "办结" in t][-1]
    assert "请到 退役军人服务站 赵军（退役军人服务窗口） 领取结果" in done


async def test_forward_and_returned_refuse_what_does_not_fit(app, inboxes):
    await _request(app)
    staff = Console(app, "staff", "小陈")
    assert "不是办件" in await staff.text("/forward 1 县局")  # the request, not a case
    replies = await staff.say("/accept 1")
    await press_label(app, staff, replies, "确认受理")
    assert "没有在上报中" in await staff.text("/returned B2 通过")
    assert "用法" in await staff.text("/forward B2")
    assert "用法" in await staff.text("/returned B2")
    await staff.say("/forward B2 县局")
    assert "已上报 县局" in await staff.text("/forward B2 县局")
    assert "免费" in text_of(await press(app, Console(app, "r2"), f"proxy:i:{ITEM}"))
    # a same-day item offers no proxy, and a forged button changes nothing
    assert "过期" in text_of(await press(app, Console(app, "r2"), "proxy:i:birth-registration"))
    async with app.services.db.transaction() as s:
        from sqlalchemy import func, select

        assert await s.scalar(select(func.count()).select_from(Matter)) == 2
