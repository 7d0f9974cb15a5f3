"""Is a request really from WeChat, and new? Signature, freshness window, nonce replay cache.

WeChat signs every callback (the GET handshake and each POST) with
`sha1(sorted(token, timestamp, nonce))`; in encrypted mode `msg_signature` also covers the
ciphertext. A signature alone does not expire, so a captured request could be sent again:
the timestamp must be recent and a (timestamp, nonce) pair is accepted once.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from collections.abc import Mapping

FRESHNESS = 300.0  # seconds a request's timestamp may be off from our clock, either way
NONCES_KEPT = 100_000


class Rejected(Exception):
    """A request we refuse; `status` is the HTTP answer, `reason` a short log line."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """WeChat's signature: sha1 of the sorted, concatenated strings (hex)."""
    joined = "".join(sorted((token, timestamp, nonce, *extra)))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def signature_matches(given: str, token: str, timestamp: str, nonce: str, *extra: str) -> bool:
    """Constant-time comparison of a given signature with the expected one."""
    expected = signature(token, timestamp, nonce, *extra)
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "replace"))


def timestamp_of(raw: str, *, now: float, window: float = FRESHNESS) -> int:
    """The request's timestamp, if it is a number within `window` seconds of `now`."""
    if not raw.isdigit() or len(raw) > 12:
        raise Rejected(400, "timestamp is not a number")
    stamp = int(raw)
    if abs(now - stamp) > window:
        raise Rejected(403, "stale timestamp")
    return stamp


class NonceCache:
    """(timestamp, nonce) pairs accepted within the freshness window, in this process.

    Across workers, a replayed message still changes nothing: its MsgId (or, for events,
    sender + time) is already in the inbox. This cache refuses the replay outright, before
    any work, where it lands on the same worker."""

    def __init__(self, window: float = FRESHNESS, limit: int = NONCES_KEPT) -> None:
        self.window = window
        self.limit = limit
        self._seen: OrderedDict[tuple[str, str], int] = OrderedDict()

    def admit(self, timestamp: int, nonce: str, *, now: float) -> None:
        """Accept a pair once; a pair seen before is a replay."""
        while self._seen:  # forget pairs that the freshness window refuses anyway
            oldest = next(iter(self._seen.values()))
            if oldest >= now - self.window and len(self._seen) < self.limit:
                break
            self._seen.popitem(last=False)
        key = (str(timestamp), nonce)
        if key in self._seen:
            raise Rejected(403, "replayed nonce")
        self._seen[key] = timestamp


def check_query(query: Mapping[str, str], *, token: str, nonces: NonceCache, now: float,
                window: float = FRESHNESS) -> tuple[int, str]:
    """Signature, freshness and replay of a callback's query string; returns (timestamp,
    nonce). Encrypted mode checks `msg_signature` over the ciphertext on top of this."""
    sig, raw_ts, nonce = (query.get(k, "") for k in ("signature", "timestamp", "nonce"))
    if not (sig and raw_ts and nonce) or len(nonce) > 64:
        raise Rejected(400, "signature, timestamp or nonce missing")
    if not signature_matches(sig, token, raw_ts, nonce):
        raise Rejected(403, "bad signature")
    stamp = timestamp_of(raw_ts, now=now, window=window)
    nonces.admit(stamp, nonce, now=now)
    return stamp, nonce
