"""Appointments through the console channel: book → confirm → code, QR, .ics and reminders;
cancel and reschedule; the one-per-item and maximum rules; forged, stale and repeated buttons;
phone validation; no-shows; home visits; the staff's /today, /checkin and /noshow."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.core import Event
from domain.messages import Reply
from storage.models import AuditEntry, Booking, Matter, Outbox, Resident, Slot
from tests.factories import TZ, Console

ITEM = "birth-registration"  # 5号窗口, bookable
TUE_9 = "202611240900"  # Tuesday 24 November 2026, 09:00 (the clock says Monday 10:00)


def press(app, who: Console, data: str):  # type: ignore[no-untyped-def]
    ch = who.channel
    return app.handle(Event(channel="console", user_id=ch.user_id, kind="choice", choice=data,
                            display_name=ch.name, language_code=ch.lang))


def contact(app, who: Console, phone: str, owner: str | None = None):  # type: ignore[no-untyped-def]
    ch = who.channel
    return app.handle(Event(channel="console", user_id=ch.user_id, kind="contact", phone=phone,
                            contact_user_id=owner or ch.user_id, display_name=ch.name))


def buttons(replies: list[Reply]) -> dict[str, str]:
    return {b.label: b.data for r in replies for row in r.buttons for b in row}


def text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def book(app, who: Console, when: str = TUE_9, item: str = ITEM,  # type: ignore[no-untyped-def]
               name: str = "王秀英", phone: str = "13812345678") -> list[Reply]:
    """Choose a time and confirm it, giving name and phone when asked."""
    replies = await press(app, who, f"book:t:{item}:{when}")
    if "姓名" in text(replies) or "name" in text(replies):
        await who.say(name)
        replies = await who.say(phone)
    return await press(app, who, f"book:ok:{item}:{when}")


async def count(app, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def places_taken(app) -> int:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return await s.scalar(select(func.coalesce(func.sum(Slot.booked), 0))) or 0


async def test_book_from_the_item_card_to_code_qr_ics_and_reminders(app):
    res = Console(app, "r1", "王大妈")
    card = await res.say("孩子刚出生要上户口带什么")
    days = await press(app, res, buttons(card)["📅 预约办理"])
    assert "出生登记" in days[0].text and "5号窗口" in days[0].text
    day_buttons = buttons(days)
    assert "11月24日 周二（余42）" in day_buttons  # 14 slots x 3 places
    assert not any("11月28日" in b or "11月29日" in b for b in day_buttons)  # the weekend
    times = await press(app, res, day_buttons["11月24日 周二（余42）"])
    assert "09:00 余3" in buttons(times)
    ask = await press(app, res, buttons(times)["09:00 余3"])
    assert "姓名" in ask[0].text
    phone_prompt = await res.say("王秀英")
    assert phone_prompt[0].ask_contact  # Telegram's "share my phone" button
    summary = await res.say("138-1234-5678")
    assert "王秀英" in summary[0].text and "13812345678" in summary[0].text
    confirmed = await press(app, res, buttons(summary)["✅ 确认预约"])

    message, photo, document = confirmed
    code = re.search(r"预约码：<b>([A-Z0-9]{6})</b>", message.text).group(1)
    assert "2026年11月24日(周二) 09:00-09:30" in message.text
    assert "5号窗口" in message.text and "出生医学证明" in message.text  # the checklist
    assert "138****5678" in message.text
    assert photo.photo.data.startswith(b"\x89PNG") and code in photo.photo.caption
    event = Calendar.from_ical(document.document.data).walk("VEVENT")[0]
    assert document.document.filename == f"{code}.ics"
    assert event.decoded("dtstart") == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 local
    assert code in str(event["summary"]) and "出生医学证明" in str(event["description"])

    async with app.services.db.transaction() as s:
        booking = await s.scalar(select(Booking))
        reminders = list(await s.scalars(select(Outbox).order_by(Outbox.not_before)))
    assert booking.code == code and booking.phone == "13812345678"
    assert [r.dedupe_key for r in reminders] == [f"bk:{booking.id}:day", f"bk:{booking.id}:hour"]
    assert [r.not_before.astimezone(TZ).strftime("%m-%d %H:%M") for r in reminders] == [
        "11-23 18:00", "11-24 08:00"]
    assert all(r.booking_id == booking.id and r.status == "pending" for r in reminders)


async def test_reminders_arrive_at_their_time_once_and_not_after_cancel(app, inboxes, clock):
    res = Console(app, "r1")
    await book(app, res)
    await book(app, res, "202611251000", item="id-card")
    await app.delivery.drain()
    assert inboxes.texts("r1") == []  # nothing is due yet
    clock.set_local(2026, 11, 23, 18, 1)
    await app.delivery.drain()
    assert len(inboxes.texts("r1")) == 1 and "明天" in inboxes.texts("r1")[0]
    await app.delivery.drain()
    assert len(inboxes.texts("r1")) == 1  # never twice

    mine = await res.say("/mybookings")
    cancels = [d for d in buttons(mine).values() if d.startswith("book:c:")]
    ask = await press(app, res, cancels[1])  # the ID card, on Wednesday
    done = await press(app, res, buttons(ask)["确定取消"])
    assert "已取消" in done[0].text and "不会再发送" in done[0].text
    clock.set_local(2026, 11, 25, 9, 30)
    await app.delivery.drain()
    sent = inboxes.texts("r1")
    assert len(sent) == 2 and "一小时后" in sent[1] and "出生登记" in sent[1]
    assert not any("居民身份证" in t for t in sent)  # the cancelled one reminded nobody
    assert await count(app, Outbox, Outbox.status == "cancelled") == 2


async def test_cancel_frees_the_place_for_someone_else(app, settings):
    app.services.settings = settings.with_overrides(slot_capacity=1)
    first, second = Console(app, "r1"), Console(app, "r2")
    await book(app, first)
    full = await press(app, second, f"book:t:{ITEM}:{TUE_9}")
    assert "约满" in full[0].text
    mine = await first.say("/mybookings")
    cancel = next(d for d in buttons(mine).values() if d.startswith("book:c:"))
    await press(app, first, "book:cx:" + cancel.split(":")[2])
    again = await book(app, second)
    assert "预约成功" in again[0].text
    assert await places_taken(app) == 1


async def test_reschedule_is_atomic_and_moves_the_reminders(app, settings):
    app.services.settings = settings.with_overrides(slot_capacity=1)
    res, other = Console(app, "r1"), Console(app, "r2")
    confirmed = await book(app, res)
    old_code = re.search(r"<b>([A-Z0-9]{6})</b>", confirmed[0].text).group(1)
    await book(app, other, "202611241000")  # 10:00 is now full
    days = await press(app, res, buttons(confirmed)["🔁 改约"])
    assert "原预约" in days[0].text and old_code in days[0].text
    booking_id = buttons(confirmed)["🔁 改约"].split(":")[2]

    full = await press(app, res, f"book:rok:{booking_id}:202611241000")
    assert "约满" in full[0].text and "没有占用" in full[0].text
    async with app.services.db.transaction() as s:
        assert (await s.get(Booking, int(booking_id))).status == "active"  # nothing changed
    assert await places_taken(app) == 2

    times = await press(app, res, f"book:rd:{booking_id}:20261125")
    summary = await press(app, res, buttons(times)["15:00 余1"])
    assert "原时间" in summary[0].text and "新时间" in summary[0].text
    moved = await press(app, res, buttons(summary)["✅ 确认改约"])
    assert "改约成功" in moved[0].text and old_code in moved[0].text
    assert "2026年11月25日(周三) 15:00" in moved[0].text and moved[1].photo and moved[2].document
    assert await places_taken(app) == 2
    async with app.services.db.transaction() as s:
        statuses = dict((await s.execute(select(Booking.code, Booking.status))).all())
        assert statuses[old_code] == "rescheduled" and list(statuses.values()).count("active") == 2
        pending = list(await s.scalars(select(Outbox.dedupe_key).where(Outbox.status == "pending")
                                       .where(Outbox.booking_id == int(booking_id))))
    assert pending == []  # the old time's reminders are gone
    assert await count(app, Outbox, Outbox.status == "pending") == 4  # 2 for r2, 2 new


async def test_double_tap_on_confirm_books_once(app):
    res = Console(app, "r1")
    first = await book(app, res)
    again = await press(app, res, f"book:ok:{ITEM}:{TUE_9}")
    assert "预约成功" in first[0].text and "无需重复确认" in again[0].text
    assert len(again) == 1  # no second QR code or calendar file
    assert await count(app, Booking) == 1 and await places_taken(app) == 1
    assert await count(app, Outbox) == 2


@pytest.mark.parametrize("data, expected", [
    (f"book:ok:{ITEM}:202611230900", "不能预约"),  # this morning: already past
    (f"book:t:{ITEM}:202611231030", "不能预约"),  # inside the same-day cut-off
    (f"book:ok:{ITEM}:202611240917", "不能预约"),  # not a slot start
    (f"book:ok:{ITEM}:202611281000", "不能预约"),  # Saturday
    (f"book:ok:{ITEM}:202612080900", "不能预约"),  # beyond the 10-working-day horizon
    (f"book:ok:{ITEM}:2026112409", "不能预约"),  # malformed time
    ("book:ok:no-such-item:202611240900", "不支持网上预约"),
    ("book:ok:public-policy-consult:202611240900", "不支持网上预约"),  # appointment: false
    (f"book:d:{ITEM}:20261128", "这一天不能预约"),
    ("book:cx:99999", "没有找到这个预约"),
    ("book:rok:abc:202611240900", "没有找到这个预约"),
    ("book:zz", "过期"),
    ("book:ok:a:b:c", "过期"),
])
async def test_forged_or_stale_booking_buttons_change_nothing(app, data, expected):
    res = Console(app, "r1")
    await res.say("你好")  # the resident exists, with a remembered name and phone
    async with app.services.db.transaction() as s:
        person = await s.scalar(select(Resident))
        person.real_name, person.phone = "王秀英", "13812345678"
    replies = await press(app, res, data)
    assert expected in text(replies)
    assert await count(app, Booking) == 0 and await places_taken(app) == 0
    assert await count(app, Outbox) == 0


async def test_forged_press_for_a_full_slot_offers_the_nearest_free_times(app, settings):
    app.services.settings = settings.with_overrides(slot_capacity=1)
    await book(app, Console(app, "r1"))
    late = Console(app, "r2")
    chosen = await press(app, late, f"book:t:{ITEM}:{TUE_9}")
    assert "约满" in chosen[0].text
    nearest = buttons(chosen)
    assert {"🕘 11月24日 周二 08:30", "🕘 11月24日 周二 09:30"} <= set(nearest)
    confirmed = await book(app, late, "202611240930")
    assert "预约成功" in confirmed[0].text
    assert await places_taken(app) == 2


async def test_another_residents_booking_cannot_be_cancelled_or_moved(app):
    owner, intruder = Console(app, "r1"), Console(app, "r2")
    confirmed = await book(app, owner)
    booking_id = buttons(confirmed)["❌ 取消预约"].split(":")[2]
    for data in (f"book:c:{booking_id}", f"book:cx:{booking_id}", f"book:r:{booking_id}",
                 f"book:rok:{booking_id}:202611251000"):
        assert "没有找到这个预约" in text(await press(app, intruder, data))
    async with app.services.db.transaction() as s:
        assert (await s.get(Booking, int(booking_id))).status == "active"
    assert await places_taken(app) == 1


async def test_invalid_phone_and_someone_elses_contact_are_refused_then_remembered(app):
    res = Console(app, "r1")
    await press(app, res, f"book:t:{ITEM}:{TUE_9}")
    for not_a_name in ("身份证丢了怎么办？", "13812345678", "x" * 40):
        assert "真实姓名" in (await res.say(not_a_name))[0].text
    await res.say("李建国")
    for bad in ("12345", "1381234567", "abc", "23812345678"):
        replies = await res.say(bad)
        assert "号码好像不对" in replies[0].text and replies[0].ask_contact
    refused = await contact(app, res, "+8613900001111", owner="someone-else")
    assert "您自己的手机号" in refused[0].text
    summary = await contact(app, res, "+86 139 0000 1111")
    assert "13900001111" in summary[0].text and "李建国" in summary[0].text
    await press(app, res, f"book:ok:{ITEM}:{TUE_9}")
    # next time name and phone are not asked again
    nxt = await press(app, res, "book:t:id-card:202611251000")
    assert "请核对预约信息" in nxt[0].text and "13900001111" in nxt[0].text


async def test_one_booking_per_item_and_a_maximum_per_resident(app, settings):
    app.services.settings = settings.with_overrides(max_active_bookings=2)
    res = Console(app, "r1")
    await book(app, res)
    again = await press(app, res, f"book:i:{ITEM}")
    assert "同一事项只能保留一个预约" in again[0].text and "🔁 改约" in buttons(again)
    forged = await press(app, res, f"book:ok:{ITEM}:202611251000")
    assert "同一事项只能保留一个预约" in forged[0].text
    await book(app, res, "202611251000", item="id-card")
    third = await press(app, res, "book:i:dibao")
    assert "达到上限" in third[0].text
    assert await count(app, Booking) == 2


async def test_no_shows_block_new_bookings_and_the_resident_is_told(app, inboxes, clock):
    res, staff = Console(app, "r1"), Console(app, "staff")
    codes = []
    for item in ("id-card", ITEM, "dibao"):
        confirmed = await book(app, res, TUE_9, item=item)
        codes.append(re.search(r"<b>([A-Z0-9]{6})</b>", confirmed[0].text).group(1))
    assert "还没到" in await staff.text(f"/noshow {codes[0]}")
    clock.set_local(2026, 11, 24, 12, 0)
    assert "1 次" in await staff.text(f"/noshow {codes[0]}")
    await staff.say(f"/noshow {codes[1]}")
    third = await staff.text(f"/noshow {codes[2]}")
    assert "已暂停其预约功能至 2026年12月24日" in third
    await app.delivery.drain()
    notice = [t for t in inboxes.texts("r1") if "爽约" in t]
    assert len(notice) == 1 and "2026年12月24日" in notice[0]
    refused = await press(app, res, "book:i:id-card")
    assert "暂停到 2026-12-24" in refused[0].text and "爽约" in refused[0].text


async def test_staff_day_view_masks_phones_and_check_in_offers_a_case(app):
    res, staff = Console(app, "r1"), Console(app, "staff")
    confirmed = await book(app, res, "202611231130")  # today, after the cut-off
    code = re.search(r"<b>([A-Z0-9]{6})</b>", confirmed[0].text).group(1)
    day = await staff.text("/today")
    assert "5号窗口" in day and code in day and "138****5678" in day
    assert "13812345678" not in day and "待到场" in day
    arrived = await staff.say(f"/checkin {code.lower()}")
    assert "已签到" in arrived[0].text
    assert f"case:from_booking:{buttons(confirmed)['❌ 取消预约'].split(':')[2]}" in \
        buttons(arrived).values()
    assert "已经签到过了" in await staff.text(f"/checkin {code}")
    assert "已签到" in await staff.text("/today 2026-11-23")
    assert "没有预约" in await staff.text("/today 2026-11-30")
    assert "用法" in await staff.text("/today tomorrow")
    assert "用法" in await staff.text("/checkin")
    assert "不是有效的预约码" in await staff.text("/checkin 12")


async def test_a_resident_cannot_use_staff_commands_with_someone_elses_code(app):
    owner, other = Console(app, "r1"), Console(app, "r2")
    confirmed = await book(app, owner, "202611231130")
    code = re.search(r"<b>([A-Z0-9]{6})</b>", confirmed[0].text).group(1)
    for cmd in (f"/checkin {code}", f"/noshow {code}", "/today"):
        assert "没有使用" in await other.text(cmd)
    async with app.services.db.transaction() as s:
        assert (await s.scalar(select(Booking))).status == "active"
        refused = await s.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.allowed.is_(False)))
    assert refused == 3


async def test_home_visit_becomes_a_matter_with_a_deadline_and_staff_are_told(app, inboxes):
    res = Console(app, "r1", "王奶奶")
    days = await press(app, res, "book:i:elderly-allowance")
    intro = await press(app, res, buttons(days)["🏠 申请上门服务"])
    await press(app, res, buttons(intro)["👴 60岁以上老年人"])
    await res.say("三组 12 号")
    asked = await res.say("办高龄津贴，老人卧床出不了门")
    assert asked[0].ask_contact
    assert "号码好像不对" in text(await res.say("110"))
    done = await res.say("13812345678")
    assert "H1" in done[0].text and "2026年12月2日" in done[0].text  # 7 working days
    async with app.services.db.transaction() as s:
        matter = await s.scalar(select(Matter))
    assert matter.kind == "homevisit" and matter.item_id == "elderly-allowance"
    assert matter.data["address"] == "三组 12 号" and matter.deadline.isoformat() == "2026-12-02"
    await app.delivery.drain()
    to_staff = "\n".join(inboxes.texts("staff"))
    assert "H1" in to_staff and "三组 12 号" in to_staff and "卧床" in to_staff
    assert "/take 1" in to_staff


async def test_book_command_matches_typed_item_or_offers_categories(app):
    res = Console(app, "r1")
    ask = await res.say("/book")
    assert "户籍" in buttons(ask) and "社会救助" in buttons(ask)
    days = await res.say("身份证")
    assert "居民身份证办理" in days[0].text and any(d.startswith("book:d:id-card:")
                                                    for d in buttons(days).values())
    unknown = await res.text("/book 修自行车")
    assert "没有找到" in unknown
    cat = next(d for label, d in buttons(await res.say("/book")).items() if label == "户籍")
    listed = await press(app, res, cat)
    assert "出生登记" in buttons(listed)


async def test_english_resident_books_in_english(app):
    res = Console(app, "r1", "Tom", lang="en")
    days = await press(app, res, f"book:i:{ITEM}")
    assert "Choose a day" in days[0].text and "Tue 24 Nov (42 free)" in buttons(days)
    await press(app, res, f"book:t:{ITEM}:{TUE_9}")
    await res.say("Tom Li")
    summary = await res.say("13812345678")
    assert "Please check your booking" in summary[0].text
    confirmed = await press(app, res, buttons(summary)["✅ Confirm booking"])
    assert "Booking code" in confirmed[0].text and "Please bring" in confirmed[0].text
    mine = await res.text("/mybookings")
    assert "My bookings" in mine


async def test_a_pending_reminder_does_not_hold_back_other_notices(app, inboxes):
    res, staff = Console(app, "r1"), Console(app, "staff")
    await book(app, res)  # reminders for tomorrow wait in the outbox
    replies = await res.say("村口那条路的路灯坏了好几天了谁管")
    await press(app, res, buttons(replies)["🙋 提交给工作人员"])
    await staff.say("/take 1")
    await staff.say("/reply 1 已联系供电所")
    await app.delivery.drain()
    assert any("已联系供电所" in t for t in inboxes.texts("r1"))


async def test_callback_data_of_every_bookable_item_fits_telegram(app):
    longest = max(len(it.id.encode()) for it in app.services.kb.items if it.appointment)
    assert len(f"book:ok:{'x' * longest}:{TUE_9}".encode()) <= 64
