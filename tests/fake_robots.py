"""Fake work-group robot servers (企业微信 group robot, 钉钉 custom robot): aiohttp on 127.0.0.1.

    async with FakeRobots() as robots:        # robots.wecom_url("KEY"), robots.dingtalk_url("TOK")
        text = await robots.wait_for("KEY", lambda t: "一事一报" in t)

企业微信: `POST /cgi-bin/webhook/send?key=KEY` — an unknown key answers 93000.
钉钉: `POST /robot/send?access_token=TOK&timestamp=MS&sign=S` — the signature is checked with
the robot's secret (HMAC-SHA256 of "timestamp\\nsecret", base64, URL-encoded) and the
timestamp must be within an hour, else 310000. Both take 20 messages a minute per robot and
answer more with their "too fast" codes (45009 / 130101), as the real ones do; `fail(code)`
injects an answer. Messages received are kept per robot (key or access token).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class FakeRobots:
    wecom_keys: set[str] = field(default_factory=set)
    dingtalk_secrets: dict[str, str] = field(default_factory=dict)  # access token → secret
    received: dict[str, list[str]] = field(default_factory=dict)
    answers: list[tuple[str, int]] = field(default_factory=list)  # (robot, errcode) per call
    per_minute: int = 20
    clock: Callable[[], float] = time.time  # 钉钉's signature: the real time
    rate_clock: Callable[[], float] = time.time  # the 20 a minute (the test's clock, if set)
    _failures: list[int] = field(default_factory=list)
    _times: dict[str, list[float]] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def __aenter__(self) -> FakeRobots:
        app = web.Application()
        app.router.add_post("/cgi-bin/webhook/send", self._wecom)
        app.router.add_post("/robot/send", self._dingtalk)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def wecom_url(self, key: str) -> str:
        self.wecom_keys.add(key)
        return f"{self.base_url}/cgi-bin/webhook/send?key={key}"

    def dingtalk_url(self, token: str, secret: str) -> str:
        self.dingtalk_secrets[token] = secret
        return f"{self.base_url}/robot/send?access_token={token}"

    def fail(self, errcode: int, *, times: int = 1) -> None:
        self._failures.extend([errcode] * times)

    def texts(self, robot: str) -> list[str]:
        return list(self.received.get(robot, []))

    async def wait_for(self, robot: str, predicate: Callable[[str], bool] = lambda _: True,
                       *, within: float = 10.0) -> str:
        async with asyncio.timeout(within):
            while True:
                for text in self.texts(robot):
                    if predicate(text):
                        return text
                self._changed.clear()
                await self._changed.wait()

    def _answer(self, robot: str, code: int, msg: str = "ok") -> web.Response:
        self.answers.append((robot, code))
        self._changed.set()
        return web.json_response({"errcode": code, "errmsg": msg})

    async def _take(self, robot: str, payload: dict[str, Any], too_fast: int) -> web.Response:
        if self._failures:
            return self._answer(robot, self._failures.pop(0), "injected")
        now = self.rate_clock()
        recent = [t for t in self._times.get(robot, []) if t > now - 60]
        if len(recent) >= self.per_minute:
            return self._answer(robot, too_fast, "send too fast")
        self._times[robot] = [*recent, now]
        if payload.get("msgtype") != "text" or not payload.get("text", {}).get("content"):
            return self._answer(robot, 40008, "invalid message type")
        self.received.setdefault(robot, []).append(payload["text"]["content"])
        return self._answer(robot, 0)

    async def _wecom(self, request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        payload = json.loads(await request.read())
        if key not in self.wecom_keys:
            return self._answer(key, 93000, "invalid webhook url")
        if len(payload.get("text", {}).get("content", "").encode()) > 2048:
            return self._answer(key, 40058, "content exceeds max length")
        return await self._take(key, payload, 45009)

    async def _dingtalk(self, request: web.Request) -> web.Response:
        q = request.query
        token = q.get("access_token", "")
        payload = json.loads(await request.read())
        secret = self.dingtalk_secrets.get(token)
        if secret is None:
            return self._answer(token, 300001, "token is not exist")
        stamp = q.get("timestamp", "")
        expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(),
                                             hashlib.sha256).digest()).decode()
        fresh = stamp.isdigit() and abs(self.clock() * 1000 - int(stamp)) < 3_600_000
        if not fresh or not hmac.compare_digest(q.get("sign", ""), expected):
            return self._answer(token, 310000, "sign not match")
        return await self._take(token, payload, 130101)
