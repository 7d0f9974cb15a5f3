"""`servicebot run` (bot/serve.py) in Telegram webhook mode: setWebhook with the secret, the
webhook served on http_host:http_port, a real update answered; bad settings refused clearly."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import aiohttp
import pytest

from bot.channels.telegram.webhook import SECRET_HEADER
from bot.serve import serve
from bot.settings import SettingsError
from tests.e2e.conftest import RESIDENT, telegram_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_sets_the_webhook_and_answers_updates(tg, tmp_path, sqlite_url):
    port = free_port()
    settings = telegram_settings(tg, tmp_path, sqlite_url, http_port=port,
                                 telegram_webhook_url="https://bot.example.cn/tg-hook",
                                 telegram_webhook_secret="s3cret_token-1",
                                 scheduler_enabled=False)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop=stop))
    try:
        async with asyncio.timeout(30):
            while tg.webhook is None:
                assert not task.done(), task
                await asyncio.sleep(0.05)
        assert tg.webhook == {"url": "https://bot.example.cn/tg-hook",
                              "secret_token": "s3cret_token-1"}
        assert tg.calls_for("getUpdates") == []  # no polling in webhook mode
        update = tg.text_update(RESIDENT, "低保怎么申请")
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/tg-hook"
            async with http.post(url, json=update) as resp:
                assert resp.status == 403  # no secret: forged
            async with http.post(url, json=update, headers={SECRET_HEADER: "s3cret_token-1"}) as resp:
                assert resp.status == 200
        card = await tg.wait_for(RESIDENT)
        assert "最低生活保障" in card.text
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
    assert task.result() == 0


@pytest.mark.parametrize(("url", "secret", "message"), [
    ("http://bot.example.cn/hook", "abc", "https"),
    ("https://bot.example.cn/hook", None, "secret"),
    ("https://bot.example.cn/hook", "has spaces", "secret"),
])
async def test_bad_webhook_settings_are_refused(tg, tmp_path, sqlite_url, url, secret, message):
    settings = telegram_settings(tg, tmp_path, sqlite_url, telegram_webhook_url=url,
                                 telegram_webhook_secret=secret)
    with pytest.raises(SettingsError, match=message):
        await serve(settings, stop=asyncio.Event())
