"""The matters back office in English: every message of the case, complaint, rating and
scheduler flows renders for English-speaking residents, staff and supervisors."""

from __future__ import annotations

from tests.factories import Console
from tests.matter_helpers import (
    ask_staff,
    press,
    press_label,
    pushed,
    seed_booking,
    send_photo,
    share_contact,
    text_of,
)


async def test_case_flow_in_english(app, inboxes, clock):
    res = Console(app, "r1", "Tom", lang="en")
    await res.say("/lang en")
    await seed_booking(app, resident_user="r1", item_id="hukou-transfer", code="K7Q2")
    staff = Console(app, "staff", "Chen", lang="en")
    await staff.say("/lang en")
    replies = await staff.say("/accept K7Q2")
    assert "Tick the materials" in text_of(replies)
    replies = await press(app, staff, "case:t:0")
    replies = await press_label(app, staff, replies, "Accept")
    assert "Accepted B1" in text_of(replies)
    replies = await press_label(app, staff, replies, "missing materials")
    clock.set_local(2026, 11, 24, 10)
    assert "clock running again" in await staff.text("/resume 1")
    assert "extended" in await staff.text("/extend 1 2 the county office must sign")
    await staff.say("/note 1 internal only")
    assert "B1" in await staff.text("/show 1") and "B1" in await staff.text("/find B1")
    assert "is done" in await staff.text("/done 1 ready at window 5")
    await app.delivery.drain()
    texts = "\n".join(pushed(inboxes, "r1"))
    for words in ("Receipt", "Materials still needed", "being processed again", "needs more time",
                  "Your case is done", "Please rate"):
        assert words in texts, words
    done = inboxes.sent["r1"][-1]
    replies = await press_label(app, res, [done], "Dissatisfied")
    assert "follow-up" in text_of(replies)
    assert "Progress" in await res.text("/status B1")
    assert "internal only" not in await res.text("/status B1")


async def test_complaint_and_reports_in_english(app, inboxes, clock):
    boss = Console(app, "boss", "Zhou", lang="en")
    await boss.say("/lang en")  # notices are written in each recipient's language
    res = Console(app, "r2", "Ann", lang="en")
    await res.say("/lang en")
    replies = await res.say("/complain")
    replies = await press_label(app, res, replies, "Improper fees")
    await res.say("They asked me for 50 yuan to stamp a form")
    replies = await press_label(app, res, await res.say("window 3"), "Yesterday")
    replies = await send_photo(app, res, "photo-1")
    replies = await press_label(app, res, replies, "Next")
    replies = await share_contact(app, res, "13812345678")
    assert "Please check your complaint" in text_of(replies)
    replies = await press_label(app, res, replies, "Send")
    assert "T1" in text_of(replies) and "supervisor" in text_of(replies)
    await ask_staff(app, Console(app, "r3", lang="en"), "Where can I park my tractor?")
    assert "Daily report" in await boss.text("/digest")
    assert "Audit log" in await boss.text("/audit")
    clock.set_local(2026, 12, 3, 9)  # Q2 overdue, T1 overdue
    await app.scheduler.tick()
    await app.delivery.drain()
    to_boss = "\n".join(pushed(inboxes, "boss"))
    assert "Reported at once" in to_boss and "Overdue" in to_boss and "Daily report" in to_boss
    admin = Console(app, "admin", lang="en")
    await admin.say("/lang en")
    assert "People and roles" in await admin.text("/roles")
    assert "now has the" in await admin.text("/grant console:r3 staff")
