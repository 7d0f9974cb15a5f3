"""One asyncio lock per key (a person, a chat): their messages are handled one at a time, in
arrival order, while different keys run concurrently. A key's lock is dropped when nobody
holds or waits for it, so memory does not grow with the number of people ever seen."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: defaultdict[Hashable, int] = defaultdict(int)

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        """Wait for `key`'s turn (FIFO, as asyncio.Lock is) and hold it."""
        self._waiting[key] += 1
        try:
            async with self._locks.setdefault(key, asyncio.Lock()):
                yield
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                self._locks.pop(key, None)

    def __len__(self) -> int:
        return len(self._locks)
