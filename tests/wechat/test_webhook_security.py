"""The webhook refuses what is not WeChat's, fresh and well-formed: one test per rejection
path, each a clean 4xx with nothing written to the database."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from storage.models import FileLink, InboxUpdate, NumberedOptions, Outbox, Resident
from tests.wechat.conftest import RESIDENT, TOKEN

TABLES = (InboxUpdate, Resident, NumberedOptions, FileLink)


async def written(wx) -> list[int]:  # type: ignore[no-untyped-def]
    """Rows of what a WeChat message could write (the scheduler's digest aside)."""
    async with wx.session() as s:
        pushes = await s.scalar(select(func.count()).select_from(Outbox)
                                .where(Outbox.channel == "wechat"))
    return [await wx.count(model) for model in TABLES] + [pushes or 0]


async def nothing_written(wx) -> bool:  # type: ignore[no-untyped-def]
    return not any(await written(wx))


def text_message(wx, content: str = "低保怎么申请") -> str:  # type: ignore[no-untyped-def]
    return wx.peer.xml(wx.peer.message(RESIDENT, "text", Content=content))


async def test_handshake_echoes_echostr(wx):
    resp = await wx.client.get("/wechat", params=wx.peer.query(echostr="8812345"))
    assert resp.status == 200 and await resp.text() == "8812345"
    assert await nothing_written(wx)


async def test_handshake_with_a_bad_signature_is_refused(wx):
    resp = await wx.client.get("/wechat", params=wx.peer.query(token="not-our-token",
                                                               echostr="8812345"))
    assert resp.status == 403 and "8812345" not in await resp.text()


async def test_message_with_a_bad_signature_is_refused(wx):
    status, _ = await wx.peer.post(text_message(wx), wx.peer.query(token="not-our-token"))
    assert status == 403
    assert await nothing_written(wx)


async def test_message_without_a_signature_is_refused(wx):
    query = wx.peer.query()
    del query["signature"]
    status, _ = await wx.peer.post(text_message(wx), query)
    assert status == 400
    assert await nothing_written(wx)


@pytest.mark.parametrize("age", [400, -400])  # too old, or from too far in the future
async def test_message_with_a_stale_timestamp_is_refused(wx, age):
    status, text = await wx.peer.post(text_message(wx),
                                      wx.peer.query(timestamp=str(int(time.time()) - age)))
    assert status == 403 and "stale" in text
    assert await nothing_written(wx)


async def test_message_with_a_non_numeric_timestamp_is_refused(wx):
    status, _ = await wx.peer.post(text_message(wx), wx.peer.query(timestamp="yesterday"))
    assert status == 400
    assert await nothing_written(wx)


async def test_replayed_request_is_refused_and_changes_nothing(wx):
    query, body = wx.peer.query(), text_message(wx)
    status, first = await wx.peer.post(body, query)
    assert status == 200 and "最低生活保障" in first
    before = await written(wx)
    status, text = await wx.peer.post(body, query)  # the same signed request, captured and sent again
    assert status == 403 and "replayed" in text
    assert await written(wx) == before


@pytest.mark.parametrize("chunked", [False, True])  # with a Content-Length, and streamed without
async def test_oversized_body_is_refused(wx, chunked):
    body = text_message(wx, "低" * 30_000).encode()  # ~90 KiB, over the 64 KiB cap
    if chunked:
        async def stream():  # type: ignore[no-untyped-def]
            for i in range(0, len(body), 8192):
                yield body[i:i + 8192]
        resp = await wx.client.post("/wechat", params=wx.peer.query(), data=stream())
        status = resp.status
    else:
        status, _ = await wx.peer.post(body)
    assert status == 413
    assert await nothing_written(wx)


@pytest.mark.parametrize("body", [
    # billion laughs
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>oX</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&lol2;</Content><MsgId>1</MsgId></xml>",
    # external entity (XXE)
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>oX</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>",
    # a bare DOCTYPE
    '<!DOCTYPE xml><xml><ToUserName>gh</ToUserName><FromUserName>oX</FromUserName>'
    "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>3</MsgId></xml>",
], ids=["billion-laughs", "external-entity", "doctype"])
async def test_doctype_and_entities_are_refused(wx, body):
    status, _ = await wx.peer.post(body)
    assert status == 400
    assert await nothing_written(wx)


@pytest.mark.parametrize("body", ["<xml><ToUserName>gh</ToUserName>", "not xml at all", "",
                                  "<html><body>hi</body></html>"])
async def test_malformed_xml_is_refused(wx, body):
    status, _ = await wx.peer.post(body)
    assert status == 400
    assert await nothing_written(wx)


@pytest.mark.parametrize("missing", ["ToUserName", "FromUserName", "CreateTime", "MsgType"])
async def test_message_missing_a_field_is_refused(wx, missing):
    fields = wx.peer.message(RESIDENT, "text", Content="低保怎么申请")
    del fields[missing]
    status, text = await wx.peer.post(wx.peer.xml(fields))
    assert status == 400 and missing in text
    assert await nothing_written(wx)


async def test_encrypted_message_without_a_configured_key_is_refused(wx):
    query = wx.peer.query(encrypt_type="aes", msg_signature="0" * 40)
    status, _ = await wx.peer.post("<xml><ToUserName>gh</ToUserName><Encrypt>AAAA</Encrypt></xml>",
                                   query)
    assert status == 400
    assert await nothing_written(wx)


def test_signature_is_wechats():
    """sha1 over the sorted strings, as WeChat's documentation computes it."""
    import hashlib

    from bot.channels.wechat.security import signature, signature_matches

    expected = hashlib.sha1("".join(sorted([TOKEN, "1714000000", "abc"])).encode()).hexdigest()
    assert signature(TOKEN, "1714000000", "abc") == expected
    assert signature_matches(expected, TOKEN, "1714000000", "abc")
    assert not signature_matches(expected[:-1] + "0", TOKEN, "1714000000", "abc")
    assert not signature_matches("不是签名", TOKEN, "1714000000", "abc")
