"""Pushes to WeChat residents through the customer-service API (a fake WeChat server): a staff
reply reaches the resident; the access token is renewed when WeChat rejects it; outside the
48-hour window a notice fails for good and staff see it; an unsubscribed resident becomes
unreachable; server errors are retried."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from sqlalchemy import select

from bot.channels.wechat.api import ApiError, WeChatApi, WeChatSender, _outcome
from bot.delivery import PermanentFailure, RecipientBlocked, RetryLater
from domain.messages import Reply
from storage.models import Outbox, Resident
from tests.factories import Console, Inboxes
from tests.wechat.conftest import RESIDENT, STAFF, option
from tests.wechat.fake_wechat import APP_ID, APP_SECRET


async def consultation(wx) -> Console:  # type: ignore[no-untyped-def]
    """The resident's question goes to staff (Q1); returns staff at the console."""
    wx.app.attach_sender("console", Inboxes())
    card = await wx.say(RESIDENT, "村口那条路的路灯坏了好几天了谁管")
    receipt = await wx.say(RESIDENT, option(card, "提交给工作人员"))
    assert "Q1" in receipt
    return Console(wx.app, "staff", "小陈")


async def eventually_row(wx, predicate) -> Outbox:  # type: ignore[no-untyped-def]
    """The resident's last outbox row once it satisfies `predicate`."""
    async with asyncio.timeout(10):
        while True:
            async with wx.session() as s:
                row = await s.scalar(select(Outbox).where(Outbox.user_id == RESIDENT)
                                     .order_by(Outbox.id.desc()))
            if row is not None and predicate(row):
                return row
            await asyncio.sleep(0.02)


async def test_a_staff_reply_reaches_the_wechat_resident(wx, api):
    staff = await consultation(wx)
    assert "Q1" in await api.wait_for(STAFF)  # staff on WeChat are told of it too
    assert "Q1" in await wx.say(STAFF, "/queue")
    assert "首问责任人" in await staff.text("/take 1")
    await staff.say("/reply 1 已联系供电所，明天来修")
    reply = await api.wait_for(RESIDENT, lambda t: "明天来修" in t)
    assert "Q1" in reply and "<b>" not in reply


async def test_the_access_token_is_renewed_when_wechat_rejects_it(wx, api):
    staff = await consultation(wx)
    await staff.say("/take 1")
    await api.wait_for(RESIDENT)  # "taken" notice, sent with the first token
    api.expire_token()
    await staff.say("/reply 1 请带户口簿到5号窗口")
    await api.wait_for(RESIDENT, lambda t: "5号窗口" in t)
    assert len(api.calls_to("/cgi-bin/token")) == 2
    rejected = [c for c in api.calls_to("/cgi-bin/message/custom/send")
                if c.answer.get("errcode") == 40001]
    assert len(rejected) == 1  # one refusal, one new token, sent


async def test_outside_the_48_hour_window_a_notice_fails_for_good_and_staff_see_it(wx, api):
    staff = await consultation(wx)
    await staff.say("/take 1")
    await api.wait_for(RESIDENT)
    api.fail(45015, touser=RESIDENT)
    await staff.say("/reply 1 材料已审核通过")
    row = await eventually_row(wx, lambda r: r.status == "failed")
    assert "45015" in (row.last_error or "") and "48 hours" in row.last_error
    assert "未送达" in await staff.text("/show 1")
    async with wx.session() as s:  # not taken for an unsubscribe: still reachable later
        person = await s.scalar(select(Resident).where(Resident.user_id == RESIDENT))
        assert not person.unreachable


async def test_an_unsubscribed_resident_becomes_unreachable(wx, api):
    staff = await consultation(wx)
    api.fail(43004, touser=RESIDENT)
    await staff.say("/take 1")
    await eventually_row(wx, lambda r: r.status == "failed")
    async with wx.session() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == RESIDENT))
        assert person.unreachable
    assert "已屏蔽" in await staff.text("/queue")


async def test_server_errors_are_retried(wx, api, clock):
    staff = await consultation(wx)
    api.fail_http(502, touser=RESIDENT)
    await staff.say("/take 1")
    row = await eventually_row(wx, lambda r: r.last_error is not None)
    assert row.status == "pending" and "502" in row.last_error
    clock.advance(minutes=1)  # the retry is due
    wx.app.delivery.wake()
    assert "Q1" in await api.wait_for(RESIDENT)


@pytest.mark.parametrize(("errcode", "outcome"), [
    (45015, PermanentFailure), (43004, RecipientBlocked), (43019, RecipientBlocked),
    (45047, RetryLater), (-1, RetryLater), (45009, RetryLater), (40003, PermanentFailure),
    (45002, PermanentFailure), (40125, RetryLater),
])
def test_wechat_error_codes_become_delivery_outcomes(errcode, outcome):
    result = _outcome(ApiError(errcode, "x"))
    assert type(result) is outcome


async def test_wechat_out_of_reach_is_retried_later():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with aiohttp.ClientSession() as http:
        api = WeChatApi(http, base=f"http://127.0.0.1:{port}", app_id=APP_ID,
                        app_secret=APP_SECRET)

        async def prepare(user_id: str, replies: list[Reply]) -> list[str]:
            return [r.text for r in replies]

        with pytest.raises(RetryLater):
            await WeChatSender(api, prepare).send(RESIDENT, [Reply("hi")])
