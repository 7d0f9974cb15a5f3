"""`servicebot run` with no token is the embedded default: it serves the web chat, prints
its URL, and stops cleanly; a page reopened after a restart continues."""

from __future__ import annotations

import aiohttp
import pytest

from tests.web.browser import BROWSER_MISSING, PHONE, launch
from tests.web.process import Served, free_port


async def test_run_without_a_token_serves_the_web_chat_and_prints_its_url(tmp_path):
    served = Served(tmp_path / "data", free_port())
    url = await served.start()
    try:
        assert f"web chat: open {url}" in served.stdout
        assert "No Telegram or WeChat token" in served.stdout
        async with aiohttp.ClientSession() as http:
            async with http.get(url.removesuffix("chat/")) as resp:  # / leads to the chat
                assert resp.status == 200 and "在线咨询" in await resp.text()
            async with http.get(url + "static/chat.css") as resp:
                assert resp.status == 200
    finally:
        await served.stop()
    assert (tmp_path / "data" / "servicebot.sqlite3").exists()  # migrated on start


@pytest.mark.skipif(BROWSER_MISSING is not None, reason=BROWSER_MISSING or "")
async def test_a_page_open_across_a_restart_continues(tmp_path):
    from playwright.async_api import async_playwright, expect

    served = Served(tmp_path / "data", free_port())
    url = await served.start()
    async with async_playwright() as p:
        browser = await launch(p)
        try:
            page = await (await browser.new_context(viewport=PHONE, locale="zh-CN")).new_page()
            page.set_default_timeout(30_000)
            await page.goto(url)
            await page.fill("#input", "低保怎么申请")
            await page.press("#input", "Enter")
            card = page.locator(".msg.bot", has_text="最低生活保障").first
            await expect(card).to_be_visible()
            await served.stop()
            await expect(page.locator("#status")).to_contain_text("连接已断开", timeout=30_000)

            await served.start()  # the same database, the same port
            await expect(page.locator("#status")).to_be_empty(timeout=30_000)
            await card.get_by_role("button", name="材料清单").click()
            await expect(page.locator(".msg.bot", has_text="请勾选适用")).to_be_visible()
            # and a page opened afresh shows the conversation so far
            await page.reload()
            await expect(page.locator(".msg.bot", has_text="请勾选适用")).to_be_visible()
            await expect(page.locator(".msg.visitor")).to_have_text(["我: 低保怎么申请"])
        finally:
            await browser.close()
            await served.stop()
