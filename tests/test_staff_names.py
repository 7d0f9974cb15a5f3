"""Names (首问负责): the resident always reads who has their matter — department, name and
window — never a blank or an account id; /profile sets it; display names cannot carry
right-to-left overrides into staff screens."""

from __future__ import annotations

from domain.names import clean_name
from tests.factories import Console, make_app, make_settings
from tests.matter_helpers import press, pushed, text_of

RLO = "\u202e"


def _depts(tmp_path, sqlite_url, **kw):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path, sqlite_url, staff_departments={
        "console:staff": "minzheng", "console:staff2": "minzheng"}, **kw)


async def _app(tmp_path, sqlite_url, clock, **kw):  # type: ignore[no-untyped-def]
    from tests.factories import Inboxes

    app = await make_app(_depts(tmp_path, sqlite_url, **kw), clock)
    box = Inboxes()
    app.attach_sender("console", box)
    return app, box


async def _question(app, res) -> None:  # type: ignore[no-untyped-def]
    await res.say("/status")
    await press(app, res, "ho:i:dibao")
    await res.say("低保每个月什么时候发")


async def test_the_resident_reads_department_name_and_window(tmp_path, sqlite_url, clock):
    app, box = await _app(tmp_path, sqlite_url, clock)
    try:
        staff = Console(app, "staff", "console-user-x")
        assert "已保存" in await staff.text("/profile 王芳 3号窗口")
        assert "民政办 王芳（3号窗口）" in await staff.text("/profile")
        res = Console(app, "r1", "王大妈")
        await _question(app, res)
        await staff.say("/take 1")
        await staff.say("/reply 1 每月10日前发放")
        await app.delivery.drain()
        texts = pushed(box, "r1")
        assert any("已由 民政办 王芳（3号窗口） 负责" in t for t in texts), texts
        assert any("民政办 王芳（3号窗口） 答复" in t for t in texts)
        assert not any("console:" in t for t in texts)
        assert "民政办 王芳（3号窗口）" in await staff.text("/show 1")
        assert "负责人：民政办 王芳（3号窗口）" in await res.text("/status Q1")
    finally:
        await app.close()


async def test_a_transfer_names_the_new_owner_not_their_id(tmp_path, sqlite_url, clock):
    app, box = await _app(tmp_path, sqlite_url, clock,
                          staff_profiles={"console:staff2": {"name": "李强"}})
    try:
        res = Console(app, "r1", "王大妈")
        await _question(app, res)
        staff = Console(app, "staff", "小陈")
        await staff.say("/take 1")
        reply = await staff.text("/transfer 1 console:staff2 请跟进")
        assert "李强" in reply and "console:staff2" not in reply
        await app.delivery.drain()
        moved = [t for t in pushed(box, "r1") if "转交" in t]
        # configured name, the department's window (no window of his own)
        assert moved and "民政办 李强（2号窗口）" in moved[0] and "console:" not in moved[0]
    finally:
        await app.close()


async def test_without_a_profile_the_chat_name_is_used_never_blank(app, inboxes):
    res = Console(app, "r1", "王大妈")
    await _question(app, res)
    await Console(app, "staff", "小陈").say("/take 1")
    await app.delivery.drain()
    taken = [t for t in pushed(inboxes, "r1") if "负责" in t]
    assert taken and "小陈" in taken[0] and "工作人员 负责" not in taken[0]


async def test_english_residents_read_the_english_department_name(tmp_path, sqlite_url, clock):
    app, box = await _app(tmp_path, sqlite_url, clock)
    try:
        await Console(app, "staff", "x").say("/profile 王芳 3号窗口")
        res = Console(app, "r1", "Anna", lang="en")
        await res.say("/status")
        await press(app, res, "ho:i:dibao")
        await res.say("when is the allowance paid")
        await Console(app, "staff").say("/take 1")
        await app.delivery.drain()
        assert any("王芳, Civil affairs office (3号窗口)" in t for t in pushed(box, "r1"))
    finally:
        await app.close()


def test_clean_name_drops_bidi_controls():
    assert clean_name(f"张三{RLO}gnp.exe") == "张三gnp.exe"
    assert clean_name("a\u2066b\u2069c\u200fd\x07e") == "abcde"
    assert clean_name("  王   芳 ") == "王 芳"


async def test_a_display_name_with_an_override_reaches_no_staff_screen(app, inboxes):
    res = Console(app, "r1", f"王{RLO}大妈")
    await _question(app, res)
    staff = Console(app, "staff", "小陈")
    for cmd in ("/queue", "/show 1"):
        assert RLO not in await staff.text(cmd)
    assert "王大妈" in await staff.text("/show 1")
    assert "已保存" in await staff.text(f"/profile 小{RLO}陈")
    assert RLO not in text_of(await staff.say("/profile"))
