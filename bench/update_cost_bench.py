"""CPU cost of one update in the bot's own process, without HTTP: the path a webhook worker
runs for each Telegram update — store it in the inbox (one transaction), handle it with its
replies owed (one transaction), settle the sent replies (batched) — driven in-process with
`concurrency` residents at a time, each asking a question, opening the checklist and ticking
a material. Measured: process CPU (time.process_time) per update, and as a reference the CPU
of the bare database round trips the path cannot avoid (two empty transactions per update
on the same engine). CPU per update is far steadier than throughput on a shared machine, so
this compares versions of the hot path: run it from each tree in turn.

    python bench/update_cost_bench.py                  # PostgreSQL, 400 residents
    python bench/update_cost_bench.py --db sqlite --residents 200
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
sys.path.insert(0, str(ROOT))

from bench.e2e_bench import PG_URL, create_schema, drop_schema, pick_questions  # noqa: E402


async def resident(app, n: int, question: str, counter: list[int]) -> None:  # type: ignore[no-untyped-def]
    from bot.core import Event
    from storage import inbox

    user = str(100_000 + n)
    steps = [Event(channel="telegram", user_id=user, kind="text", text=question,
                   display_name=f"居民{n}")]
    for step in range(3):
        event = steps[-1]
        key = f"{n}-{step}"
        async with app.services.db.transaction() as session:
            await inbox.store_many(session, channel="telegram", now=app.services.now(),
                                   updates=[(key, {"update_id": key})])
        answer = await app.handle(event, update_key=key, owe=True)
        app.owed.settle(answer.owed_id)
        counter[0] += 1
        buttons = [b for r in answer for row in r.buttons for b in row]
        if not buttons:
            return
        # the checklist button first, then the first material
        pick = next((b for b in buttons if b.data.startswith("chk:")), buttons[0])
        steps.append(Event(channel="telegram", user_id=user, kind="choice", choice=pick.data,
                           display_name=f"居民{n}"))


async def bare(app, rounds: int) -> float:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    start = time.process_time()
    for _ in range(rounds):
        async with app.services.db.transaction() as session:
            await session.execute(text("SELECT 1"))
    return (time.process_time() - start) / rounds


async def run(url: str, args: argparse.Namespace, tmp: Path) -> tuple[float, float, int]:
    from bot.app import create_app
    from tests.factories import make_settings

    app = create_app(make_settings(tmp, url, concurrent_updates=64))
    await app.start()
    questions = pick_questions()
    try:
        counter = [0]
        sem = asyncio.Semaphore(args.concurrency)

        async def one(n: int) -> None:
            async with sem:
                await resident(app, n, questions[n % len(questions)], counter)

        await asyncio.gather(*(one(n) for n in range(20)))  # warm-up
        counter[0] = 0
        start = time.process_time()
        await asyncio.gather(*(one(n) for n in range(20, 20 + args.residents)))
        await app.owed.flush()
        per_update = (time.process_time() - start) / max(1, counter[0])
        reference = 2 * await bare(app, 500)
        return per_update, reference, counter[0]
    finally:
        await app.close()


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="sb-cost-") as tmp:
        if args.db == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
            result = await run(url, args, Path(tmp))
        else:
            schema, url = await create_schema(args.pg_url)
            try:
                result = await run(url, args, Path(tmp))
            finally:
                await drop_schema(args.pg_url, schema)
    per_update, reference, updates = result
    print(f"{args.db}: {updates} updates, {per_update * 1000:.2f} ms CPU per update; two bare "
          f"transactions {reference * 1000:.2f} ms ({per_update / reference:.1f}×)")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--residents", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--pg-url", default=PG_URL)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
