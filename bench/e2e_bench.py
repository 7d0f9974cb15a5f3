"""End-to-end benchmark: the real Telegram Application against the fake Bot API.

N simulated residents (default 200) each ask a question, open the item's checklist and tick
three materials — about six updates each — concurrently, with a think time between their
steps like people reading the answer. The bot runs in its own process (as in production);
the fake Bot API and the residents run in this one. Measured per update: from the moment it
is available to getUpdates to the moment the bot's reply (new message or edit) arrives at
the fake server.

    python bench/e2e_bench.py                       # 200 residents, SQLite and PostgreSQL
    python bench/e2e_bench.py --db sqlite --residents 400 --think 0.5
    python bench/e2e_bench.py --think 0             # saturation: no think time
    python bench/e2e_bench.py --duration 30 --think 1.2   # steady state (~150 updates/s)

PostgreSQL: postgresql+asyncpg://postgres@127.0.0.1:5432/test (or --pg-url), in a fresh
schema dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
sys.path.insert(0, str(ROOT))

from tests.fake_telegram import FakeTelegram  # noqa: E402

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TICKS = 3


@dataclass
class Result:
    db: str
    residents: int
    updates: int = 0
    failures: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    fetch_waits: list[float] = field(default_factory=list)  # available → fetched by getUpdates
    bot_cpu: float | None = None  # CPU seconds the bot process used under load
    driver_cpu: float = 0.0  # CPU seconds of this process (fake Bot API + residents)

    def row(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        rate = self.updates / self.seconds if self.seconds else 0.0
        per = self.updates or 1
        bot = f"{self.bot_cpu / per * 1000:.1f}" if self.bot_cpu is not None else "?"
        return (f"| {self.db:<10} | {self.residents:>9} | {self.updates:>7} | {rate:>9.0f} | "
                f"{p50:>6.1f} | {p95:>6.1f} | {p99:>6.1f} | {bot:>9} | "
                f"{self.driver_cpu / per * 1000:>10.1f} | {self.failures:>5} |")


HEADER = ("| database   | residents | updates | updates/s | p50 ms | p95 ms | p99 ms "
          "| bot CPU ms/update | fake CPU ms/update | fails |\n"
          "|------------|-----------|---------|-----------|--------|--------|--------"
          "|-----------|------------|-------|")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), for CPU per update."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the bot process ------------------------------------------------------------------------
def serve_bot(base_url: str, file_url: str, token: str, db_url: str, data_dir: str,
              concurrent: int, profile: str | None) -> None:
    """Run the real Application (the child process) until SIGTERM."""
    import logging

    from bot.app import create_app
    from bot.channels.telegram import build_telegram_application, running
    from bot.settings import load_settings

    logging.basicConfig(level=logging.WARNING)
    settings = load_settings(env={}, telegram_bot_token=token, telegram_base_url=base_url,
                             telegram_base_file_url=file_url, database_url=db_url,
                             data_dir=data_dir, concurrent_updates=concurrent)

    from bot.serve import prepare_process, run_loop  # as `servicebot run` does

    prepare_process(settings)

    async def main() -> None:
        app = create_app(settings)
        application = build_telegram_application(app, migrate=True)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with running(application, poll_timeout=10):
            await stop.wait()


    if profile:
        import cProfile

        cProfile.runctx("run_loop(main())", globals(), locals(), profile)
    else:
        run_loop(main())


async def start_bot_process(tg: FakeTelegram, db_url: str, data_dir: str, concurrent: int,
                            profile: str | None) -> asyncio.subprocess.Process:
    args = [sys.executable, str(SCRIPT), "--serve-bot", tg.base_url,
            tg.base_file_url, tg.token, db_url, data_dir, str(concurrent)]
    if profile:
        args.append(profile)
    polls = len(tg.calls_for("getUpdates"))
    proc = await asyncio.create_subprocess_exec(*args, cwd=ROOT, stdin=asyncio.subprocess.DEVNULL)
    await tg.wait_calls("getUpdates", count=polls + 1, timeout=60)
    return proc


# -- the residents --------------------------------------------------------------------------
def pick_questions() -> list[str]:
    """Questions the shipped KB answers with one item whose checklist has enough materials."""
    from knowledge.loader import load_kb
    from knowledge.matcher import Matcher

    kb = load_kb()
    matcher = Matcher(kb)
    out = []
    for item in kb.items:
        base = [m for m in item.materials if not m.when]
        if len(base) < TICKS + 1:
            continue
        question = f"{item.name}怎么办理"
        result = matcher.match(question, top=3)
        top = result.matches[0] if result.matches else None
        close = [m for m in result.matches[1:] if top and m.score >= top.score * 0.9]
        if result.confident and top and top.item.id == item.id and not close:
            out.append(question)
    if not out:
        raise SystemExit("no suitable questions in the knowledge base")
    return out


@dataclass(frozen=True)
class Window:
    """Which updates count: all of them (one session each), or — in a steady-state run —
    those made between the end of the warm-up and the end of the run."""

    start: float = 0.0
    end: float = float("inf")
    repeat_until: float | None = None  # residents start new sessions until then

    def counts(self, queued: float) -> bool:
        return self.start <= queued < self.end


async def resident(tg: FakeTelegram, user_id: int, question: str, think: float,
                   rng: random.Random, result: Result, window: Window = Window()) -> None:
    async def step(update_id: int, predicate) -> object:  # type: ignore[no-untyped-def]
        msg = await tg.wait_for(user_id, predicate, timeout=60)
        queued = tg.queued_at[update_id]
        if window.counts(queued):
            result.latencies.append(msg.changed_at - queued)
            result.fetch_waits.append(tg.fetched_at[update_id] - queued)
            result.updates += 1
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        return msg

    try:
        if think:
            await asyncio.sleep(rng.uniform(0, think * 2))
        while True:
            card = await step(tg.send_text(user_id, question, first_name=f"居民{user_id}"),
                              lambda m: m.has_button("材料清单"))
            listing = await step(tg.tap(user_id, card, "材料清单"), None)
            if listing.has_button("下一步"):
                listing = await step(tg.tap(user_id, listing, "下一步"),
                                     lambda m: m.has_button("⬜ 1."))
            for n in range(1, TICKS + 1):
                listing = await step(tg.tap(user_id, listing, f"⬜ {n}."),
                                     lambda m, n=n: m.has_button(f"✅ {n}."))
            if window.repeat_until is None or time.perf_counter() >= window.repeat_until:
                break
    except AssertionError as exc:
        result.failures += 1
        print(f"  resident {user_id}: {str(exc)[:200]}", file=sys.stderr)


async def run_one(db: str, args: argparse.Namespace, questions: list[str]) -> Result:
    result = Result(db, args.residents)
    with tempfile.TemporaryDirectory(prefix="sb-bench-") as tmp:
        schema = None
        if db == "sqlite":
            db_url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        else:
            schema, db_url = await create_schema(args.pg_url)
        try:
            async with FakeTelegram() as tg:
                proc = await start_bot_process(tg, db_url, tmp, args.concurrent, args.profile)
                try:
                    rng = random.Random(42)
                    bot_cpu, driver_cpu = cpu_seconds(proc.pid), time.process_time()
                    start = time.perf_counter()
                    window = Window()
                    if args.duration:
                        window = Window(start + args.warmup, start + args.duration,
                                        start + args.duration)
                    await asyncio.gather(*(
                        resident(tg, 10_000 + i, questions[i % len(questions)], args.think,
                                 random.Random(rng.random()), result, window)
                        for i in range(args.residents)))
                    result.seconds = time.perf_counter() - start
                    after = cpu_seconds(proc.pid)
                    if bot_cpu is not None and after is not None:
                        result.bot_cpu = after - bot_cpu
                    result.driver_cpu = time.process_time() - driver_cpu
                    if args.duration:  # steady state: the updates made in the window
                        result.seconds = window.end - window.start
                    elif args.think:  # the rate while residents were active, not their pauses
                        first = min(tg.queued_at.values())
                        last = max(m.changed_at for c in range(10_000, 10_000 + args.residents)
                                   for m in tg.messages(c))
                        result.seconds = last - first
                finally:
                    proc.send_signal(signal.SIGTERM)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(proc.wait(), 30)
                    if proc.returncode is None:
                        proc.kill()
        finally:
            if schema:
                await drop_schema(args.pg_url, schema)
    return result


async def create_schema(pg_url: str) -> tuple[str, str]:
    import asyncpg

    from storage.db import Database

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    url = f"{pg_url}?search_path={schema}"
    db = Database(url)
    try:
        await db.upgrade()
    finally:
        await db.dispose()
    return schema, url


async def drop_schema(pg_url: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


async def main(args: argparse.Namespace) -> int:
    questions = pick_questions()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for db in dbs:
        print(f"running {args.residents} residents on {db} …", file=sys.stderr)
        results.append(await run_one(db, args, questions))
    print(f"\nTelegram end to end, fake Bot API over HTTP; {os.cpu_count()} CPUs; "
          f"think time {args.think:g} s (±50%); {args.concurrent} concurrent updates"
          + (f"; steady state over {args.duration - args.warmup:g} s after a {args.warmup:g} s "
             "warm-up" if args.duration else "") + "\n")
    print(HEADER)
    for r in results:
        print(r.row())
    for r in results:
        waits = sorted(r.fetch_waits) or [0.0]
        print(f"{r.db}: of which waiting to be fetched by getUpdates: p50 "
              f"{statistics.median(waits) * 1000:.1f} ms, p95 "
              f"{waits[min(len(waits) - 1, int(len(waits) * 0.95))] * 1000:.1f} ms",
              file=sys.stderr)
    return 1 if any(r.failures for r in results) else 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a resident takes between steps (0: none)")
    parser.add_argument("--duration", type=float, default=0.0,
                        help="steady state: residents repeat sessions for this many seconds "
                             "and only updates made after --warmup count (0: one session each)")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--concurrent", type=int, default=64,
                        help="settings.concurrent_updates of the bot")
    parser.add_argument("--pg-url", default=os.environ.get("SERVICEBOT_BENCH_PG", PG_URL))
    parser.add_argument("--profile", help="write a cProfile of the bot process here")
    return parser.parse_args(argv)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-bot":
        rest = sys.argv[2:]
        serve_bot(*rest[:5], int(rest[5]), rest[6] if len(rest) > 6 else None)
        sys.exit(0)
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
