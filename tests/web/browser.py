"""Driving the web chat in a real browser: Debian's Chromium through Playwright (no browser
download). `BROWSER_MISSING` says why the browser tests cannot run here, or is None."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

CHROMIUM = os.environ.get("SERVICEBOT_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return (f"Chromium is not installed at {CHROMIUM} "
                "(apt-get install chromium fonts-noto-cjk, or set SERVICEBOT_TEST_CHROMIUM)")
    return None


BROWSER_MISSING = _missing()


EXPECT_TIMEOUT = 20_000  # ms for expect(...) to come true: a loaded 2-core machine


async def launch(playwright):  # type: ignore[no-untyped-def]
    from playwright.async_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
