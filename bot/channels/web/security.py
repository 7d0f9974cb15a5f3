"""Who a web visitor is, and what the chat refuses (pure).

A visitor is identified by a long random token in an HttpOnly cookie (no login). The
database never sees the token: the visitor id is a hash of it, so a copy of the database
cannot be used to take over a conversation. The socket is refused unless the page that
opens it comes from this site (Origin) — a cookie alone would let any site's script talk
as the visitor — and each visitor's messages are rate-limited.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import urlsplit

COOKIE = "sb_chat"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def visitor_id(token: str | None) -> str | None:
    """The visitor id for a cookie token; None for a missing or malformed one."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    return hashlib.sha256(token.encode("ascii")).hexdigest()[:40]


def origin_allowed(origin: str | None, host: str | None, allowed: Iterable[str] = ()) -> bool:
    """A socket may be opened by a page of this site (Origin's host = Host), or of one of
    the configured origins (e.g. the public https URL behind a proxy)."""
    if not origin or origin == "null":
        return False
    if origin.rstrip("/") in {a.rstrip("/") for a in allowed}:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and bool(host) and parts.netloc == host


class RateLimiter:
    """Token buckets per key: `burst` messages at once, refilled at `rate` per second.
    Keeps the most recently used `keys` buckets (an idle visitor's bucket is full anyway)."""

    def __init__(self, rate: float, burst: int, keys: int = 50_000) -> None:
        self.rate = rate
        self.burst = burst
        self.keys = keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, now: float) -> bool:
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        ok = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if ok else tokens, now)
        while len(self._buckets) > self.keys:
            self._buckets.popitem(last=False)
        return ok
