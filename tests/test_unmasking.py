"""Unmasking with purpose: the owner of a matter and supervisors read the resident's full
phone in /show (every such view audited); colleagues who do not own it, lists and notices
stay masked; staff of another department never see the matter at all."""

from __future__ import annotations

from storage.models import AuditEntry
from tests.factories import Console, Inboxes, make_app, make_settings
from tests.matter_helpers import count, pushed
from tests.test_appointments import buttons, press

PHONE, MASKED = "13812345678", "138****5678"


async def _home_visit(app) -> None:  # type: ignore[no-untyped-def]
    res = Console(app, "r1", "王奶奶")
    days = await press(app, res, "book:i:elderly-allowance")
    intro = await press(app, res, buttons(days)["🏠 申请上门服务"])
    await press(app, res, buttons(intro)["👴 60岁以上老年人"])
    await res.say("三组 12 号")
    await res.say("办高龄津贴，老人卧床出不了门")
    await res.say(PHONE)


async def _unmasked(app) -> int:  # type: ignore[no-untyped-def]
    return await count(app, AuditEntry, AuditEntry.action == "unmask", AuditEntry.matter_id == 1)


async def test_the_owner_and_supervisors_see_the_full_phone_and_it_is_audited(
        tmp_path, sqlite_url, clock):
    settings = make_settings(tmp_path, sqlite_url, staff_departments={
        "console:staff": "minzheng", "console:staff2": "minzheng", "console:hk": "hukou"},
        staff=["console:staff", "console:staff2", "console:hk"])
    app = await make_app(settings, clock)
    box = Inboxes()
    app.attach_sender("console", box)
    try:
        await _home_visit(app)
        await app.delivery.drain()
        notice = "\n".join(pushed(box, "staff"))
        assert MASKED in notice and PHONE not in notice  # the department's notice: masked
        owner, colleague = Console(app, "staff", "小陈"), Console(app, "staff2", "小刘")
        assert PHONE not in await owner.text("/show 1") and await _unmasked(app) == 0
        seen = await colleague.text("/show 1")  # the department's, owned by nobody yet
        assert PHONE not in seen and MASKED in seen
        await owner.say("/take 1")
        shown = await owner.text("/show 1")
        assert PHONE in shown and "审计" in shown
        assert await _unmasked(app) == 1
        await owner.say("/show 1")
        assert await _unmasked(app) == 2  # every view
        assert PHONE not in await colleague.text("/show 1")  # owned by another: refused
        assert PHONE in await Console(app, "boss").text("/show 1")
        assert await _unmasked(app) == 3
        other = await Console(app, "hk").text("/show 1")
        assert PHONE not in other and MASKED not in other and "不属于您的部门" in other
        for cmd in ("/queue", "/queue mine", "/find 5678"):
            assert PHONE not in await owner.text(cmd)
        assert PHONE not in await Console(app, "boss").text("/digest")
        assert PHONE not in "\n".join(pushed(box, "boss"))
    finally:
        await app.close()


async def test_the_handler_of_a_complaint_sees_its_contact_number(app, inboxes):
    from tests.test_complaints import _complain

    await _complain(app, Console(app, "r1", "李大爷"), what="窗口人员态度差，让我等了两个小时",
                    photo=False)
    staff = Console(app, "staff", "小陈")
    assert PHONE not in await staff.text("/show 1")
    await staff.say("/take 1")
    shown = await staff.text("/show 1")
    assert PHONE in shown and "联系电话：" + PHONE in shown
    assert await _unmasked(app) == 1
