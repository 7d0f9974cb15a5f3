"""WeChat fixtures: the webhook app from its real factory behind aiohttp's test server,
WeChat's side simulated (signed callbacks for residents), and a fake WeChat API server for
the customer-service pushes.

    async def test_something(wx, api):          # SQLite
        card = await wx.say(RESIDENT, "低保怎么申请")   # the passive reply's text
        pushed = await api.wait_for(RESIDENT)       # a customer-service message

`wx_any_db` is the same on SQLite and PostgreSQL. `start_wechat(settings, clock)` starts
another app (e.g. after a restart) on the same database.
"""

from __future__ import annotations

import contextlib
import itertools
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from defusedxml.ElementTree import fromstring
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.channels.wechat.channel import REPLY_BUDGET, WeChatChannel
from bot.channels.wechat.crypto import MessageCrypt
from bot.channels.wechat.security import signature
from bot.channels.wechat.server import CHANNEL_KEY, create_wechat_app
from bot.settings import Settings
from tests.factories import Clock, make_app, make_settings
from tests.wechat.fake_wechat import APP_ID, APP_SECRET, FakeWeChat

TOKEN = "wx-test-token"
ACCOUNT = "gh_test_account"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, like EncodingAESKey
PUBLIC_URL = "https://bot.example.cn"
RESIDENT = "oRESIDENT_0000000000000001"
RESIDENT_2 = "oRESIDENT_0000000000000002"
STAFF = "oSTAFF_00000000000000000001"
# unique across restarts in a test, as WeChat's are
_MSG_IDS = itertools.count(24_000_000_000_000_001)
_CREATED = itertools.count(int(time.time()))


class WeChatPeer:
    """WeChat's servers as the bot sees them: signed callbacks on behalf of residents."""

    def __init__(self, client: TestClient, *, token: str = TOKEN,
                 crypt: MessageCrypt | None = None) -> None:
        self.client = client
        self.token = token
        self.crypt = crypt

    def query(self, *, timestamp: str | None = None, nonce: str | None = None,
              token: str | None = None, **extra: str) -> dict[str, str]:
        ts = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(8)
        sig = signature(token or self.token, ts, nonce)
        return {"signature": sig, "timestamp": ts, "nonce": nonce, **extra}

    @staticmethod
    def xml(fields: dict[str, Any]) -> str:
        inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" if isinstance(v, str) else f"<{k}>{v}</{k}>"
                        for k, v in fields.items())
        return f"<xml>{inner}</xml>"

    def message(self, openid: str, msg_type: str, **fields: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"ToUserName": ACCOUNT, "FromUserName": openid,
                               "CreateTime": next(_CREATED), "MsgType": msg_type}
        if msg_type != "event":
            out["MsgId"] = next(_MSG_IDS)
        out.update(fields)
        return out

    async def post(self, body: str | bytes, query: dict[str, str] | None = None,
                   ) -> tuple[int, str]:
        resp = await self.client.post("/wechat", params=query or self.query(),
                                      data=body if isinstance(body, bytes) else body.encode())
        return resp.status, await resp.text()

    async def deliver(self, fields: dict[str, Any]) -> str | None:
        """Post a message as WeChat would; the passive reply's text, or None for "success"."""
        query = self.query()
        body = self.xml(fields)
        if self.crypt is not None:
            encrypted, msg_sig = self.crypt.encrypt(body.encode(), nonce=query["nonce"],
                                                    timestamp=query["timestamp"])
            query.update(encrypt_type="aes", msg_signature=msg_sig)
            body = self.xml({"ToUserName": ACCOUNT, "Encrypt": encrypted})
        status, text = await self.post(body, query)
        assert status == 200, (status, text)
        if text == "success":
            return None
        root = fromstring(text.encode())
        if self.crypt is not None:
            fields_out = {c.tag: c.text or "" for c in root}
            assert signature(self.token, fields_out["TimeStamp"], fields_out["Nonce"],
                             fields_out["Encrypt"]) == fields_out["MsgSignature"]
            root = fromstring(self.crypt.decrypt(
                fields_out["Encrypt"], msg_signature=fields_out["MsgSignature"],
                timestamp=fields_out["TimeStamp"], nonce=fields_out["Nonce"]))
        reply = {c.tag: c.text or "" for c in root}
        assert reply["ToUserName"] == fields["FromUserName"] and reply["MsgType"] == "text"
        assert len(reply["Content"].encode()) <= 2048
        return reply["Content"]

    async def text(self, openid: str, content: str, **extra: Any) -> str | None:
        return await self.deliver(self.message(openid, "text", Content=content, **extra))

    async def event(self, openid: str, event: str, key: str = "") -> str | None:
        return await self.deliver(self.message(openid, "event", Event=event, EventKey=key))


