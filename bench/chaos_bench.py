"""Chaos benchmark: do the promises hold while the bot is killed, the database goes away and
the Bot API misbehaves?

`servicebot run` serves the Telegram webhook in its own process; this process is Telegram
(the fake Bot API of the tests, POSTing each update to the webhook and retrying it until it
is acknowledged, one chat in order) and the people: residents mixing questions, checklists,
bookings, complaints and consultations, and a staff member answering the consultations.
Meanwhile, at random moments:

- the bot is killed with SIGKILL (at least `--kills` times) and started again;
- the database connection is cut and restored (PostgreSQL: a TCP proxy in front of it
  refuses connections and drops open ones; SQLite: another process holds the write lock);
- the Bot API answers bursts of 429 (with retry_after) and 502.

Then everything is restored, the bot is left to finish, and the database is checked:

    updates acknowledged        webhook POSTs answered 2xx
    updates handled             of those, marked processed in the inbox (must be equal)
    replies owed, undelivered   replies recorded and never sent (must be 0)
    notices duplicated          staff answers that reached their resident twice or more
    notices undelivered         staff answers never delivered (must be 0)
    replies duplicated          booking confirmations sent twice (only those in flight at a kill)
    overbooked slots            slots with more active bookings than places (must be 0)
    matters without owner/deadline

    python bench/chaos_bench.py                     # both databases, 150 s each
    python bench/chaos_bench.py --db sqlite --duration 60 --kills 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from storage.db import make_engine  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SECRET = "chaos-secret_1"
STAFF = 9001
QUESTIONS = ["低保怎么申请", "老人高龄津贴怎么领", "身份证丢了怎么补", "残疾证怎么办",
             "医保怎么参保", "孩子刚出生要上户口带什么"]
OUT_OF_SCOPE = ["村口的路灯坏了好几天了谁来修", "我们小区的垃圾没人清理", "楼上漏水找谁协调"]
VERBOSE = False
ONLY: tuple[str, ...] = ()
WAIT = 8.0  # seconds a person waits for an answer before giving up on the step


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the database outage ------------------------------------------------------------------------
class CuttableProxy:
    """A TCP proxy in front of PostgreSQL that can refuse connections and drop open ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self._server: asyncio.base_events.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port,
                                                  reuse_address=True)

    async def cut(self) -> None:
        """Refuse new connections (nothing listens) and drop the open ones."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._pipes):
            writer.close()
        self._pipes.clear()

    async def restore(self) -> None:
        if self._server is None:
            await self.start()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._pipes.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()
            self._pipes.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


class SqliteLock:
    """Another process's exclusive hold on the SQLite file: every writer waits, then fails."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    async def cut(self) -> None:
        self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._conn.execute("BEGIN EXCLUSIVE")

    async def restore(self) -> None:
        if self._conn is not None:
            self._conn.execute("ROLLBACK")
            self._conn.close()
            self._conn = None


# -- the bot process ----------------------------------------------------------------------------
@dataclass
class BotProcess:
    tg: FakeTelegram
    db_url: str
    data_dir: str
    port: int
    log: Path
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SERVICEBOT_") and k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
        env.update(TELEGRAM_BOT_TOKEN=self.tg.token, DATABASE_URL=self.db_url,
                   SERVICEBOT_TELEGRAM_BASE_URL=self.tg.base_url,
                   SERVICEBOT_TELEGRAM_BASE_FILE_URL=self.tg.base_file_url,
                   SERVICEBOT_TELEGRAM_WEBHOOK_URL="https://bot.example.cn/telegram",
                   SERVICEBOT_TELEGRAM_WEBHOOK_SECRET=SECRET,
                   SERVICEBOT_HTTP_HOST="127.0.0.1", SERVICEBOT_HTTP_PORT=str(self.port),
                   SERVICEBOT_DATA_DIR=self.data_dir, SERVICEBOT_STAFF=str(STAFF),
                   SERVICEBOT_CONCURRENT_UPDATES="16")
        return env

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=self.env(),
                stdout=out, stderr=out, stdin=asyncio.subprocess.DEVNULL)
        self.starts += 1
        end = time.monotonic() + 60
        while time.monotonic() < end:  # up when the webhook port answers
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            if self.proc.returncode is not None:
                break
            await asyncio.sleep(0.1)
        raise RuntimeError("the bot did not start:\n" + self.log.read_text()[-3000:])

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except TimeoutError:
                await self.kill()


