"""Scaling benchmark: 1, 2 and 3 webhook workers (`servicebot run`) on one PostgreSQL, and a
bare python-telegram-bot echo bot as the reference, under the same offered load through the
fake Bot API (tests/fake_telegram.py), in one run.

Residents (default 100) each send a question and send the next as soon as the answer arrives
(a closed loop, no think time: saturation). Updates reach the bots as Telegram's webhook
calls do, through a proxy that spreads them round robin over the workers with Telegram's 40
concurrent connections (tests/workers.py). The echo bot is PTB's `Application` with the same
aiohttp webhook intake, the same uvloop and 64 concurrent updates, answering each text with
the text: what any bot costs before doing anything. Counted: the updates made in the window
after a warm-up; latency from the update being queued at the fake API to the reply arriving
there; CPU seconds of every process over the window (/proc): the bots, this driver (fake API,
residents, proxy) and PostgreSQL (every postgres process on the machine: the server is
shared, so other users' queries are in it too).

    python bench/scale_bench.py                     # 100 residents, 20 s windows
    python bench/scale_bench.py --residents 200 --duration 30 --warmup 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
sys.path.insert(0, str(ROOT))

from bench.e2e_bench import PG_URL, create_schema, drop_schema, pick_questions  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.workers import (  # noqa: E402
    SECRET,
    SECRET_HEADER,
    WebhookPusher,
    Worker,
    free_port,
    start_workers,
    stop_workers,
    wait_ready,
    write_config,
)

TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_cpu() -> dict[int, float]:
    """CPU seconds of every postgres process (the server and its backends) so far, by pid."""
    out = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if (proc / "comm").read_text().strip() == "postgres":
                    out[int(proc.name)] = cpu_of(int(proc.name))
    return out


def machine_busy() -> float:
    """CPU seconds all processes on the machine used so far (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


@dataclass
class Result:
    name: str
    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # process → CPU s in the window
    failures: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        lat = sorted(self.latencies) or [0.0]
        return lat[min(len(lat) - 1, int(len(lat) * q))] * 1000

    def bot_cpu_ms(self) -> float:
        bots = sum(v for k, v in self.cpu.items() if k.startswith(("worker", "echo")))
        return bots / max(1, self.updates) * 1000


# -- the echo bot (child process) ------------------------------------------------------------
def serve_echo(base_url: str, token: str, port: int) -> None:
    """A bare PTB echo bot: the webhook stores nothing, the handler echoes the text."""
    import logging

    from aiohttp import web
    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    from bot.channels.telegram.http import AiohttpRequest
    from bot.serve import run_loop

    logging.basicConfig(level=logging.WARNING)

    async def echo(update: Update, context) -> None:  # type: ignore[no-untyped-def]
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    async def main() -> None:
        application = (ApplicationBuilder().token(token).base_url(base_url)
                       .request(AiohttpRequest(connection_pool_size=144, pool_timeout=10.0))
                       .concurrent_updates(64).updater(None).build())
        application.add_handler(MessageHandler(filters.TEXT, echo))

        async def hook(request: web.Request) -> web.Response:
            if request.headers.get(SECRET_HEADER) != SECRET:
                return web.Response(status=403)
            update = Update.de_json(await request.json(), application.bot)
            await application.update_queue.put(update)
            return web.Response(text="ok")

        async def ready(request: web.Request) -> web.Response:
            return web.Response(text="ok")

        web_app = web.Application()
        web_app.router.add_post("/telegram", hook)
        web_app.router.add_get("/readyz", ready)
        runner = web.AppRunner(web_app, access_log=None)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with application:
            await application.start()
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            await stop.wait()
            await runner.cleanup()
            await application.stop()

    run_loop(main())


async def start_echo(tg: FakeTelegram, tmp: Path) -> Worker:
    port = free_port()
    log = tmp / "echo.log"
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(SCRIPT), "--serve-echo", tg.base_url, tg.token, str(port),
            cwd=ROOT, stdout=out, stderr=out, stdin=asyncio.subprocess.DEVNULL)
    worker = Worker(proc, port, log)
    await wait_ready(worker)
    return worker


# -- the load --------------------------------------------------------------------------------
async def resident(tg: FakeTelegram, user: int, questions: list[str], rng: random.Random,
                   result: Result, start: float, end: float) -> None:
    while time.perf_counter() < end:
        update_id = tg.send_text(user, rng.choice(questions), first_name=f"居民{user}")
        try:
            msg = await tg.wait_for(user, timeout=30)
        except AssertionError:
            result.failures += 1
            return
        queued = tg.queued_at[update_id]
        if start <= queued < end:
            result.updates += 1
            result.latencies.append(msg.changed_at - queued)


