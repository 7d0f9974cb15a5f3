"""The WeChat API client (access token, customer-service messages) and the outbox sender.

The access token from `/cgi-bin/token` is cached until shortly before it expires and fetched
again when WeChat says it is invalid or expired (40001, 40014, 42001) — once per call, so
a wrong secret does not loop. `/cgi-bin/token` hands out a new token each time and the old
one stays valid for a few minutes only: given a `shared` token (bot/tokens.py, kept in the
database) all workers use one, renewed by one of them.

Customer-service messages (`/cgi-bin/message/custom/send`) only reach a person within 48
hours of their last message to the account: past that WeChat answers 45015, which no retry
fixes. So the outbox sender chooses per notice (`send_notice`): a customer-service message
while the window is open (the person's last message is recorded as it arrives), a template
message (`/cgi-bin/message/template/send`, bot.channels.wechat.templates) when it is closed
or WeChat answers 45015 — if one is configured for that kind of notice; if not, the notice
fails visibly for staff (📵 in /show). Which way it went is recorded (`Outbox.via`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bot.delivery import PermanentFailure, RecipientBlocked, RetryLater
from bot.tokens import SharedToken
from domain.messages import Reply
from storage.models import Outbox

log = logging.getLogger(__name__)

TOKEN_EXPIRED = {40001, 40014, 42001}  # invalid credential, invalid token, token expired
UNREACHABLE = {43004, 43019}  # the person unsubscribed / is on the account's blocklist
OUTSIDE_WINDOW = 45015  # no message from the person in the last 48 hours
TRY_LATER = {-1, 45009, 45011, 45047}  # busy, quota, frequency, too many unanswered messages
BAD_TEMPLATE = 40037  # invalid template id
REFUSED_TEMPLATE = 43101  # the person refused this account's template / subscription messages
EXPIRY_MARGIN = 300.0  # seconds: a token is renewed this long before WeChat's expiry
TIMEOUT = aiohttp.ClientTimeout(total=10)


class ApiError(Exception):
    """WeChat answered with an error code."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class ApiUnavailable(Exception):
    """WeChat could not be reached, or answered with a server error."""


