"""One WeChat access token for the whole deployment (storage/tokens.py keeps it).

Each worker keeps the token in memory until shortly before it expires; past that, or when
WeChat rejects it (40001/42001), the worker looks in the database, and only if the stored
token is the same stale one does it fetch a new one — under the row's lock, so of several
workers that notice at once exactly one calls `/cgi-bin/token` and the others wait and use
its token. WeChat retires a token as soon as a new one is fetched, so this is what keeps
workers from knocking each other out (and spares the 2,000-a-day token quota).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from storage import tokens
from storage.db import Database

Fetch = Callable[[], Awaitable[tuple[str, float]]]  # → (token, seconds it is valid)
EXPIRY_MARGIN = timedelta(seconds=300)  # renewed this long before WeChat's expiry


class SharedToken:
    def __init__(self, db: Database, name: str, *, clock: Callable[[], datetime],
                 margin: timedelta = EXPIRY_MARGIN) -> None:
        self.db = db
        self.name = name
        self.clock = clock
        self.margin = margin
        self._token: str | None = None
        self._expires: datetime | None = None
        self._rejected: str | None = None
        self._lock = asyncio.Lock()  # one renewal at a time in this process, too

    def _fresh(self, expires_at: datetime) -> bool:
        return self.clock() < expires_at - self.margin

    async def get(self, fetch: Fetch) -> str:
        if self._token is not None and self._expires is not None and self._fresh(self._expires):
            return self._token
        async with self._lock:
            async with self.db.transaction() as session:
                stored = await tokens.read(session, name=self.name)
            if stored is not None and stored.token != self._rejected \
                    and self._fresh(stored.expires_at):
                return self._keep(stored.token, stored.expires_at)
            return await self._renew(fetch, stale=stored.token if stored else None)

    async def _renew(self, fetch: Fetch, *, stale: str | None) -> str:
        async with self.db.transaction() as session:
            now = self.clock()
            current = await tokens.lock(session, name=self.name, now=now)
            if current is not None and current.token != stale and self._fresh(current.expires_at):
                return self._keep(current.token, current.expires_at)  # another worker renewed
            token, valid_for = await fetch()
            expires_at = now + timedelta(seconds=valid_for)
            await tokens.store(session, name=self.name, token=token, expires_at=expires_at,
                               now=now)
        return self._keep(token, expires_at)

    def _keep(self, token: str, expires_at: datetime) -> str:
        self._token, self._expires = token, expires_at
        return token

    def rejected(self, token: str) -> None:
        """WeChat says `token` is invalid or expired: the next `get` renews it, unless another
        worker already has."""
        self._rejected = token
        if self._token == token:
            self._token = None
