"""Complaints (投诉) through the console: the intake dialog, the ticket and its 5-working-day
promise, staff answers, the resident's additions, closing with a written answer, and the
immediate supervisor alert (一事一报) for fees, corruption or urgency."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import Conversation, Matter, Resident
from tests.factories import Console
from tests.matter_helpers import (
    count,
    labels,
    matter,
    option,
    press,
    press_label,
    pushed,
    send_photo,
    share_contact,
    text_of,
)


async def _complain(app, res: Console, *, category: str = "服务态度", what: str,  # type: ignore[no-untyped-def]
                    whom: str | None = "3号窗口的工作人员", photo: bool = True,
                    urgent: bool = False, via_menu: bool = False):
    if via_menu:
        replies = await press(app, res, "menu:complain")
    else:
        replies = await res.say("/complain")
    replies = await press_label(app, res, replies, category)
    assert "事情经过" in text_of(replies)
    replies = await res.say(what)
    if whom is None:
        replies = await press_label(app, res, replies, "跳过")
    else:
        replies = await res.say(whom)
    replies = await press_label(app, res, replies, "今天")
    if photo:
        replies = await send_photo(app, res, "AgACAgUAAxkBAAIB-photo-1")
        assert "已收到照片" in text_of(replies)
        replies = await press_label(app, res, replies, "下一步")
    else:
        replies = await press_label(app, res, replies, "跳过")
    assert replies[0].ask_contact
    replies = await share_contact(app, res, "+86 138 1234 5678")
    assert "138****5678" in text_of(replies)  # the summary masks the number too
    return await press_label(app, res, replies, "紧急" if urgent else "提交")


async def test_complaint_gets_a_number_and_the_five_working_day_promise(app, inboxes):
    res = Console(app, "r1", "王大妈")
    replies = await _complain(app, res, what="办理医保时工作人员态度很差，还把材料扔回来")
    text = text_of(replies)
    assert "T1" in text and "2026年11月30日" in text and "5 个工作日" in text  # Mon + 5
    complaint = await matter(app, 1)
    assert (complaint.kind, complaint.category, complaint.deadline) == (
        "complaint", "attitude", date(2026, 11, 30))
    assert complaint.data["photos"] == ["AgACAgUAAxkBAAIB-photo-1"]
    assert complaint.data["whom"] == "3号窗口的工作人员" and complaint.data["contact"] == "13812345678"
    await app.delivery.drain()
    to_staff = "\n".join(pushed(inboxes, "staff"))
    assert "新投诉 T1" in to_staff and "态度很差" in to_staff and "照片 1 张" in to_staff
    assert "13812345678" not in to_staff and "138****5678" in to_staff
    assert not any("一事一报" in t for t in pushed(inboxes, "boss"))  # not urgent, not 廉政


async def test_staff_answer_resident_adds_and_closes_with_written_answer(app, inboxes):
    res = Console(app, "r2", "李大爷")
    replies = await _complain(app, res, what="社保窗口排队两个小时没人管", category="办事效率",
                              whom=None, photo=False)
    staff = Console(app, "staff", "小陈")
    await staff.say("/take 1")
    await staff.say("/reply 1 您好，我们已核实情况，正在调整窗口人手")
    await app.delivery.drain()
    assert any("正在调整窗口人手" in t for t in pushed(inboxes, "r2"))
    replies = await press_label(app, res, replies, "补充说明")
    await res.say("今天又排了一个小时")
    await app.delivery.drain()
    assert any("又排了一个小时" in t for t in pushed(inboxes, "staff"))
    # a complaint closes only with a written answer
    assert "书面答复" in await staff.text("/done 1")
    assert (await matter(app, 1)).status == "assigned"
    await staff.say("/done 1 已增开一个社保窗口，高峰时段有专人引导")
    await app.delivery.drain()
    answer = inboxes.sent["r2"][-1]
    assert "投诉答复" in answer.text and "增开一个社保窗口" in answer.text
    assert any("不满意" in x for x in labels([answer]))  # rate how it was handled
    assert (await matter(app, 1)).status == "done"


async def test_fee_complaint_alerts_supervisors_at_once_and_only_them(app, inboxes):
    res = Console(app, "r3", "张三")
    replies = await _complain(app, res, category="乱收费", what="办出生登记被收了50元工本费",
                              via_menu=True)
    assert "已直接报告主管" in text_of(replies)
    await app.delivery.drain()
    for boss in ("boss", "admin"):
        alert = "\n".join(pushed(inboxes, boss))
        assert "一事一报" in alert and "T1" in alert and "50元工本费" in alert
    # the colleagues it may be about never see it
    assert not any("T1" in t for t in pushed(inboxes, "staff"))
    staff = Console(app, "staff")
    assert "T1" not in await staff.text("/queue")
    assert "只能由主管处理" in await staff.text("/take 1")
    assert (await matter(app, 1)).owner is None
    boss = Console(app, "boss", "主管老周")
    assert "首问责任人" in await boss.text("/take 1")


async def test_corruption_words_make_it_an_integrity_matter_whatever_the_category(app, inboxes):
    res = Console(app, "r4")
    await _complain(app, res, category="其他", what="办事员暗示要给红包才给盖章")
    assert (await matter(app, 1)).data["sensitive"] is True
    await app.delivery.drain()
    assert any("廉政" in t for t in pushed(inboxes, "boss"))


async def test_urgent_complaint_alerts_supervisors_and_still_reaches_staff(app, inboxes):
    res = Console(app, "r5")
    await _complain(app, res, category="推诿扯皮", what="三个窗口互相推，老人等了一上午",
                    urgent=True)
    assert (await matter(app, 1)).urgent
    await app.delivery.drain()
    assert any("一事一报" in t and "紧急" in t for t in pushed(inboxes, "boss"))
    assert any("新投诉 T1" in t for t in pushed(inboxes, "staff"))
    # a supervisor gets the alert, not the same complaint twice
    assert sum("T1" in t for t in pushed(inboxes, "boss")) == 1


async def test_contact_must_be_the_residents_own_and_a_valid_number(app):
    res = Console(app, "r6")
    replies = await res.say("/complain")
    replies = await press_label(app, res, replies, "其他")
    await res.say("大厅的饮水机坏了")
    replies = await press_label(app, res, await res.say("不知道"), "昨天")  # typed: skipped
    replies = await press_label(app, res, replies, "跳过")
    assert "本人" in text_of(await share_contact(app, res, "13900001111", owner="someone-else"))
    async with app.services.db.transaction() as s:
        conv = await s.scalar(select(Conversation).join(Resident).where(Resident.user_id == "r6"))
        assert "whom" not in conv.data  # 不知道 was taken as "skip", not as a name
    assert "不是有效的电话号码" in await res.text("12345")
    replies = await res.say("0571-88889999")
    assert "提交" in " ".join(labels(replies))
    async with app.services.db.transaction() as s:
        assert await s.scalar(select(Resident.phone).where(Resident.user_id == "r6")) is None


async def test_stale_and_forged_complaint_buttons_change_nothing(app):
    res = Console(app, "r7")
    for data in ["cmp:send", "cmp:c:0", "cmp:c:99", "cmp:when:tomorrow", "cmp:urgent"]:
        assert "已过期" in text_of(await press(app, res, data))
    replies = await res.say("/complain")
    assert "已过期" in text_of(await press(app, res, "cmp:send"))  # not at the confirm step
    await press(app, res, option(replies, "取消投诉"))
    assert await count(app, Matter) == 0


async def test_phone_is_masked_in_staff_lists_and_found_by_last_digits(app, inboxes):
    res = Console(app, "r8", "赵四")
    await _complain(app, res, what="窗口工作人员玩手机不理人")
    staff = Console(app, "staff")
    found = await staff.text("/find 5678")
    assert "T1" in found and "138****5678" in found and "13812345678" not in found
    shown = await staff.text("/show 1")
    assert "138****5678" in shown and "13812345678" not in shown
    assert "没有找到" in await staff.text("/find 0000")


async def test_additions_to_an_integrity_complaint_reach_supervisors_only(app, inboxes):
    res = Console(app, "r9", "钱五")
    replies = await _complain(app, res, category="乱收费", what="盖个章要200元好处费")
    await press_label(app, res, replies, "补充说明")
    await res.say("收钱的是戴眼镜的那位")
    await app.delivery.drain()
    assert any("戴眼镜" in t for t in pushed(inboxes, "boss"))
    assert not any("戴眼镜" in t for t in pushed(inboxes, "staff") + pushed(inboxes, "staff2"))