class WeChatApi:
    """One Official Account's API: `base` is https://api.weixin.qq.com (a fake in tests)."""

    def __init__(self, session: aiohttp.ClientSession, *, base: str, app_id: str,
                 app_secret: str, clock: Callable[[], float] = time.monotonic,
                 shared: SharedToken | None = None) -> None:
        self.session = session
        self.base = base.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.shared = shared

    async def _fetch_token(self) -> tuple[str, float]:
        data = await self._request("GET", "/cgi-bin/token", params={
            "grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret})
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ApiUnavailable("no access_token in WeChat's answer")
        return token, float(data.get("expires_in") or 7200)

    async def access_token(self) -> str:
        """The cached token, or a new one (one fetch at a time)."""
        if self.shared is not None:
            return await self.shared.get(self._fetch_token)
        async with self._lock:
            if self._token is None or self.clock() >= self._expires:
                data = await self._request("GET", "/cgi-bin/token", params={
                    "grant_type": "client_credential", "appid": self.app_id,
                    "secret": self.app_secret})
                token = data.get("access_token")
                if not isinstance(token, str) or not token:
                    raise ApiUnavailable("no access_token in WeChat's answer")
                expires_in = float(data.get("expires_in") or 7200)
                self._token = token
                self._expires = self.clock() + max(60.0, expires_in - EXPIRY_MARGIN)
            return self._token

    def forget_token(self, token: str) -> None:
        if self.shared is not None:
            self.shared.rejected(token)
        if self._token == token:
            self._token = None

    async def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON call with the access token; a token WeChat rejects is renewed once."""
        for attempt in (1, 2):
            token = await self.access_token()
            try:
                return await self._request("POST", path, params={"access_token": token},
                                           payload=payload)
            except ApiError as exc:
                if exc.errcode not in TOKEN_EXPIRED or attempt == 2:
                    raise
                log.info("WeChat access token rejected (%s); fetching a new one", exc.errcode)
                self.forget_token(token)
        raise AssertionError("unreachable")  # pragma: no cover

    async def send_text(self, openid: str, content: str) -> None:
        await self.call("/cgi-bin/message/custom/send",
                        {"touser": openid, "msgtype": "text", "text": {"content": content}})

    async def send_template(self, openid: str, template_id: str, url: str | None,
                            data: dict[str, dict[str, str]]) -> None:
        payload: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": data}
        if url:
            payload["url"] = url
        await self.call("/cgi-bin/message/template/send", payload)

    async def _request(self, method: str, path: str, *, params: dict[str, str],
                       payload: dict[str, Any] | None = None) -> dict[str, Any]:
        # WeChat shows \\uXXXX escapes literally: the JSON must be UTF-8 as it is
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if body else None
        try:
            async with self.session.request(method, self.base + path, params=params, data=body,
                                            headers=headers, timeout=TIMEOUT) as resp:
                if resp.status >= 500:
                    raise ApiUnavailable(f"WeChat answered HTTP {resp.status}")
                if resp.status != 200:
                    raise ApiError(-resp.status, f"HTTP {resp.status}")
                data = json.loads(await resp.read() or b"{}")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise ApiUnavailable(f"{type(exc).__name__}: {exc}") from exc
        except ValueError as exc:
            raise ApiUnavailable("WeChat's answer is not JSON") from exc
        if not isinstance(data, dict):
            raise ApiUnavailable("WeChat's answer is not an object")
        errcode = int(data.get("errcode") or 0)
        if errcode:
            raise ApiError(errcode, str(data.get("errmsg", "")))
        return data


Prepare = Callable[[str, list[Reply]], Awaitable[list[str]]]
Window = Callable[[str], Awaitable[bool | None]]  # open? (None: not known)
Template = Callable[[Outbox, list[Reply], dict[str, Any]], Awaitable[tuple[str | None, dict]]]


class WeChatSender:
    """The outbox `Sender` for WeChat: replies rendered to text (numbered options kept, files
    linked) by `prepare`, sent as customer-service messages — or, outside the 48-hour
    window, as the template message configured for the notice's kind (`templates`, with
    `window` telling whether it is open and `template` making the link and the fields);
    WeChat's answers become delivery outcomes."""

    def __init__(self, api: WeChatApi, prepare: Prepare, *,
                 templates: dict[str, dict[str, Any]] | None = None,
                 window: Window | None = None, template: Template | None = None) -> None:
        self.api = api
        self.prepare = prepare
        self.templates = templates or {}
        self.window = window
        self.template = template

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        try:
            await self._custom(user_id, replies)
        except ApiUnavailable as exc:
            raise RetryLater(str(exc)) from exc
        except ApiError as exc:
            raise _outcome(exc) from exc

    async def send_notice(self, row: Outbox, replies: list[Reply]) -> str:
        """Customer-service message while the window is open, else the template message;
        returns which ("custom" / "template")."""
        if self.window is None or await self.window(row.user_id) is not False:
            try:
                await self._custom(row.user_id, replies)
                return "custom"
            except ApiUnavailable as exc:
                raise RetryLater(str(exc)) from exc
            except ApiError as exc:
                if exc.errcode != OUTSIDE_WINDOW or self.template is None:
                    raise _outcome(exc) from exc
                log.info("notice %s: window closed (45015), trying a template message", row.id)
        return await self._template(row, replies)

    async def _custom(self, user_id: str, replies: list[Reply]) -> None:
        for part in await self.prepare(user_id, replies):
            await self.api.send_text(user_id, part)

    async def _template(self, row: Outbox, replies: list[Reply]) -> str:
        spec = self.templates.get(row.kind)
        if spec is None or self.template is None:
            raise PermanentFailure(f"WeChat error {OUTSIDE_WINDOW}: more than 48 hours since the "
                                   f"person last wrote, and no template message is configured "
                                   f"for {row.kind} notices (wechat_templates)")
        url, data = await self.template(row, replies, spec)
        await self._send_template(row, spec, url, data)
        rating = self.templates.get("rating_request")
        if rating is not None and any(b.data.startswith("rate:") for r in replies
                                      for line in r.buttons for b in line):
            # the completion notice asked for a rating: its own template says so
            try:
                url, data = await self.template(row, replies, rating)
                await self._send_template(row, rating, url, data)
            except Exception as exc:  # the notice itself went out: do not send it again
                log.warning("rating request of notice %s not sent: %s", row.id, exc)
        return "template"

    async def _send_template(self, row: Outbox, spec: dict[str, Any], url: str | None,
                             data: dict[str, dict[str, str]]) -> None:
        try:
            await self.api.send_template(row.user_id, spec["template_id"], url, data)
        except ApiUnavailable as exc:
            raise _via(RetryLater(str(exc))) from exc
        except ApiError as exc:
            raise _via(_template_outcome(exc, row.kind)) from exc


def _via(exc: Exception) -> Exception:
    exc.via = "template"  # type: ignore[attr-defined]
    return exc


def _template_outcome(exc: ApiError, kind: str) -> Exception:
    if exc.errcode == BAD_TEMPLATE:
        log.error("WeChat refuses the template id of %s notices (40037): check "
                  "wechat_templates.%s.template_id", kind, kind)
        return PermanentFailure(f"{exc} (invalid template id of {kind} notices)")
    if exc.errcode == REFUSED_TEMPLATE:
        return PermanentFailure(f"{exc} (the person refused this account's template messages)")
    return _outcome(exc)


def _outcome(exc: ApiError) -> Exception:
    code = exc.errcode
    if code in UNREACHABLE:
        return RecipientBlocked(str(exc))
    if code == OUTSIDE_WINDOW:
        return PermanentFailure(f"{exc} (more than 48 hours since the person last wrote)")
    if code in TRY_LATER or code in TOKEN_EXPIRED:
        return RetryLater(str(exc))
    if code in (40013, 40125, 40164, 41002, 41004):  # app id, secret, IP whitelist: config
        log.error("WeChat refuses our credentials (%s): check wechat_app_id / "
                  "wechat_app_secret and the IP whitelist", code)
        return RetryLater(str(exc))
    return PermanentFailure(str(exc))
