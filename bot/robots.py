"""Work-group robots (企业微信 / 钉钉 group webhooks): supervisor alerts (一事一报: fee and
corruption complaints, overdue matters, bad ratings) and the daily digest also go to the
work groups where staff and supervisors live, as configured in `work_robots`
(bot.notice_config): a robot without departments is for supervisors (every alert and the
digest); one with departments gets the alerts about those departments' matters — never an
integrity complaint (廉政), which may concern the very people in that group.

Everything goes through the outbox (channel "robot", the robot's name as recipient), in the
transaction of the alert, so nothing is lost or sent twice; `RobotSender` posts it:

    企业微信  POST <url>  {"msgtype": "text", "text": {"content": …}}  (≤ 2,048 bytes)
    钉钉      POST <url>&timestamp=<ms>&sign=<base64 HMAC-SHA256 of "ts\\nsecret">  (≤ 20,000)

Each robot takes 20 messages a minute: past that the notice waits (only that robot's; the
worker carries on with everyone else), as it does on the robot's own "too fast" answer
(45009 / 130101). The count is the deployment's, not the process's: turns are taken from a
row in the database (storage.ratelimit.take_turn) that every worker shares.
A wrong key, signature or keyword (93000, 310000, 300001 …) cannot be
retried away: the notice fails and the error is logged for the admin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import PermanentFailure, RetryLater
from bot.services import Services
from bot.textsplit import plain_text
from domain.messages import Reply
from storage import outbox, ratelimit
from storage.db import Database

log = logging.getLogger(__name__)

CHANNEL = "robot"
PER_MINUTE = 20
LIMITS = {"wecom": 2048, "dingtalk": 20000}  # bytes of one text message
TOO_FAST = {45009, 130101, 130102}  # 企业微信 / 钉钉: over the rate limit
BUSY = {-1}
TIMEOUT = aiohttp.ClientTimeout(total=10)


def robots_for(robots: dict[str, dict[str, Any]], *, for_digest: bool = False,
               department: str | None = None, sensitive: bool = False) -> list[str]:
    """The robots that get this alert (or the digest)."""
    def concerned(spec: dict[str, Any]) -> bool:
        if spec["supervisors"]:
            return True
        return not (for_digest or sensitive) and bool(department) \
            and department in spec["departments"]

    return [name for name, spec in robots.items() if concerned(spec)]


async def alert(session: AsyncSession, services: Services, template: str, *, kind: str,
                now: datetime, dedupe_key: str, matter_id: int | None = None,
                department: str | None = None, sensitive: bool = False,
                for_digest: bool = False, **kw: Any) -> int:
    """Queue `template` (in the default language, as staff read it) for every robot this
    alert concerns; returns how many were queued (a dedupe key already used queues none)."""
    robots = services.settings.work_robots
    if not robots:
        return 0
    lang = services.settings.default_language
    kw.setdefault("center", services.kb.center)
    text = services.renderer.render(lang, template, channel=CHANNEL, sensitive=sensitive, **kw)
    queued = 0
    for name in robots_for(robots, for_digest=for_digest, department=department,
                           sensitive=sensitive):
        queued += await outbox.enqueue(session, channel=CHANNEL, user_id=name,
                                       replies=[Reply(text)], kind=kind, now=now,
                                       dedupe_key=f"{dedupe_key}:robot:{name}"[:160],
                                       matter_id=matter_id)
    return queued


def signed_url(url: str, secret: str, now_ms: int) -> str:
    """钉钉's signed webhook URL: timestamp (ms) and the URL-encoded base64 HMAC-SHA256 of
    "timestamp\\nsecret" keyed by the secret (valid for an hour)."""
    digest = hmac.new(secret.encode(), f"{now_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={sign}"


class RobotSender:
    """The outbox `Sender` for channel "robot": posts a notice's text to the named robot."""

    def __init__(self, robots: dict[str, dict[str, Any]], *, db: Database,
                 clock: Callable[[], datetime], wall_ms: Callable[[], int] | None = None,
                 per_minute: int = PER_MINUTE) -> None:
        self.robots = robots
        self.db = db  # where the turns of every worker are counted
        self.per_minute = per_minute
        self.clock = clock  # the app's clock: the 20-a-minute window
        self.wall_ms = wall_ms or (lambda: int(time.time() * 1000))  # 钉钉's signature
        self._http: aiohttp.ClientSession | None = None

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        spec = self.robots.get(user_id)
        if spec is None:
            raise PermanentFailure(f"no robot named {user_id!r} in work_robots")
        # (imported here: the WeChat package imports the app, which imports this module)
        from bot.channels.wechat.render import split_text

        text = "\n\n".join(plain_text(r.text).strip() for r in replies if r.text)
        for part in split_text(text, LIMITS[spec["kind"]]):
            await self._take_turn(user_id)
            await self._post(user_id, spec, {"msgtype": "text", "text": {"content": part}})

    async def _take_turn(self, name: str) -> None:
        """One of the robot's 20 a minute, across all workers, or wait (this robot only)."""
        async with self.db.transaction() as session:
            wait = await ratelimit.take_turn(session, key=f"{CHANNEL}:{name}",
                                             per_window=self.per_minute, window=60.0,
                                             now=self.clock().timestamp())
        if wait > 0:
            raise RetryLater(f"robot {name}: {self.per_minute} messages a minute", max(wait, 1.0),
                             hold_all=False)

    async def _post(self, name: str, spec: dict[str, Any], payload: dict[str, Any]) -> None:
        url = spec["url"].get_secret_value()
        if spec["kind"] == "dingtalk" and spec.get("secret"):
            url = signed_url(url, spec["secret"].get_secret_value(), self.wall_ms())
        if self._http is None:
            self._http = aiohttp.ClientSession()
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            async with self._http.post(url, data=body, timeout=TIMEOUT, headers={
                    "Content-Type": "application/json; charset=utf-8"}) as resp:
                if resp.status >= 500:
                    raise RetryLater(f"robot {name}: HTTP {resp.status}")
                if resp.status != 200:
                    raise PermanentFailure(f"robot {name}: HTTP {resp.status}")
                data = json.loads(await resp.read() or b"{}")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise RetryLater(f"robot {name}: {type(exc).__name__}") from exc
        except ValueError as exc:
            raise RetryLater(f"robot {name}: the answer is not JSON") from exc
        code = int(data.get("errcode") or 0) if isinstance(data, dict) else -1
        if code == 0:
            return
        error = f"robot {name} ({spec['kind']}): error {code} {data.get('errmsg', '')}"
        if code in TOO_FAST:
            raise RetryLater(error, 60.0, hold_all=False)
        if code in BUSY:
            raise RetryLater(error)
        log.error("%s: check work_robots.%s (url, key, secret, keywords, IP whitelist)",
                  error, name)
        raise PermanentFailure(error)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