# -- the people ---------------------------------------------------------------------------------
@dataclass
class Tally:
    bookings: Counter[str] = field(default_factory=Counter)  # code -> confirmations seen
    consults: list[str] = field(default_factory=list)  # numbers waiting for a staff answer
    answers: dict[str, int] = field(default_factory=dict)  # token -> resident chat
    steps: Counter[str] = field(default_factory=Counter)


def button(message, pattern: str) -> str | None:  # type: ignore[no-untyped-def]
    for row in message.buttons:
        for label, _ in row:
            if re.search(pattern, label):
                return label
    return None


async def resident(tg: FakeTelegram, uid: int, end: float, rng: random.Random,
                   tally: Tally) -> None:
    name = rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("秀英", "建国", "桂兰", "志强", "玉珍"))
    while time.monotonic() < end:
        scenario = rng.choice(ONLY or ("question", "checklist", "booking", "complaint", "consult"))
        try:
            await SCENARIOS[scenario](tg, uid, name, rng, tally)
            tally.steps[scenario] += 1
        except (AssertionError, StopIteration, TypeError) as exc:
            tally.steps[f"{scenario} gave up"] += 1  # no answer in time (killed, outage)
            if VERBOSE:
                print(f"{uid} {scenario}: {str(exc)[:300]}")
                sent = [m.get("text") for m in tg.user_messages.get(uid, [])][-4:]
                print("    sent:", sent, "\n    got:", [m.plain[:50] for m in tg.messages(uid)][-4:])
        await asyncio.sleep(rng.uniform(0.1, 0.6))


async def ask(tg, uid, name, rng, tally):  # type: ignore[no-untyped-def]
    tg.send_text(uid, rng.choice(QUESTIONS), first_name=name)
    await tg.wait_for(uid, timeout=WAIT)


async def checklist(tg, uid, name, rng, tally):  # type: ignore[no-untyped-def]
    tg.send_text(uid, rng.choice(QUESTIONS[:5]), first_name=name)
    card = await tg.wait_for(uid, lambda m: m.has_button("材料清单"), timeout=WAIT)
    tg.tap(uid, card, "材料清单")
    listing = await tg.wait_for(uid, lambda m: bool(m.buttons), timeout=WAIT)
    if listing.has_button("下一步"):
        tg.tap(uid, listing, "下一步")
        listing = await tg.wait_for(uid, lambda m: m.has_button("1."), timeout=WAIT)
    tg.tap(uid, listing, "1.")
    listing = await tg.wait_for(uid, lambda m: m.has_button("告知单"), timeout=WAIT)
    tg.tap(uid, listing, "告知单")
    await tg.wait_for(uid, lambda m: "一次性告知单" in m.plain, timeout=WAIT)


