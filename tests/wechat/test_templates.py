"""Notices beyond the 48-hour window (issue 11): a customer-service message while the
resident's window is open, the configured template message (模板消息) when it is closed or
WeChat answers 45015, and a clear failed state when the template is refused (40037, 43101)
or none is configured — against the fake WeChat API, each recorded in `Outbox.via`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.notice_config import parse_templates
from bot.settings import SettingsError
from storage.models import Outbox
from tests.factories import Console, Inboxes
from tests.wechat.conftest import PUBLIC_URL, RESIDENT, option, start_wechat, wechat_settings
from tests.wechat.test_pushes import eventually_row

DONE_TEMPLATE = "tpl-done-0001"
RATE_TEMPLATE = "tpl-rate-0001"
TEMPLATES = {
    "matter_done": {"template_id": DONE_TEMPLATE,
                    "data": {"thing1": "item", "character_string2": "number", "time3": "date",
                             "thing4": "title"}},
    "complaint_answer": {"template_id": "tpl-complaint", "data": {"character_string1": "number",
                                                                 "thing2": "title"}},
    "rating_request": {"template_id": RATE_TEMPLATE, "data": {"character_string1": "number",
                                                              "thing2": "remark"}},
}


@pytest.fixture
async def wx_tpl(api, tmp_path, sqlite_url, clock):  # type: ignore[no-untyped-def]
    api.template_ids.update({DONE_TEMPLATE, RATE_TEMPLATE})
    settings = wechat_settings(api, tmp_path, sqlite_url, wechat_templates=TEMPLATES)
    async with start_wechat(settings, clock) as running:
        yield running


async def done_notice(wx, clock, *, days_later: int = 0) -> Console:  # type: ignore[no-untyped-def]
    """Q1 asked on WeChat, taken, and — `days_later` — done by staff at the console."""
    wx.app.attach_sender("console", Inboxes())
    card = await wx.say(RESIDENT, "村口那条路的路灯坏了好几天了谁管")
    assert "Q1" in await wx.say(RESIDENT, option(card, "提交给工作人员"))
    staff = Console(wx.app, "staff", "小陈")
    await staff.say("/take 1")
    clock.advance(days=days_later)
    await staff.say("/done 1 路灯已修好，感谢反映")
    return staff


async def done_row(wx) -> Outbox:  # type: ignore[no-untyped-def]
    return await eventually_row(wx, lambda r: r.kind == "matter_done" and r.status != "pending")


async def test_inside_the_window_the_notice_is_a_customer_service_message(wx_tpl, api, clock):
    await done_notice(wx_tpl, clock)
    assert "路灯已修好" in await api.wait_for(RESIDENT, lambda t: "路灯已修好" in t)
    row = await done_row(wx_tpl)
    assert (row.status, row.via) == ("sent", "custom")
    assert api.templates == {}


async def test_outside_the_window_the_template_goes_and_its_link_opens_the_full_text(
        wx_tpl, api, clock):
    await done_notice(wx_tpl, clock, days_later=3)
    row = await done_row(wx_tpl)
    assert (row.status, row.via) == ("sent", "template")
    assert not any(c.payload and c.payload.get("touser") == RESIDENT and "路灯已修好" in str(c.payload)
                   for c in api.calls_to("/cgi-bin/message/custom/send"))  # not even tried
    done, rating = api.templates[RESIDENT]
    assert done["template_id"] == DONE_TEMPLATE and rating["template_id"] == RATE_TEMPLATE
    assert done["data"]["character_string2"]["value"] == "Q1"
    assert "已办结" in done["data"]["thing4"]["value"]  # the notice's first line
    assert all(len(v["value"]) <= 20 for v in done["data"].values())
    assert done["url"].startswith(PUBLIC_URL + "/wechat/f/")
    page = await wx_tpl.client.get(done["url"].removeprefix(PUBLIC_URL))
    html = await page.text()
    assert page.status == 200 and "路灯已修好" in html and 'name="viewport"' in html
    assert "非常满意" in html  # the rating options, numbered as in the chat
    # replying with the number shown on the page rates the service
    number = option(html.replace("<p>", "\n").replace("</p>", ""), "非常满意")
    thanks = await wx_tpl.say(RESIDENT, number)
    assert "感谢" in thanks or "评价" in thanks


async def test_a_45015_falls_back_to_the_template(wx_tpl, api, clock):
    api.window_closed.add(RESIDENT)  # WeChat knows better than our record of the last message
    await done_notice(wx_tpl, clock)
    row = await done_row(wx_tpl)
    assert (row.status, row.via) == ("sent", "template")
    tried = [c for c in api.calls_to("/cgi-bin/message/custom/send")
             if c.payload and c.payload.get("touser") == RESIDENT]
    assert tried and tried[-1].answer["errcode"] == 45015
    assert api.templates[RESIDENT][0]["template_id"] == DONE_TEMPLATE


async def test_an_invalid_template_id_fails_clearly_for_staff(api, tmp_path, sqlite_url, clock):
    settings = wechat_settings(api, tmp_path, sqlite_url, wechat_templates=TEMPLATES)
    async with start_wechat(settings, clock) as wx:  # DONE_TEMPLATE not added by the account
        staff = await done_notice(wx, clock, days_later=3)
        row = await done_row(wx)
        assert (row.status, row.via) == ("failed", "template")
        assert "40037" in row.last_error and "invalid template id" in row.last_error
        assert "未送达" in await staff.text("/show 1")


async def test_a_refused_template_fails_clearly(wx_tpl, api, clock):
    api.fail_template(43101)
    staff = await done_notice(wx_tpl, clock, days_later=3)
    row = await done_row(wx_tpl)
    assert (row.status, row.via) == ("failed", "template")
    assert "43101" in row.last_error and "refused" in row.last_error
    assert "未送达" in await staff.text("/show 1")


async def test_without_a_template_for_the_notice_it_fails_as_before(wx_tpl, api, clock):
    wx_tpl.app.attach_sender("console", Inboxes())
    card = await wx_tpl.say(RESIDENT, "村口那条路的路灯坏了好几天了谁管")
    await wx_tpl.say(RESIDENT, option(card, "提交给工作人员"))
    staff = Console(wx_tpl.app, "staff", "小陈")
    await staff.say("/take 1")
    clock.advance(days=3)
    await staff.say("/reply 1 请带户口簿来")  # staff_reply: no template configured
    row = await eventually_row(wx_tpl, lambda r: r.kind == "staff_reply" and r.status != "pending")
    assert row.status == "failed" and row.via is None
    assert "45015" in row.last_error and "no template message is configured" in row.last_error
    async with wx_tpl.session() as s:
        assert await s.scalar(select(Outbox).where(Outbox.via == "template")) is None


def test_template_configuration_is_checked():
    with pytest.raises(SettingsError, match="unknown notice"):
        parse_templates({"matter_finished": {"template_id": "x", "data": {"thing1": "item"}}})
    with pytest.raises(SettingsError, match="unknown field"):
        parse_templates({"matter_done": {"template_id": "x", "data": {"thing1": "itme"}}})
    with pytest.raises(SettingsError, match="template_id"):
        parse_templates({"matter_done": {"data": {"thing1": "item"}}})
    parsed = parse_templates('{"case_receipt": {"template_id": "t", "data": {"thing1": "item"}}}')
    assert parsed["case_receipt"]["template_id"] == "t"


async def test_the_window_and_the_ticks_on_both_databases(api, tmp_path, db_url, clock):
    """The 48-hour record (last_messages) and the choice it drives, on SQLite and PostgreSQL."""
    api.template_ids.add(DONE_TEMPLATE)
    settings = wechat_settings(api, tmp_path, db_url, wechat_templates=TEMPLATES)
    async with start_wechat(settings, clock) as wx:
        await done_notice(wx, clock, days_later=3)
        row = await done_row(wx)
        assert (row.status, row.via) == ("sent", "template")
        await wx.say(RESIDENT, "谢谢")  # writing again opens the window anew
        staff = Console(wx.app, "staff", "小陈")
        await staff.say("/reply 1 不客气")
        assert "不客气" in await api.wait_for(RESIDENT, lambda t: "不客气" in t)


async def test_a_template_notice_queued_before_a_crash_is_sent_once(api, tmp_path, sqlite_url,
                                                                   clock):
    api.template_ids.update({DONE_TEMPLATE, RATE_TEMPLATE})
    settings = wechat_settings(api, tmp_path, sqlite_url, wechat_templates=TEMPLATES)
    async with start_wechat(settings, clock, deliver=False) as wx:  # dies before delivering
        await done_notice(wx, clock, days_later=3)
        async with wx.session() as s:
            row = await s.scalar(select(Outbox).where(Outbox.kind == "matter_done"))
            assert row.status == "pending"
    assert api.templates == {}
    for _ in range(2):  # the next start sends it; the one after has nothing left to send
        async with start_wechat(settings, clock) as wx:
            row = await done_row(wx)
            assert (row.status, row.via) == ("sent", "template")
            await wx.app.delivery.drain()
    assert [t["template_id"] for t in api.templates[RESIDENT]] == [DONE_TEMPLATE, RATE_TEMPLATE]
