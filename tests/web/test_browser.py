"""The web chat in a real browser (Chromium on a 390-px phone screen): ask, tick the
checklist, book, get a staff reply pushed live, reload and continue; large text remembered;
keyboard only. Skipped, with the reason, where Chromium or Playwright is missing."""

from __future__ import annotations

import pytest

from tests.factories import Console, Inboxes
from tests.web.browser import BROWSER_MISSING, PHONE, launch
from tests.web.conftest import start_web

pytestmark = pytest.mark.skipif(BROWSER_MISSING is not None, reason=BROWSER_MISSING or "")

TIMEOUT = 20_000  # ms: a loaded 2-core machine


@pytest.fixture
async def browser():  # type: ignore[no-untyped-def]
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await launch(p)
        yield chromium
        await chromium.close()


@pytest.fixture
async def served(app):  # type: ignore[no-untyped-def]
    app.attach_sender("console", Inboxes())  # staff notices, read by no one here
    client = await start_web(app)
    yield f"http://{client.server.host}:{client.server.port}/chat/"
    await client.close()


async def _page(browser, url: str, locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
    context = await browser.new_context(viewport=PHONE, locale=locale)
    context.set_default_timeout(TIMEOUT)
    page = await context.new_page()
    await page.goto(url)
    return page


async def _ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    await page.fill("#input", text)
    await page.press("#input", "Enter")


def _bot(page, text: str):  # type: ignore[no-untyped-def]
    return page.locator(".msg.bot", has_text=text).last


async def test_ask_tick_book_staff_reply_reload(app, browser, served):
    page = await _page(browser, served)
    from playwright.async_api import expect

    await _ask(page, "低保怎么申请")
    card = _bot(page, "最低生活保障")
    await expect(card.get_by_role("button", name="材料清单")).to_be_visible()
    card = page.locator("#" + await card.get_attribute("id"))  # this message, not the last one
    assert await page.locator(".msg.visitor").last.text_content() == "我: 低保怎么申请"

    # the checklist: situations, then tick a material; the message changes in place
    await card.get_by_role("button", name="材料清单").click()
    await _bot(page, "请勾选适用").get_by_role("button", name="下一步").click()
    checklist = _bot(page, "已备 0 /")
    first = checklist.get_by_role("button").first
    await first.click()
    await expect(_bot(page, "已备 1 /")).to_be_visible()
    assert await page.locator(".msg.bot", has_text="已备 0 /").count() == 0

    # book a visit: day, time, name, phone, confirm; the QR code shows inline
    await card.get_by_role("button", name="预约办理").click()
    await _bot(page, "请选择日期").get_by_role("button", name="11月24日").click()
    await _bot(page, "请选择时间").get_by_role("button", name="09:00").click()
    await _ask(page, "王芳")
    await expect(_bot(page, "手机号")).to_be_visible()
    await _ask(page, "13812345678")
    await _bot(page, "请核对预约信息").get_by_role("button", name="确认预约").click()
    qr = page.locator(".msg.bot img").last
    await expect(qr).to_be_visible()
    assert await qr.evaluate("img => img.naturalWidth") > 0  # served to this visitor

    # a question for staff; the staff reply arrives while the page is open
    await _ask(page, "村口那条路的路灯坏了好几天了谁管")
    await page.locator(".msg.bot").last.get_by_role("button", name="提交给工作人员").click()
    await expect(_bot(page, "Q1")).to_be_visible()
    staff = Console(app, "staff", "小陈")
    await staff.say("/take 1")
    await staff.say("/reply 1 已联系供电所，明天来修")
    await expect(_bot(page, "明天来修")).to_be_visible()

    # reload: the whole conversation is there, ticks included, and it goes on
    await page.reload()
    await expect(_bot(page, "明天来修")).to_be_visible()
    await expect(_bot(page, "已备 1 /")).to_be_visible()
    await _bot(page, "明天来修").get_by_role("button", name="补充说明").click()
    await expect(page.locator(".msg.bot").last).to_contain_text("补充")


async def test_large_text_is_remembered_and_keyboard_alone_works(browser, served):
    from playwright.async_api import expect

    page = await _page(browser, served)
    size = await page.evaluate("getComputedStyle(document.documentElement).fontSize")
    await page.focus("#large")
    await page.keyboard.press("Enter")
    await expect(page.locator("html.large")).to_have_count(1)
    assert await page.get_attribute("#large", "aria-pressed") == "true"
    await page.reload()
    await expect(page.locator("html.large")).to_have_count(1)
    larger = await page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert float(larger.rstrip("px")) > float(size.rstrip("px"))

    # keyboard only: type, Enter, Tab to the card's button, Enter
    await page.focus("#input")
    await page.keyboard.type("低保怎么申请")
    await page.keyboard.press("Enter")
    await expect(_bot(page, "最低生活保障")).to_be_visible()
    await page.focus("#log")
    for _ in range(10):
        await page.keyboard.press("Tab")
        if "材料清单" in (await page.evaluate("document.activeElement.textContent") or ""):
            break
    await page.keyboard.press("Enter")
    await expect(_bot(page, "请勾选适用")).to_be_visible()


async def test_english_page(browser, served):
    from playwright.async_api import expect

    page = await _page(browser, served, locale="en-US")
    await expect(page.locator("#send")).to_have_text("Send")
    await _ask(page, "how do I apply for minimum living allowance")
    await expect(page.locator(".msg.bot").last).to_contain_text("Time limit")