async def booking(tg, uid, name, rng, tally):  # type: ignore[no-untyped-def]
    tg.send_text(uid, "/cancel", first_name=name)
    await tg.wait_for(uid, timeout=WAIT)
    tg.send_text(uid, "孩子刚出生要上户口带什么")
    card = await tg.wait_for(uid, lambda m: m.has_button("预约办理"), timeout=WAIT)
    tg.tap(uid, card, "预约办理")
    days = await tg.wait_for(uid, lambda m: button(m, r"\d+月\d+日") is not None
                             or m.has_button("取消预约"), timeout=WAIT)
    if days.has_button("取消预约"):  # one booking per item: cancel the last one first
        tg.tap(uid, days, "取消预约")
        confirm = await tg.wait_for(uid, lambda m: m.has_button("确定取消"), timeout=WAIT)
        tg.tap(uid, confirm, "确定取消")
        await tg.wait_for(uid, timeout=WAIT)
        return
    days = await tg.wait_for(uid, lambda m: button(m, r"\d+月\d+日") is not None, timeout=WAIT)
    tg.tap(uid, days, button(days, r"\d+月\d+日"))
    times = await tg.wait_for(uid, lambda m: button(m, r"\d\d:\d\d") is not None, timeout=WAIT)
    tg.tap(uid, times, button(times, r"\d\d:\d\d"))
    asked = await tg.wait_for(uid, lambda m: "姓名" in m.plain or m.asks_contact
                              or m.has_button("确认预约"), timeout=WAIT)
    if "姓名" in asked.plain and not asked.has_button("确认预约"):
        tg.send_text(uid, name)
        asked = await tg.wait_for(uid, lambda m: m.asks_contact or m.has_button("确认预约"),
                                  timeout=WAIT)
    if asked.asks_contact:
        tg.share_contact(uid, f"86138{rng.randint(10_000_000, 99_999_999)}")
        asked = await tg.wait_for(uid, lambda m: m.has_button("确认预约"), timeout=WAIT)
    tg.tap(uid, asked, "确认预约")
    done = await tg.wait_for(uid, lambda m: "预约成功" in m.plain or "预约" in m.plain,
                             timeout=WAIT)
    match = re.search(r"预约码：([A-Z0-9]{6})", done.plain)
    if match:
        code = match.group(1)
        # cancel it again so that residents keep within the limit of active bookings
        if rng.random() < 0.5 and done.has_button("取消预约"):
            tg.tap(uid, done, "取消预约")
            confirm = await tg.wait_for(uid, lambda m: m.has_button("确定取消"), timeout=WAIT)
            tg.tap(uid, confirm, "确定取消")
        tally.bookings.setdefault(code, 0)


async def complaint(tg, uid, name, rng, tally):  # type: ignore[no-untyped-def]
    tg.send_text(uid, "/complain", first_name=name)
    tg.tap(uid, await tg.wait_for(uid, lambda m: m.has_button("态度"), timeout=WAIT), "态度")
    await tg.wait_for(uid, lambda m: "事情经过" in m.plain, timeout=WAIT)
    tg.send_text(uid, f"窗口工作人员态度不好 {uuid.uuid4().hex[:6]}")
    tg.tap(uid, await tg.wait_for(uid, lambda m: m.has_button("跳过"), timeout=WAIT), "跳过")
    tg.tap(uid, await tg.wait_for(uid, lambda m: m.has_button("今天"), timeout=WAIT), "今天")
    photo = await tg.wait_for(uid, lambda m: "照片" in m.plain, timeout=WAIT)
    tg.tap(uid, photo, "跳过")
    asked = await tg.wait_for(uid, lambda m: m.asks_contact or m.has_button("提交"), timeout=WAIT)
    if asked.asks_contact:
        tg.share_contact(uid, f"86139{rng.randint(10_000_000, 99_999_999)}")
        asked = await tg.wait_for(uid, lambda m: m.has_button("提交"), timeout=WAIT)
    tg.tap(uid, asked, "提交")
    await tg.wait_for(uid, lambda m: re.search(r"T\d+", m.plain) is not None, timeout=WAIT)


async def consult(tg, uid, name, rng, tally):  # type: ignore[no-untyped-def]
    tg.send_text(uid, rng.choice(OUT_OF_SCOPE), first_name=name)
    offer = await tg.wait_for(uid, lambda m: m.has_button("提交给工作人员"), timeout=WAIT)
    tg.tap(uid, offer, "提交给工作人员")
    created = await tg.wait_for(uid, lambda m: re.search(r"Q\d+", m.plain) is not None,
                                timeout=WAIT)
    tally.consults.append(re.search(r"Q\d+", created.plain).group(0))


SCENARIOS = {"question": ask, "checklist": checklist, "booking": booking,
             "complaint": complaint, "consult": consult}


