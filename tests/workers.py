"""Several `servicebot run` workers on one database in Telegram webhook mode, and Telegram's
webhook delivery to them as a reverse proxy would spread it (tests and bench/scale_bench.py).

    workers = await start_workers(tg, db_url, tmp_path, 3, config={...})
    async with WebhookPusher(tg, [w.port for w in workers]):
        tg.send_text(1001, "低保怎么申请")      # POSTed to one of the workers
        ...
    codes = await stop_workers(workers)          # SIGTERM, as systemd / compose do
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
SECRET = "workers-secret_1"
HOOK_URL = "https://bot.example.cn/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Worker:
    proc: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def worker_env(tg: FakeTelegram, db_url: str, data_dir: Path, port: int,
               config: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SERVICEBOT_") and k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env.update(TELEGRAM_BOT_TOKEN=tg.token, DATABASE_URL=db_url,
               SERVICEBOT_TELEGRAM_BASE_URL=tg.base_url,
               SERVICEBOT_TELEGRAM_BASE_FILE_URL=tg.base_file_url,
               SERVICEBOT_TELEGRAM_WEBHOOK_URL=HOOK_URL,
               SERVICEBOT_TELEGRAM_WEBHOOK_SECRET=SECRET,
               SERVICEBOT_HTTP_PORT=str(port), SERVICEBOT_DATA_DIR=str(data_dir))
    if config is not None:
        env["SERVICEBOT_CONFIG"] = str(config)
    return env


def write_config(path: Path, settings: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


async def spawn_worker(tg: FakeTelegram, db_url: str, data_dir: Path, *,
                       config: Path | None = None, port: int | None = None,
                       log: Path | None = None) -> Worker:
    port = port or free_port()
    log = log or data_dir / f"worker-{port}.log"
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", cwd=ROOT,
            env=worker_env(tg, db_url, data_dir, port, config),
            stdout=out, stderr=out, stdin=asyncio.subprocess.DEVNULL)
    return Worker(proc, port, log)


async def wait_ready(worker: Worker, *, timeout: float = 90.0) -> None:  # noqa: ASYNC109
    """Until the worker's /readyz answers 200 (it then serves the webhook too)."""
    async with aiohttp.ClientSession() as http:
        try:
            async with asyncio.timeout(timeout):
                while True:
                    if worker.proc.returncode is not None:
                        raise AssertionError(f"worker exited:\n{worker.output()[-3000:]}")
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.get(worker.url + "/readyz") as resp:
                            if resp.status == 200:
                                return
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise AssertionError(f"worker not ready:\n{worker.output()[-3000:]}") from None


async def start_workers(tg: FakeTelegram, db_url: str, data_dir: Path, n: int, *,
                        config: Path | None = None) -> list[Worker]:
    workers = [await spawn_worker(tg, db_url, data_dir, config=config) for _ in range(n)]
    try:
        await asyncio.gather(*(wait_ready(w) for w in workers))
    except BaseException:
        await stop_workers(workers, kill=True)
        raise
    return workers


async def stop_workers(workers: list[Worker], *, timeout: float = 15.0,  # noqa: ASYNC109
                       kill: bool = False) -> list[int | None]:
    """SIGTERM (or SIGKILL) each worker; their exit codes (None: still running after
    `timeout`, then killed)."""
    for w in workers:
        if w.proc.returncode is None:
            w.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    codes: list[int | None] = []
    for w in workers:
        try:
            codes.append(await asyncio.wait_for(w.proc.wait(), timeout))
        except TimeoutError:
            w.proc.kill()
            await w.proc.wait()
            codes.append(None)
    return codes


@dataclass
class WebhookPusher:
    """Telegram's webhook delivery through a proxy to several workers: each update the fake
    queues is POSTed to the next worker in turn; an answer other than 200, or a refused
    connection, is retried on the next worker (Telegram retries, nginx tries the next
    upstream). `repeat_every=k` POSTs every k-th update a second time to another worker after
    it was accepted (Telegram retrying a call whose answer it did not get)."""

    tg: FakeTelegram
    ports: list[int]
    concurrency: int = 40
    repeat_every: int = 0
    accepted: dict[int, int] = field(default_factory=dict)  # update_id → port
    refused: int = 0
    _task: asyncio.Task[None] | None = None
    _inflight: set[asyncio.Task[None]] = field(default_factory=set)

    async def __aenter__(self) -> WebhookPusher:
        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.concurrency))
        self._slots = asyncio.Semaphore(self.concurrency)
        self._turn = itertools.count()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
        await self._http.close()

    async def _run(self) -> None:
        count = 0
        while True:
            update = await self.tg.next_update(timeout=0.5)
            if update is None:
                continue
            count += 1
            await self._slots.acquire()
            repeat = bool(self.repeat_every) and count % self.repeat_every == 0
            task = asyncio.create_task(self._deliver(update, repeat))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _deliver(self, update: dict[str, Any], repeat: bool) -> None:
        try:
            port = await self._post(update)
            if repeat:
                others = [p for p in self.ports if p != port] or self.ports
                await self._post(update, ports=others)
        finally:
            self._slots.release()

    async def _post(self, update: dict[str, Any], ports: list[int] | None = None) -> int:
        ports = ports or self.ports
        for _attempt in range(50):
            port = ports[next(self._turn) % len(ports)]
            try:
                async with self._http.post(f"http://127.0.0.1:{port}/telegram", json=update,
                                           headers={SECRET_HEADER: SECRET}) as resp:
                    if resp.status == 200:
                        self.accepted.setdefault(update["update_id"], port)
                        return port
            except aiohttp.ClientError:
                pass
            self.refused += 1
            await asyncio.sleep(0.05)
        raise AssertionError(f"update {update['update_id']} was never accepted")