@dataclass
class RunningWeChat:
    app: App
    client: TestClient
    peer: WeChatPeer
    settings: Settings

    @property
    def channel(self) -> WeChatChannel:
        return self.client.server.app[CHANNEL_KEY]

    async def say(self, openid: str, content: str) -> str:
        """A resident's text; the passive reply (which there must be)."""
        reply = await self.peer.text(openid, content)
        assert reply is not None, f"no passive reply to {content!r}"
        return reply

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.app.services.db.transaction() as session:
            yield session

    async def count(self, model: Any) -> int:
        async with self.session() as s:
            return await s.scalar(select(func.count()).select_from(model)) or 0


def wechat_settings(api: FakeWeChat, tmp: Path, db_url: str, **overrides: Any) -> Settings:
    base = dict(wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret=APP_SECRET,
                wechat_api_base=api.base_url, wechat_public_url=PUBLIC_URL,
                staff=["console:staff", f"wechat:{STAFF}"])
    base.update(overrides)
    return make_settings(tmp, db_url, **base)


@contextlib.asynccontextmanager
async def start_wechat(settings: Settings, clock: Clock, *, reply_budget: float = REPLY_BUDGET,
                       crypt: MessageCrypt | None = None,
                       deliver: bool = True) -> AsyncIterator[RunningWeChat]:
    """The webhook app (real factory) on aiohttp's test server; closed on exit.
    `deliver=False`: no outbox worker (a process that dies before sending)."""
    app = await make_app(settings, clock)
    web_app = create_wechat_app(app, migrate=False, reply_budget=reply_budget, deliver=deliver)
    try:
        async with TestClient(TestServer(web_app)) as client:
            yield RunningWeChat(app, client, WeChatPeer(client, crypt=crypt), settings)
    finally:
        await app.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeWeChat]:
    async with FakeWeChat() as server:
        yield server


@pytest.fixture
def wx_settings(api, tmp_path, sqlite_url) -> Settings:  # type: ignore[no-untyped-def]
    return wechat_settings(api, tmp_path, sqlite_url)


@pytest.fixture
async def wx(wx_settings, clock) -> AsyncIterator[RunningWeChat]:  # type: ignore[no-untyped-def]
    async with start_wechat(wx_settings, clock) as running:
        yield running


@pytest.fixture
async def wx_any_db(api, tmp_path, db_url, clock) -> AsyncIterator[RunningWeChat]:  # type: ignore[no-untyped-def]
    """The webhook on SQLite and on PostgreSQL (when reachable)."""
    async with start_wechat(wechat_settings(api, tmp_path, db_url), clock) as running:
        yield running


def option(text: str, label_part: str) -> str:
    """The number of the shown option whose label contains `label_part` ("【3】…" / "[3] …")."""
    import re

    for m in re.finditer(r"^(?:【(\d+)】|\[(\d+)\] )(.*)$", text, re.M):
        if label_part in m.group(3):
            return m.group(1) or m.group(2)
    raise AssertionError(f"no option with {label_part!r} in:\n{text}")


def link_path(text: str) -> str:
    """The path of the first file link in a message (served by the webhook app)."""
    import re

    found = re.search(re.escape(PUBLIC_URL) + r"(/wechat/f/[A-Za-z0-9_-]+)", text)
    assert found, f"no link in:\n{text}"
    return found.group(1)
