"""Is a request really from WeChat, and new? Signature, freshness window, nonce replay cache.

WeChat signs every callback (the GET handshake and each POST) with
`sha1(sorted(token, timestamp, nonce))`; in encrypted mode `msg_signature` also covers the
ciphertext. A signature alone does not expire, so a captured request could be sent again:
the timestamp must be recent and a (timestamp, nonce) pair is accepted once — by any
worker, ever (`Stamp`, remembered in the database).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

FRESHNESS = 300.0  # seconds a request's timestamp may be off from our clock, either way


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


@dataclass(frozen=True)
class Stamp:
    """A signed callback's timestamp and nonce: the pair may be used once. It is remembered
    in the database (`storage.wechat.admit_nonce`), not in a process: a replay to another
    worker, or after a restart, must be refused too — in plaintext mode the signature does
    not cover the body, so a replayed query string could carry any body."""

    timestamp: int
    nonce: str

    def expires_at(self, window: float = FRESHNESS) -> datetime:
        """When the freshness window refuses this timestamp anyway: the pair can be forgotten."""
        return datetime.fromtimestamp(self.timestamp + window, UTC)


def check_query(query: Mapping[str, str], *, token: str, now: float,
                window: float = FRESHNESS) -> Stamp:
    """Signature and freshness of a callback's query string; returns its (timestamp, nonce),
    which the caller admits once in the database. Encrypted mode checks `msg_signature`
    over the ciphertext on top of this."""
    sig, raw_ts, nonce = (query.get(k, "") for k in ("signature", "timestamp", "nonce"))
    if not (sig and raw_ts and nonce) or len(nonce) > 64:
        raise Rejected(400, "signature, timestamp or nonce missing")
    if not (nonce.isascii() and nonce.isprintable()):  # it is stored: no NUL, no controls
        raise Rejected(400, "nonce is not printable ASCII")
    if not signature_matches(sig, token, raw_ts, nonce):
        raise Rejected(403, "bad signature")
    stamp = timestamp_of(raw_ts, now=now, window=window)
    return Stamp(stamp, nonce)
