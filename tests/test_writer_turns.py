"""SQLite's single writer: transactions take turns in order, urgent ones first, and one
that gives up waiting does not block the others."""

from __future__ import annotations

import asyncio

from storage.db import Database, _WriterTurns


async def test_turns_in_order_with_the_urgent_lane_first():
    turns = _WriterTurns()
    order: list[str] = []
    await turns.acquire(urgent=False)

    async def take(name: str, urgent: bool) -> None:
        await turns.acquire(urgent=urgent)
        order.append(name)
        turns.release()

    waiting = [asyncio.create_task(take(n, n.startswith("u"))) for n in ("a", "b", "u1", "c", "u2")]
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*waiting)
    assert order == ["u1", "u2", "a", "b", "c"]


async def test_a_waiter_that_gives_up_is_skipped():
    turns = _WriterTurns()
    await turns.acquire(urgent=False)
    quitter = asyncio.create_task(turns.acquire(urgent=False))
    stayer = asyncio.create_task(turns.acquire(urgent=False))
    await asyncio.sleep(0)
    quitter.cancel()
    await asyncio.sleep(0)
    turns.release()
    await asyncio.wait_for(stayer, 1)
    turns.release()
    await asyncio.wait_for(turns.acquire(urgent=True), 1)  # free again


async def test_concurrent_sqlite_transactions_all_commit(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    from sqlalchemy import text

    async with db.transaction() as s:
        await s.execute(text("CREATE TABLE t (n INTEGER)"))

    async def insert(n: int) -> None:
        async with db.transaction(urgent=n % 5 == 0) as s:
            await s.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            await asyncio.sleep(0)

    await asyncio.gather(*(insert(n) for n in range(50)))
    async with db.transaction() as s:
        assert await s.scalar(text("SELECT COUNT(*) FROM t")) == 50
    await db.dispose()
