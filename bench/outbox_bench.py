"""Benchmark of the outbox: notices per second delivered through the real Telegram sender
(python-telegram-bot over HTTP) to the fake Bot API, and how long a backlog takes to drain at
Telegram's limits.

    python bench/outbox_bench.py [--notices 3000] [--backlog 10000] [--scale 10] [--pg URL]

Scenarios (each on a fresh SQLite file, and on PostgreSQL with --pg):

  clean      no limits configured beyond the machinery: what the worker, the database and
             HTTP can push (outbox_rate_per_second=10,000, no per-chat pacing);
  failures   the same, with the fake Bot API answering 1 % of sends 429 (retry_after 1 s) and
             5 % 500: every notice still arrives once, later;
  backlog    `--backlog` notices for `--backlog / 5` residents, paced like production
             (30/s overall, 1/s per chat) but with the clock of the limits scaled by `--scale`
             (30×scale per second, 1/scale s per chat), so 10,000 notices don't take six
             minutes of wall time. The table gives the measured time, the measured time × scale
             (what the same run takes at the real limits) and the bound the limits impose:
             max(notices / 30, notices per chat × 1 s). The scale must stay below what the
             worker can push unpaced (the `clean` row; ~120-180/s here, with the fake server in
             the same process): past that the run measures capacity, not the limits, and the
             table says so.

Every run checks that each notice reached its chat exactly once, in order. For reading, not CI.
The fake's failure injection is driven per call here (a subclass), not by `fail(...)` counts.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from telegram import Bot  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.channels.telegram.http import AiohttpRequest  # noqa: E402
from bot.channels.telegram.render import ReplyRenderer, TelegramSender  # noqa: E402
from bot.delivery import DeliveryWorker  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from domain.messages import Reply  # noqa: E402
from storage import outbox  # noqa: E402
from storage.models import Outbox  # noqa: E402
from tests.fake_telegram import FakeTelegram, _Failure  # noqa: E402

TELEGRAM_OVERALL = 30.0  # messages per second, the Bot API's overall limit
TELEGRAM_PER_CHAT = 1.0  # seconds between messages to one chat
PER_RESIDENT = 5
CHAT_BASE = 100_000


class FlakyTelegram(FakeTelegram):
    """The fake Bot API, refusing a random share of sendMessage calls."""

    def __init__(self, p429: float = 0.0, p500: float = 0.0, seed: int = 7) -> None:
        super().__init__()
        self.p429, self.p500 = p429, p500
        self.rng = random.Random(seed)

    def _take_failure(self, method: str, chat_id: int | None) -> _Failure | None:
        if method == "sendMessage":
            x = self.rng.random()
            if x < self.p429:
                return _Failure(method, 429, 1, "Too Many Requests: retry after 1", 1, chat_id)
            if x < self.p429 + self.p500:
                return _Failure(method, 500, 1, "Internal Server Error", None, chat_id)
        return super()._take_failure(method, chat_id)


@dataclass
class Result:
    scenario: str
    database: str
    notices: int
    seconds: float
    refused: int
    scale: float = 1.0
    bound: float | None = None

    @property
    def per_second(self) -> float:
        return self.notices / self.seconds


async def run(scenario: str, db_url: str, database: str, *, notices: int, rate: float,
              per_chat: float, p429: float = 0.0, p500: float = 0.0, scale: float = 1.0,
              bound: float | None = None) -> Result:
    chats = max(1, notices // PER_RESIDENT)
    async with FlakyTelegram(p429, p500) as tg:
        with tempfile.TemporaryDirectory() as tmp:
            settings = load_settings(
                env={}, data_dir=tmp, database_url=db_url, scheduler_enabled=False,
                outbox_rate_per_second=rate, outbox_per_chat_interval=per_chat)
            app = create_app(settings)
            await app.start(migrate=True)
            # the HTTP stack the Telegram channel uses in production
            bot = Bot(tg.token, base_url=tg.base_url,
                      request=AiohttpRequest(connection_pool_size=96, pool_timeout=30.0))
            await bot.initialize()

            async def label(_user: str, key: str) -> str:
                return key

            worker = DeliveryWorker(app.services,
                                    {"telegram": TelegramSender(ReplyRenderer(bot, label))},
                                    batch=64)
            async with app.services.db.transaction() as s:
                now = app.services.now()
                for i in range(PER_RESIDENT):
                    for c in range(chats):
                        await outbox.enqueue(
                            s, channel="telegram", user_id=str(CHAT_BASE + c), kind="bench",
                            replies=[Reply(f"通知 {c}-{i}：您的办件 B{c} 有新进展")], now=now)
            stop = asyncio.Event()
            started = time.perf_counter()
            task = asyncio.create_task(worker.run(stop, poll=0.05))
            while True:
                await asyncio.sleep(0.05)
                async with app.services.db.transaction() as s:
                    left = await s.scalar(select(func.count()).select_from(Outbox)
                                          .where(Outbox.status == "pending"))
                if not left:
                    break
            seconds = time.perf_counter() - started
            stop.set()
            await task
            await bot.shutdown()
            _check_once_in_order(tg, chats)
            refused = sum(1 for c in tg.calls if c.method == "sendMessage" and c.status != 200)
            await app.close()
    return Result(scenario, database, chats * PER_RESIDENT, seconds, refused, scale, bound)


def _check_once_in_order(tg: FakeTelegram, chats: int) -> None:
    for c in range(chats):
        texts = [m.plain for m in tg.messages(CHAT_BASE + c)]
        expected = [f"通知 {c}-{i}：您的办件 B{c} 有新进展" for i in range(PER_RESIDENT)]
        if texts != expected:
            raise AssertionError(f"chat {c}: {texts} != {expected}")


async def main_async(args: argparse.Namespace) -> list[Result]:
    dbs = [("SQLite", None)]
    if args.pg:
        dbs.append(("PostgreSQL", args.pg))
    results = []
    schemas: list[str] = []
    for database, url in dbs:
        async def fresh(url: str | None = url) -> str:
            if url:  # a new schema per run, dropped at the end
                schema = f"bench_{uuid.uuid4().hex[:10]}"
                await _pg(url, f'CREATE SCHEMA "{schema}"')
                schemas.append(schema)
                return f"{url}?search_path={schema}"
            return f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

        results.append(await run("clean", await fresh(), database, notices=args.notices,
                                 rate=10_000, per_chat=0.0))
        results.append(await run("failures", await fresh(), database, notices=args.notices,
                                 rate=10_000, per_chat=0.0, p429=0.01, p500=0.05))
        k = args.scale
        bound = max(args.backlog / TELEGRAM_OVERALL, PER_RESIDENT * TELEGRAM_PER_CHAT)
        results.append(await run(f"backlog at limits ÷{k:g}", await fresh(), database,
                                 notices=args.backlog, rate=TELEGRAM_OVERALL * k,
                                 per_chat=TELEGRAM_PER_CHAT / k, scale=k, bound=bound))
    for schema in schemas:
        await _pg(args.pg, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return results


async def _pg(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def table(results: list[Result]) -> str:
    lines = ["| scenario | database | notices | refused by API | wall time | delivered/s "
             "| at real limits | limit-bound |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        real = f"{r.seconds * r.scale:,.0f} s" if r.scale != 1 else "—"
        bound = f"{r.bound:,.0f} s" if r.bound else "—"
        lines.append(f"| {r.scenario} | {r.database} | {r.notices:,} | {r.refused:,} "
                     f"| {r.seconds:,.1f} s | {r.per_second:,.0f} | {real} | {bound} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=3000)
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--pg", help="PostgreSQL URL (a fresh schema per run, dropped after), "
                        "e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    print(table(results))
    print("\nEvery notice arrived exactly once and in order per chat in every run.")
    for r in results:
        if r.bound and r.per_second < 0.9 * TELEGRAM_OVERALL * r.scale:
            print(f"note: {r.scenario} ({r.database}) ran below the scaled limit "
                  f"({r.per_second:.0f}/s < {TELEGRAM_OVERALL * r.scale:.0f}/s): capacity-bound, "
                  "lower --scale for a limit-bound figure")


if __name__ == "__main__":
    main()
