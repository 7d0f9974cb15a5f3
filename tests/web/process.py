"""`servicebot run` as a real process, as a newcomer starts it (no token: the web chat)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """One `servicebot run` process on `data_dir` and `port`; `start` waits for its URL."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.proc: asyncio.subprocess.Process | None = None
        self.stdout = ""

    async def start(self) -> str:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SERVICEBOT_") and k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
        env.update(SERVICEBOT_DATA_DIR=str(self.data_dir), SERVICEBOT_HTTP_PORT=str(self.port),
                   SERVICEBOT_SCHEDULER_ENABLED="false", PYTHONUNBUFFERED="1")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert self.proc.stdout is not None
        async with asyncio.timeout(90):
            while "web chat: open" not in self.stdout:
                line = await self.proc.stdout.readline()
                if not line:
                    err = await self.proc.stderr.read()  # type: ignore[union-attr]
                    raise AssertionError(f"servicebot run ended: {err.decode()[-2000:]}")
                self.stdout += line.decode()
        return f"http://127.0.0.1:{self.port}/chat/"

    async def stop(self) -> str:
        """SIGTERM, as a service manager stops it; returns stderr."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(self.proc.communicate(), 60)
        self.stdout += out.decode()
        assert self.proc.returncode == 0, err.decode()[-2000:]
        return err.decode()