async def staff(tg: FakeTelegram, end: float, tally: Tally) -> None:
    """Answers every consultation once, with a token to count its deliveries by."""
    while time.monotonic() < end or tally.consults:
        if not tally.consults:
            await asyncio.sleep(0.5)
            continue
        number = tally.consults.pop(0)
        token = f"答复{uuid.uuid4().hex[:8]}"
        tg.send_text(STAFF, f"/reply {number} {token} 已转交村委会处理", first_name="小陈")
        with contextlib.suppress(AssertionError):
            answer = await tg.wait_for(STAFF, lambda m, n=number: n in m.plain, timeout=WAIT)
            if "已" in answer.plain:
                tally.answers[token] = 0
        await asyncio.sleep(0.2)


# -- the disruptions ----------------------------------------------------------------------------
async def chaos(bot: BotProcess, outage, tg: FakeTelegram, end: float, kills: int,  # type: ignore[no-untyped-def]
                rng: random.Random, log: list[str]) -> None:
    """Kills spread over the run, outages and Bot API error bursts between them."""
    t0 = time.monotonic()
    span = end - t0
    if kills <= 0:
        return
    kill_at = sorted(t0 + span * (i + rng.uniform(0.2, 0.8)) / kills for i in range(kills))
    events = [(t, "kill") for t in kill_at]
    events += [(t0 + span * f, "outage") for f in (0.3, 0.75)]
    events += [(t0 + span * rng.uniform(0.05, 0.95), "api") for _ in range(4)]
    for at, what in sorted(events):
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        if what == "kill":
            await bot.kill()
            log.append(f"{at - t0:6.1f}s SIGKILL")
            await asyncio.sleep(rng.uniform(0.2, 1.5))
            await bot.start()
        elif what == "outage":
            seconds = rng.uniform(6, 12)
            log.append(f"{at - t0:6.1f}s database cut for {seconds:.0f}s")
            await outage.cut()
            await asyncio.sleep(seconds)
            await outage.restore()
        else:
            status = rng.choice((429, 502))
            for method in ("sendMessage", "editMessageText"):
                tg.fail(method, status, times=rng.randint(5, 15),
                        retry_after=1 if status == 429 else None)
            log.append(f"{at - t0:6.1f}s Bot API {status} burst")


# -- the checks ---------------------------------------------------------------------------------
async def check(db_url: str, tg: FakeTelegram, tally: Tally) -> dict[str, int]:
    engine = make_engine(db_url)
    acknowledged = sorted(tg.acknowledged)
    async with engine.connect() as conn:
        handled = 0
        for i in range(0, len(acknowledged), 500):
            keys = [str(k) for k in acknowledged[i:i + 500]]
            handled += await conn.scalar(text(
                "SELECT count(*) FROM inbox WHERE channel = 'telegram' AND processed_at IS NOT NULL"
                " AND update_key IN (" + ",".join(f"'{k}'" for k in keys) + ")"))
        owed = await conn.scalar(text(
            "SELECT count(*) FROM outbox WHERE kind = 'reply' AND status <> 'sent'"))
        unsent_notices = await conn.scalar(text(
            "SELECT count(*) FROM outbox WHERE kind = 'staff_reply' AND status <> 'sent'"))
        overbooked = await conn.scalar(text(
            "SELECT count(*) FROM slots s WHERE s.booked > s.capacity OR s.booked <> "
            "(SELECT count(*) FROM bookings b WHERE b.slot_id = s.id AND b.status = 'active')"))
        orphans = await conn.scalar(text(
            "SELECT count(*) FROM matters m WHERE m.deadline IS NULL OR (m.owner IS NULL AND "
            "NOT EXISTS (SELECT 1 FROM outbox o WHERE o.matter_id = m.id "
            "AND o.kind = 'staff_new_matter') AND m.kind = 'consult')"))
        matters = await conn.scalar(text("SELECT count(*) FROM matters"))
    await engine.dispose()
    texts = [m.plain for chat in list(tg._bot_messages) for m in tg.messages(chat)]
    seen = Counter(token for token in tally.answers for t in texts if token in t)
    confirmations = Counter(code for t in texts if "预约成功" in t
                            for code in re.findall(r"预约码：([A-Z0-9]{6})", t))
    return {
        "updates acknowledged": len(acknowledged),
        "updates handled": handled,
        "replies owed, undelivered": owed,
        "staff answers sent": len(tally.answers),
        "notices duplicated": sum(max(0, seen[t] - 1) for t in tally.answers),
        "notices undelivered": unsent_notices + sum(1 for t in tally.answers if not seen[t]),
        "bookings confirmed": len(confirmations),
        "replies duplicated": sum(n - 1 for n in confirmations.values() if n > 1),
        "overbooked slots": overbooked,
        "matters": matters,
        "matters without owner or deadline": orphans,
    }


