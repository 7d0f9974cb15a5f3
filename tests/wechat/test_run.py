"""`servicebot run` with a WeChat token serves the webhook (a real process), and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from bot.channels.wechat.security import signature
from tests.wechat.conftest import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_run_serves_the_wechat_webhook(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SERVICEBOT_") and k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env.update(SERVICEBOT_DATA_DIR=str(tmp_path / "data"), SERVICEBOT_WECHAT_TOKEN=TOKEN,
               SERVICEBOT_HTTP_PORT=str(port), SERVICEBOT_SCHEDULER_ENABLED="false")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        nonce = "n1"
        async with aiohttp.ClientSession() as http, asyncio.timeout(60):
            while True:  # until the process listens (loading the knowledge base takes a moment)
                ts = str(int(time.time()))
                query = {"signature": signature(TOKEN, ts, nonce), "timestamp": ts,
                         "nonce": nonce, "echostr": "hello-wechat"}
                try:
                    async with http.get(f"http://127.0.0.1:{port}/wechat", params=query) as resp:
                        assert resp.status == 200 and await resp.text() == "hello-wechat"
                        break
                except aiohttp.ClientConnectionError:
                    assert proc.returncode is None, await proc.stderr.read()  # type: ignore[union-attr]
                    await asyncio.sleep(0.2)
                    nonce += "1"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    assert "webhooks on" in err.decode() and "/wechat" in err.decode()


def test_a_bad_encoding_aes_key_stops_run_with_a_clear_message(tmp_path):
    import subprocess

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SERVICEBOT_") and k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env.update(SERVICEBOT_DATA_DIR=str(tmp_path / "data"), SERVICEBOT_WECHAT_TOKEN=TOKEN,
               SERVICEBOT_WECHAT_APP_ID="wx1", SERVICEBOT_WECHAT_ENCODING_AES_KEY="short")
    out = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "EncodingAESKey" in out.stderr
    assert "Traceback" not in out.stderr
