"""One person at a time, in order; different people at once; no lock left behind."""

from __future__ import annotations

import asyncio

from bot.keyed_locks import KeyedLocks


async def test_same_key_in_order_other_keys_concurrently():
    locks = KeyedLocks()
    log: list[str] = []
    a_started = asyncio.Event()

    async def work(key: str, tag: str, hold: float) -> None:
        async with locks.hold(key):
            log.append(f"{tag}+")
            if tag == "a1":
                a_started.set()
            await asyncio.sleep(hold)
            log.append(f"{tag}-")

    first = asyncio.create_task(work("a", "a1", 0.05))
    await a_started.wait()
    await asyncio.gather(first, work("a", "a2", 0), work("b", "b1", 0))
    assert log.index("a1-") < log.index("a2+")  # same person: one after the other
    assert log.index("b1+") < log.index("a1-")  # someone else did not wait
    assert len(locks) == 0  # nothing kept once nobody holds or waits
