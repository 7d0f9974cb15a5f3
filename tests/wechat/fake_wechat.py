"""A fake WeChat API server for the customer-service pushes: aiohttp on 127.0.0.1.

    async with FakeWeChat() as api:            # settings: wechat_api_base=api.base_url
        ...
        text = await api.wait_for(OPENID, lambda t: "已办结" in t)
        api.fail(45015)                          # the next send answers errcode 45015
        api.expire_token()                       # the token in use now answers 40001

Serves `GET /cgi-bin/token` (checks app id and secret, hands out TOKEN-1, TOKEN-2, …),
`POST /cgi-bin/message/custom/send` (checks the token, records text messages per openid;
answers 45015 to those in `window_closed`, as WeChat does 48 hours after their last message)
and `POST /cgi-bin/message/template/send` (checks the token and the template id against
`template_ids`, records the template messages per openid; `fail_template(errcode)`).
Every request is recorded in `calls`, failed ones too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

APP_ID = "wx-test-app"
APP_SECRET = "test-secret"


@dataclass
class Call:
    path: str
    params: dict[str, str]
    payload: dict[str, Any] | None
    answer: dict[str, Any]


@dataclass
class FakeWeChat:
    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    calls: list[Call] = field(default_factory=list)
    sent: dict[str, list[str]] = field(default_factory=dict)  # openid → texts received
    valid_tokens: set[str] = field(default_factory=set)
    window_closed: set[str] = field(default_factory=set)  # openids silent for 48 hours
    template_ids: set[str] = field(default_factory=set)  # templates the account has added
    templates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # openid → sent
    _template_failures: list[int] = field(default_factory=list)
    _failures: list[tuple[int, str | None]] = field(default_factory=list)
    _http_failures: list[tuple[int, str | None]] = field(default_factory=list)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def __aenter__(self) -> FakeWeChat:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._send)
        app.router.add_post("/cgi-bin/message/template/send", self._send_template)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    # -- failure injection ---------------------------------------------------------------------
    def fail(self, errcode: int, *, times: int = 1, touser: str | None = None) -> None:
        """The next `times` sends (to `touser`, if given) answer with `errcode`."""
        self._failures.extend([(errcode, touser)] * times)

    def fail_http(self, status: int, *, times: int = 1, touser: str | None = None) -> None:
        """The next `times` sends (to `touser`, if given) answer with HTTP `status`."""
        self._http_failures.extend([(status, touser)] * times)

    def fail_template(self, errcode: int, *, times: int = 1) -> None:
        """The next `times` template messages answer with `errcode` (e.g. 43101: refused)."""
        self._template_failures.extend([errcode] * times)

    def expire_token(self) -> None:
        """Tokens handed out so far stop working (WeChat answers 40001)."""
        self.valid_tokens.clear()

    # -- what the bot did ----------------------------------------------------------------------
    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    def texts(self, openid: str) -> list[str]:
        return list(self.sent.get(openid, []))

    async def wait_for(self, openid: str, predicate: Callable[[str], bool] = lambda _: True,
                       *, within: float = 10.0) -> str:
        """The first text pushed to `openid` that satisfies `predicate` (waits for it)."""
        async with asyncio.timeout(within):
            while True:
                for text in self.texts(openid):
                    if predicate(text):
                        return text
                self._changed.clear()
                await self._changed.wait()

    async def wait_for_call(self, path: str, predicate: Callable[[Call], bool],
                            *, within: float = 10.0) -> Call:
        async with asyncio.timeout(within):
            while True:
                for call in self.calls_to(path):
                    if predicate(call):
                        return call
                self._changed.clear()
                await self._changed.wait()

    # -- endpoints -----------------------------------------------------------------------------
    def _record(self, request: web.Request, payload: dict[str, Any] | None,
                answer: dict[str, Any]) -> web.Response:
        self.calls.append(Call(request.path, dict(request.query), payload, answer))
        self._changed.set()
        return web.json_response(answer, dumps=lambda d: json.dumps(d, ensure_ascii=False))

    async def _token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("grant_type") != "client_credential" or q.get("appid") != self.app_id:
            return self._record(request, None, {"errcode": 40013, "errmsg": "invalid appid"})
        if q.get("secret") != self.app_secret:
            return self._record(request, None, {"errcode": 40125, "errmsg": "invalid appsecret"})
        token = f"TOKEN-{next(self._counter)}"
        self.valid_tokens.add(token)
        return self._record(request, None, {"access_token": token, "expires_in": 7200})

    async def _send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        payload = json.loads(raw.decode("utf-8"))
        touser = payload.get("touser")
        for n, (status, who) in enumerate(self._http_failures):
            if who is None or who == touser:
                del self._http_failures[n]
                self.calls.append(Call(request.path, dict(request.query), payload,
                                       {"http": status}))
                self._changed.set()
                return web.Response(status=status, text="server error")
        if request.query.get("access_token") not in self.valid_tokens:
            return self._record(request, payload,
                                {"errcode": 40001, "errmsg": "invalid credential"})
        for n, (errcode, who) in enumerate(self._failures):
            if who is None or who == touser:
                del self._failures[n]
                return self._record(request, payload, {"errcode": errcode, "errmsg": "injected"})
        if touser in self.window_closed:
            return self._record(request, payload, {
                "errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"})
        if payload.get("msgtype") != "text" or "\\u" in raw.decode("utf-8"):
            return self._record(request, payload, {"errcode": 40008, "errmsg": "bad message"})
        self.sent.setdefault(touser, []).append(payload["text"]["content"])
        return self._record(request, payload, {"errcode": 0, "errmsg": "ok"})

    async def _send_template(self, request: web.Request) -> web.Response:
        raw = await request.read()
        payload = json.loads(raw.decode("utf-8"))
        if request.query.get("access_token") not in self.valid_tokens:
            return self._record(request, payload,
                                {"errcode": 40001, "errmsg": "invalid credential"})
        if self._template_failures:
            code = self._template_failures.pop(0)
            return self._record(request, payload, {"errcode": code, "errmsg": "injected"})
        if payload.get("template_id") not in self.template_ids:
            return self._record(request, payload,
                                {"errcode": 40037, "errmsg": "invalid template_id"})
        data = payload.get("data")
        if not isinstance(data, dict) or "\\u" in raw.decode("utf-8") or any(
                not isinstance(v, dict) or len(str(v.get("value", ""))) > 20
                for v in data.values()):
            return self._record(request, payload, {"errcode": 47003, "errmsg": "argument invalid"})
        self.templates.setdefault(payload["touser"], []).append(payload)
        return self._record(request, payload, {"errcode": 0, "errmsg": "ok", "msgid": 1})