async def measure(name: str, tg: FakeTelegram, bots: list[Worker], args: argparse.Namespace,
                  questions: list[str]) -> Result:
    result = Result(name)
    rng = random.Random(7)
    async with WebhookPusher(tg, [b.port for b in bots], concurrency=40):
        t0 = time.perf_counter()
        start, end = t0 + args.warmup, t0 + args.warmup + args.duration
        load = asyncio.gather(*(resident(tg, 50_000 + i, questions, random.Random(rng.random()),
                                         result, start, end) for i in range(args.residents)))
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        before = _cpu_snapshot(bots)
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        after = _cpu_snapshot(bots)
        await load
    result.seconds = args.duration
    result.cpu = {k: after[k] - before[k] for k in after if k != PG}
    # backends that came and went during the window are missed: count those alive throughout
    result.cpu[PG] = sum(v - before[PG][pid] for pid, v in after[PG].items()
                         if pid in before[PG])
    return result


PG = "postgres (all, shared)"


def _cpu_snapshot(bots: list[Worker]) -> dict[str, Any]:
    names = [("echo" if "echo" in b.log.name else f"worker {n + 1}") for n, b in enumerate(bots)]
    out: dict[str, Any] = {name: cpu_of(b.proc.pid) for name, b in zip(names, bots, strict=True)}
    out["driver (fake API, residents, proxy)"] = time.process_time()
    out[PG] = postgres_cpu()
    out["machine (all processes)"] = machine_busy()
    return out


async def run_echo(args: argparse.Namespace, questions: list[str]) -> Result:
    with tempfile.TemporaryDirectory(prefix="sb-scale-") as tmp:
        async with FakeTelegram() as tg:
            echo = await start_echo(tg, Path(tmp))
            try:
                return await measure("echo bot (PTB)", tg, [echo], args, questions)
            finally:
                await stop_workers([echo])


async def run_workers(n: int, args: argparse.Namespace, questions: list[str]) -> Result:
    schema, url = await create_schema(args.pg_url)
    try:
        with tempfile.TemporaryDirectory(prefix="sb-scale-") as tmp:
            config = write_config(Path(tmp) / "servicebot.yaml", dict(
                concurrent_updates=64, log_format="text"))
            async with FakeTelegram() as tg:
                workers = await start_workers(tg, url, Path(tmp), n, config=config)
                try:
                    return await measure(f"{n} worker{'s' if n > 1 else ''}", tg, workers, args,
                                         questions)
                finally:
                    await stop_workers(workers)
    finally:
        await drop_schema(args.pg_url, schema)


def report(results: list[Result], args: argparse.Namespace) -> str:
    echo = results[0]
    lines = [f"{args.residents} residents, closed loop (no think time), {args.duration:g} s "
             f"window after {args.warmup:g} s warm-up; {os.cpu_count()} CPUs; "
             f"load average before the run {args.loadavg}",
             "",
             "| bot | updates/s | × echo | p50 ms | p95 ms | bot CPU ms/update | × echo | fails |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r.name} | {r.rate:.0f} | {r.rate / echo.rate:.2f} | {r.pct(0.5):.0f} "
                     f"| {r.pct(0.95):.0f} | {r.bot_cpu_ms():.1f} | "
                     f"{r.bot_cpu_ms() / max(1e-9, echo.bot_cpu_ms()):.2f} | {r.failures} |")
    lines += ["", "CPU seconds per process over the window (and per update, ms):", ""]
    for r in results:
        parts = [f"{k} {v:.1f} s ({v / max(1, r.updates) * 1000:.1f})" for k, v in r.cpu.items()]
        lines.append(f"- {r.name}: " + "; ".join(parts))
    ones = [r for r in results if r.name == "1 worker"]
    twos = [r for r in results if r.name == "2 workers"]
    if ones and twos:
        lines += ["", f"one worker / echo bot: {ones[0].rate / echo.rate:.2f} (target ≥ 0.70); "
                      f"two workers / one: {twos[0].rate / ones[0].rate:.2f} (target ≥ 1.15)"]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    questions = pick_questions()
    args.loadavg = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results = []
    print("echo bot …", file=sys.stderr)
    results.append(await run_echo(args, questions))
    for n in args.workers:
        print(f"{n} worker(s) …", file=sys.stderr)
        results.append(await run_workers(n, args, questions))
    print(report(results, args))
    return 1 if any(r.failures for r in results) else 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--pg-url", default=os.environ.get("SERVICEBOT_BENCH_PG", PG_URL))
    return parser.parse_args(argv)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-echo":
        serve_echo(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        sys.exit(0)
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
