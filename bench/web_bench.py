"""Web chat latency in a real browser, comparable with bench/e2e_bench.py (Telegram).

`servicebot run` in its own process (no token: the web chat, SQLite in a temporary
directory); Debian's Chromium on a 390-px phone screen, driven by Playwright. Each resident
(a fresh browser context: a new visitor) does what the Telegram benchmark's residents do:
asks a question, opens the checklist (and its 下一步 when the item has situations) and
ticks three materials, one after another with a short pause. Measured in the page: from the
moment the message is sent (Enter, or a button pressed) to the moment the answer changes the
page (a new bot message, or the checklist edited in place) — socket, server, database and
rendering included.

    python bench/web_bench.py                        # 10 residents, one after another
    python bench/web_bench.py --residents 30 --pages 3   # three pages at a time
    python bench/web_bench.py --screenshot docs/web-chat.png   # also the README's picture
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from e2e_bench import TICKS, pick_questions  # noqa: E402

from tests.web.browser import BROWSER_MISSING, PHONE, launch  # noqa: E402
from tests.web.process import Served, free_port  # noqa: E402

# resolves with the milliseconds from now until the page shows the answer
ASK = """(question) => new Promise((resolve) => {
  const log = document.getElementById("log");
  const before = log.querySelectorAll(".msg.bot").length;
  const t0 = performance.now();
  const seen = new MutationObserver(() => {
    if (log.querySelectorAll(".msg.bot").length > before) {
      seen.disconnect(); resolve(performance.now() - t0);
    }
  });
  seen.observe(log, {childList: true, subtree: true});
  document.getElementById("input").value = question;
  document.getElementById("composer").requestSubmit();
})"""
PRESS = """([id, label]) => new Promise((resolve, reject) => {
  const log = document.getElementById("log");
  const button = [...document.querySelectorAll("#" + id + " button")]
    .find((b) => b.textContent.includes(label));
  if (!button) { reject(new Error("no button " + label + " in " + id)); return; }
  const t0 = performance.now();
  const seen = new MutationObserver(() => { seen.disconnect(); resolve(performance.now() - t0); });
  seen.observe(log, {childList: true, subtree: true, characterData: true});
  button.click();
})"""
LAST_BOT = "() => { const all = document.querySelectorAll('.msg.bot'); return all[all.length - 1].id; }"


async def resident(browser, url: str, question: str, pause: float,  # type: ignore[no-untyped-def]
                   steps: dict[str, list[float]]) -> None:
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_function("document.getElementById('status').textContent === ''")
    steps["question → card"].append(await page.evaluate(ASK, question))
    card = await page.evaluate(LAST_BOT)
    await asyncio.sleep(pause)
    steps["card → checklist"].append(await page.evaluate(PRESS, [card, "材料清单"]))
    listing = await page.evaluate(LAST_BOT)
    if await page.locator(f"#{listing} button", has_text="下一步").count():
        await asyncio.sleep(pause)
        steps["card → checklist"].append(await page.evaluate(PRESS, [listing, "下一步"]))
        listing = await page.evaluate(LAST_BOT)
    for n in range(1, TICKS + 1):
        await asyncio.sleep(pause)
        await page.wait_for_selector(f"#{listing} button:has-text('⬜ {n}.')")
        steps["tick"].append(await page.evaluate(PRESS, [listing, f"⬜ {n}."]))
    await page.wait_for_selector(f"#{listing} button:has-text('✅ {TICKS}.')")
    await context.close()


async def screenshot(browser, url: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    # a tall phone (390 × 1000 CSS px), so the picture holds the card's buttons and the ticks
    context = await browser.new_context(viewport={**PHONE, "height": 1000}, locale="zh-CN",
                                        device_scale_factor=2)
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_function("document.getElementById('status').textContent === ''")
    await page.evaluate(ASK, "孩子刚出生要上户口带什么")
    card = await page.evaluate(LAST_BOT)
    await page.evaluate(PRESS, [card, "材料清单"])
    listing = await page.evaluate(LAST_BOT)
    await page.evaluate(PRESS, [listing, "下一步"])
    listing = await page.evaluate(LAST_BOT)
    await page.wait_for_selector(f"#{listing} button:has-text('⬜ 1.')")
    await page.evaluate(PRESS, [listing, "⬜ 1."])
    await page.wait_for_selector(f"#{listing} button:has-text('✅ 1.')")
    await page.evaluate(PRESS, [listing, "⬜ 3."])
    await page.wait_for_selector(f"#{listing} button:has-text('✅ 3.')")
    await page.evaluate("document.querySelector('main').scrollTop = 1e6")
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path))
    await context.close()


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"{name:<18} {len(values):>5} {statistics.median(values):>8.0f} {p95:>8.0f} "
            f"{max(values):>8.0f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=10)
    parser.add_argument("--pages", type=int, default=1, help="residents at a time")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between steps")
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    if BROWSER_MISSING:
        raise SystemExit(BROWSER_MISSING)
    from playwright.async_api import async_playwright

    questions = pick_questions()
    with tempfile.TemporaryDirectory() as tmp:
        served = Served(Path(tmp) / "data", free_port())
        url = await served.start()
        try:
            async with async_playwright() as p:
                browser = await launch(p)
                steps: dict[str, list[float]] = {"question → card": [], "card → checklist": [],
                                                 "tick": []}
                queue = list(range(args.residents))

                async def page_worker() -> None:
                    while queue:
                        i = queue.pop(0)
                        await resident(browser, url, questions[i % len(questions)], args.pause,
                                       steps)

                await asyncio.gather(*(page_worker() for _ in range(args.pages)))
                if args.screenshot:
                    await screenshot(browser, url, args.screenshot)
                await browser.close()
        finally:
            await served.stop()
    every = [v for values in steps.values() for v in values]
    print(f"web chat in Chromium, SQLite, {args.residents} residents, {args.pages} page(s) at a "
          f"time, {args.pause:g} s between steps")
    print(f"{'step':<18} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in steps.items():
        print(summary(name, values))
    print(summary("all steps", every))


if __name__ == "__main__":
    asyncio.run(main())