async def settle(tg: FakeTelegram, db_url: str, *, within: float) -> None:
    """Wait until every update is acknowledged and no owed reply or notice is pending."""
    engine = make_engine(db_url)
    end = time.monotonic() + within
    try:
        while time.monotonic() < end:
            if not any(tg._hook_queues.values()):
                async with engine.connect() as conn:
                    pending = await conn.scalar(text(
                        "SELECT count(*) FROM outbox WHERE status = 'pending' "
                        "AND not_before <= CURRENT_TIMESTAMP"))
                if not pending:
                    await tg.settle(quiet=1.0, timeout=10)
                    return
            await asyncio.sleep(1.0)
    finally:
        await engine.dispose()


async def run_one(db: str, args: argparse.Namespace) -> dict[str, int]:
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="chaos-")
    schema = None
    if db == "sqlite":
        path = f"{tmp}/chaos.sqlite3"
        direct = bot_url = f"sqlite+aiosqlite:///{path}"
        outage = SqliteLock(path)
    else:
        schema = f"chaos_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(args.pg_url)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        direct = f"{args.pg_url}?search_path={schema}"
        outage = CuttableProxy(("127.0.0.1", 5432))
        await outage.start()
        bot_url = f"postgresql+asyncpg://postgres@127.0.0.1:{outage.port}/test?search_path={schema}"
    migrate = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "upgrade", cwd=ROOT,
        env={**os.environ, "DATABASE_URL": direct, "SERVICEBOT_DATA_DIR": tmp})
    await migrate.wait()
    tally, log = Tally(), []
    async with FakeTelegram() as tg:
        bot = BotProcess(tg, bot_url, tmp, free_port(), Path(tmp) / "bot.log")
        tg.deliver_to(f"http://127.0.0.1:{bot.port}/telegram", SECRET)
        await bot.start()
        if db == "sqlite":
            outage.path = path
        end = time.monotonic() + args.duration
        people = [resident(tg, 2000 + i, end, random.Random(rng.random()), tally)
                  for i in range(args.residents)]
        await asyncio.gather(*people, staff(tg, end, tally),
                             chaos(bot, outage, tg, end, args.kills, rng, log))
        await outage.restore()
        await settle(tg, direct, within=90)  # owed replies of a killed worker: lease 30 s
        await bot.stop()
        result = await check(direct, tg, tally)
    print(f"\n{db}: {args.duration:.0f} s, {args.residents} residents, {bot.starts - 1} kills; "
          f"scenarios: {dict(tally.steps)}")
    for line in log:
        print("   ", line)
    if schema:
        admin = create_async_engine(args.pg_url)
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=float, default=150.0)
    parser.add_argument("--residents", type=int, default=24)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--verbose", action="store_true", help="say why a person gave up")
    parser.add_argument("--only", nargs="*", default=(), help="only these scenarios")
    parser.add_argument("--pg-url", default=os.environ.get("SERVICEBOT_BENCH_PG", PG_URL))
    args = parser.parse_args()
    global VERBOSE, ONLY
    VERBOSE, ONLY = args.verbose, tuple(args.only)
    dbs = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = {db: await run_one(db, args) for db in dbs}
    print("\n| check | " + " | ".join(results) + " |\n|---|" + "---|" * len(results))
    for key in next(iter(results.values())):
        print(f"| {key} | " + " | ".join(str(r[key]) for r in results.values()) + " |")


if __name__ == "__main__":
    asyncio.run(main())
