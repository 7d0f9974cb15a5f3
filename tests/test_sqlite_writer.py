"""SQLite's single writer: concurrent transactions queue in the process and all commit."""

from __future__ import annotations

import asyncio

from storage.db import Database


async def test_concurrent_sqlite_transactions_all_commit(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    from sqlalchemy import text

    async with db.transaction() as s:
        await s.execute(text("CREATE TABLE t (n INTEGER)"))

    async def insert(n: int) -> None:
        async with db.transaction() as s:
            await s.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            await asyncio.sleep(0)

    await asyncio.gather(*(insert(n) for n in range(50)))
    async with db.transaction() as s:
        assert await s.scalar(text("SELECT COUNT(*) FROM t")) == 50
    await db.dispose()
