"""Replays across workers and restarts, plaintext in 安全模式, and a database that cannot
store a callback (issue 8, finding 3).

Plaintext mode's signature covers token, timestamp and nonce, never the body: whoever holds a
fresh signed query string can post any body with it. The (timestamp, nonce) pair is therefore
used up in the database, so a second worker or a restarted one refuses it too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.channels.wechat.crypto import MessageCrypt
from storage.db import Database
from storage.models import InboxUpdate, Resident, WeChatNonce
from tests.wechat.conftest import (
    AES_KEY,
    RESIDENT,
    RESIDENT_2,
    TOKEN,
    start_wechat,
    wechat_settings,
)
from tests.wechat.fake_wechat import APP_ID


async def _residents(wx) -> set[str]:  # type: ignore[no-untyped-def]
    async with wx.session() as s:
        return set((await s.scalars(select(Resident.user_id))).all())


async def test_a_replay_to_a_second_worker_with_a_forged_body_is_refused(api, tmp_path,
                                                                          db_url, clock):
    settings = wechat_settings(api, tmp_path, db_url)
    async with start_wechat(settings, clock) as first, start_wechat(settings, clock) as second:
        query = first.peer.query()
        genuine = first.peer.xml(first.peer.message(RESIDENT, "text", Content="低保怎么申请"))
        status, answer = await first.peer.post(genuine, query)
        assert status == 200 and "最低生活保障" in answer
        before = await second.count(InboxUpdate)

        # the same signed query string, captured, now naming another person
        forged = second.peer.xml(second.peer.message(RESIDENT_2, "text", Content="/status"))
        status, text = await second.peer.post(forged, query)
        assert status == 403 and "replayed" in text
        assert await second.count(InboxUpdate) == before
        assert RESIDENT_2 not in await _residents(second)

        # the second worker answers fresh callbacks as usual
        assert "最低生活保障" in await second.say(RESIDENT_2, "低保怎么申请")


async def test_a_replay_after_a_restart_is_refused(api, tmp_path, sqlite_url, clock):
    settings = wechat_settings(api, tmp_path, sqlite_url)
    async with start_wechat(settings, clock) as wx:
        query = wx.peer.query()
        status, _ = await wx.peer.post(
            wx.peer.xml(wx.peer.message(RESIDENT, "text", Content="低保怎么申请")), query)
        assert status == 200
    async with start_wechat(settings, clock) as restarted:
        before = await restarted.count(InboxUpdate)
        forged = restarted.peer.xml(restarted.peer.message(RESIDENT_2, "text", Content="/status"))
        status, text = await restarted.peer.post(forged, query)
        assert status == 403 and "replayed" in text
        assert await restarted.count(InboxUpdate) == before
        assert RESIDENT_2 not in await _residents(restarted)


async def test_the_handshakes_nonce_cannot_carry_a_message(wx):
    query = wx.peer.query(echostr="8812345")
    resp = await wx.client.get("/wechat", params=query)
    assert resp.status == 200
    del query["echostr"]
    forged = wx.peer.xml(wx.peer.message(RESIDENT_2, "text", Content="/status"))
    status, _ = await wx.peer.post(forged, query)
    assert status == 403
    assert await wx.count(InboxUpdate) == 0


async def test_an_ignored_events_nonce_cannot_carry_a_message(wx):
    query = wx.peer.query()
    view = wx.peer.xml(wx.peer.message(RESIDENT, "event", Event="VIEW", EventKey="https://x"))
    assert await wx.peer.post(view, query) == (200, "success")
    forged = wx.peer.xml(wx.peer.message(RESIDENT_2, "text", Content="/status"))
    status, _ = await wx.peer.post(forged, query)
    assert status == 403
    assert await wx.count(InboxUpdate) == 0


async def test_nonces_are_forgotten_once_the_freshness_window_refuses_them(wx):
    await wx.say(RESIDENT, "低保怎么申请")
    assert await wx.count(WeChatNonce) == 1
    async with wx.session() as s:  # a pair whose timestamp the window refuses by now
        s.add(WeChatNonce(timestamp="1", nonce="old",
                          expires_at=datetime.now(UTC) - timedelta(minutes=5)))
    await wx.channel.sweep()
    async with wx.session() as s:
        assert await s.scalar(select(func.count()).select_from(WeChatNonce)
                              .where(WeChatNonce.nonce == "old")) == 0
    assert await wx.count(WeChatNonce) == 1  # the fresh one is kept


async def test_plaintext_is_refused_when_an_encoding_aes_key_is_configured(api, tmp_path,
                                                                           sqlite_url, clock):
    settings = wechat_settings(api, tmp_path, sqlite_url, wechat_encoding_aes_key=AES_KEY)
    crypt = MessageCrypt(TOKEN, AES_KEY, APP_ID)
    async with start_wechat(settings, clock, crypt=crypt) as wx:
        plain = wx.peer.xml(wx.peer.message(RESIDENT, "text", Content="低保怎么申请"))
        for query in (wx.peer.query(), wx.peer.query(encrypt_type="raw")):
            status, text = await wx.peer.post(plain, query)
            assert status == 400 and "plaintext" in text
        assert await wx.count(InboxUpdate) == 0 and await wx.count(Resident) == 0
        assert "最低生活保障" in await wx.say(RESIDENT, "低保怎么申请")  # encrypted: answered


async def test_a_message_the_database_cannot_store_is_not_acknowledged(wx):
    """WeChat retries a 5xx (not "success"); the retry, once the database is back, is
    answered — nothing was lost and nothing was used up."""
    query = wx.peer.query()
    body = wx.peer.xml(wx.peer.message(RESIDENT, "text", Content="低保怎么申请"))
    real = wx.app.services.db
    refusing = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # connection refused
    wx.app.services.db = refusing
    try:
        status, text = await wx.peer.post(body, query)
        handshake = await wx.client.get("/wechat", params=wx.peer.query(echostr="1"))
    finally:
        wx.app.services.db = real
        await refusing.dispose()
    assert status == 503 and text != "success"
    assert handshake.status == 503
    assert await wx.count(InboxUpdate) == 0 and await wx.count(WeChatNonce) == 0
    status, answer = await wx.peer.post(body, query)  # WeChat's retry
    assert status == 200 and "最低生活保障" in answer


async def test_a_nonce_with_control_characters_is_refused(wx):
    body = wx.peer.xml(wx.peer.message(RESIDENT, "text", Content="低保怎么申请"))
    status, _ = await wx.peer.post(body, wx.peer.query(nonce="12\x0034"))
    assert status == 400
    assert await wx.count(InboxUpdate) == 0 and await wx.count(WeChatNonce) == 0
