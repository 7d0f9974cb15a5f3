"""Every way the web chat refuses a request: no cookie, a forged cookie, a page of another
site, oversized or binary frames, malformed or over-long messages, a visitor sending too
fast, another visitor's file, unknown assets. Each is refused politely and changes nothing."""

from __future__ import annotations

import html
import json

import pytest
from aiohttp import WSMsgType
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels.web.render import runs_of
from bot.channels.web.security import COOKIE, RateLimiter, origin_allowed, visitor_id
from bot.channels.web.server import MAX_FRAME
from storage.models import InboxUpdate, Resident, WebMessage
from tests.web.conftest import Visitor, origin


async def _nothing_stored(app) -> None:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        for model in (Resident, WebMessage, InboxUpdate):
            assert await s.scalar(select(func.count()).select_from(model)) == 0, model


async def test_first_visit_sets_an_httponly_cookie_and_a_strict_policy(web_client):
    resp = await web_client.get("/chat/")
    assert resp.status == 200
    cookie = resp.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/chat"
    assert visitor_id(cookie.value) is not None
    policy = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    page = await resp.text()
    assert "http://" not in page.replace('http://www.w3.org', '') and "https://" not in page
    again = await web_client.get("/chat/")
    assert COOKIE not in again.cookies  # the same visitor: no new cookie


async def test_socket_without_cookie_is_refused(app, web_client):
    resp = await web_client.get("/chat/ws", headers={"Origin": origin(web_client),
                                                     "Upgrade": "websocket",
                                                     "Connection": "Upgrade",
                                                     "Sec-WebSocket-Version": "13",
                                                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert resp.status == 401
    await _nothing_stored(app)


async def test_socket_with_a_forged_cookie_is_refused(app, web_client):
    web_client.session.cookie_jar.update_cookies({COOKIE: "not-a-token"},
                                                 response_url=web_client.make_url("/chat/"))
    with pytest.raises(Exception) as caught:
        await web_client.ws_connect("/chat/ws", headers={"Origin": origin(web_client)})
    assert "401" in str(caught.value)
    await _nothing_stored(app)


@pytest.mark.parametrize("bad_origin", ["https://evil.example", "null", None,
                                        "http://127.0.0.1.evil.example"])
async def test_socket_from_another_site_is_refused(app, web_client, bad_origin):
    await web_client.get("/chat/")
    headers = {"Origin": bad_origin} if bad_origin else {}
    with pytest.raises(Exception) as caught:
        await web_client.ws_connect("/chat/ws", headers=headers)
    assert "403" in str(caught.value)
    await _nothing_stored(app)


async def test_an_oversized_frame_closes_the_socket_and_changes_nothing(app, web_client):
    visitor = await Visitor.open(web_client)
    await visitor.ws.send_str(json.dumps({"type": "text", "text": "低" * MAX_FRAME}))
    msg = await visitor.ws.receive(timeout=10)
    assert msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    assert visitor.ws.close_code == 1009  # message too big
    await _nothing_stored(app)


async def test_a_binary_frame_closes_the_socket(app, web_client):
    visitor = await Visitor.open(web_client)
    await visitor.ws.send_bytes(b"\x00\x01")
    msg = await visitor.ws.receive(timeout=10)
    assert msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    await _nothing_stored(app)


@pytest.mark.parametrize("frame", [
    "not json", "[1, 2]", '{"type": "shout", "text": "hi"}', '{"type": "text", "text": 5}',
    '{"type": "text", "text": "   "}', '{"type": "choice", "data": ""}',
    '{"type": "choice", "data": "' + "x" * 65 + '"}',
    '{"type": "choice", "data": "chk:t:x:1", "message": "1; drop"}',
    '{"type": "command", "command": "../etc"}',
    '{"type": "command", "command": "help", "args": 7}',
])
async def test_malformed_messages_get_a_polite_answer_and_change_nothing(app, web_client, frame):
    visitor = await Visitor.open(web_client)
    await visitor.ws.send_str(frame)
    answer = await visitor.next()
    assert answer == {"type": "notice", "text": "这条消息没有看懂，请直接输入您的问题。"}
    await _nothing_stored(app)


async def test_an_over_long_message_is_refused_with_the_limit(app, web_client):
    visitor = await Visitor.open(web_client)
    await visitor.ws.send_json({"type": "text", "text": "低保" * 501})
    answer = await visitor.next()
    assert answer["type"] == "notice" and "1000" in answer["text"]
    await _nothing_stored(app)


async def test_a_visitor_sending_too_fast_is_slowed_down(app, web_client):
    visitor = await Visitor.open(web_client)
    for _ in range(24):
        await visitor.ws.send_json({"type": "text", "text": "/help"})
    notices = answered = 0
    while notices + answered < 24:
        frame = await visitor.next()
        if frame["type"] == "notice":
            assert "太快" in frame["text"]
            notices += 1
        elif any(m["author"] == "bot" for m in frame.get("messages", [])):
            answered += 1
    assert answered == 20 and notices == 4  # the burst, then refused
    async with app.services.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(InboxUpdate)) == 20


async def test_unknown_file_and_asset_are_not_found(web_client):
    await web_client.get("/chat/")
    assert (await web_client.get("/chat/f/" + "A" * 43)).status == 404
    assert (await web_client.get("/chat/f/" + "A" * 200)).status == 404
    assert (await web_client.get("/chat/static/page.html")).status == 404
    assert (await web_client.get("/chat/static/..%2Fchannel.py")).status == 404
    js = await web_client.get("/chat/static/chat.js")
    assert js.status == 200 and "innerHTML" not in await js.text()


async def test_a_file_without_the_cookie_is_not_found(web_client):
    resp = await web_client.get("/chat/f/" + "A" * 43)
    assert resp.status == 404


def test_origin_rule():
    assert origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080")
    assert origin_allowed("https://bot.example.cn", "127.0.0.1:8080", ["https://bot.example.cn/"])
    assert not origin_allowed("https://bot.example.cn.evil.cn", "bot.example.cn")
    assert not origin_allowed("file://", "127.0.0.1:8080")
    assert not origin_allowed("http://127.0.0.1:8080", None)


def test_rate_limiter_refills():
    limiter = RateLimiter(rate=0.5, burst=2)
    assert limiter.allow("a", 0.0) and limiter.allow("a", 0.0)
    assert not limiter.allow("a", 0.1)
    assert limiter.allow("b", 0.1)  # per visitor
    assert limiter.allow("a", 2.2)


@given(st.text(max_size=200))
def test_any_escaped_text_reads_back_as_the_same_plain_text(text):
    # what a person typed reaches a reply escaped by the templates: it must come out as the
    # very same characters, as text (the page puts runs in with textContent)
    runs = runs_of(html.escape(text, quote=False))
    assert "".join(r["text"] for r in runs) == text
    assert all(set(r) <= {"text", "href"} and r.get("href", r["text"]) == r["text"]
               for r in runs)


def test_markup_becomes_styled_runs_and_only_web_links_survive():
    runs = runs_of('<b>材料</b> <a href="javascript:alert(1)">x</a> <a href="https://gov.cn">y</a>'
                   '<script>z</script>')
    assert runs == [{"text": "材料", "b": True}, {"text": " x "},
                    {"text": "y", "href": "https://gov.cn"}, {"text": "z"}]


def test_bare_web_addresses_become_links():
    runs = runs_of("网上办理：https://example.org/a-b?x=1。电话 12345")
    assert runs == [{"text": "网上办理："},
                    {"text": "https://example.org/a-b?x=1", "href": "https://example.org/a-b?x=1"},
                    {"text": "。电话 12345"}]
