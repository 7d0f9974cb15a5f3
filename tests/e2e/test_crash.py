"""A real crash: the bot process is killed (SIGKILL) in the middle of a checklist, with one
button press confirmed to Telegram but not yet handled. A new process on the same SQLite file
handles that press from its inbox, and the resident carries on where they were."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.e2e.conftest import RESIDENT
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


def _read(path: Path) -> str:
    return path.read_text(errors="replace")


async def start_process(tg: FakeTelegram, db_url: str, data_dir: Path,
                        log: Path) -> asyncio.subprocess.Process:
    """`servicebot run` against the fake Bot API; returns once it polls."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SERVICEBOT_") and k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env.update(TELEGRAM_BOT_TOKEN=tg.token, DATABASE_URL=db_url,
               SERVICEBOT_TELEGRAM_BASE_URL=tg.base_url,
               SERVICEBOT_TELEGRAM_BASE_FILE_URL=tg.base_file_url,
               SERVICEBOT_DATA_DIR=str(data_dir), SERVICEBOT_CONCURRENT_UPDATES="8")
    polls = len(tg.calls_for("getUpdates"))
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
            stdout=out, stderr=out, stdin=asyncio.subprocess.DEVNULL)
    try:
        await tg.wait_calls("getUpdates", count=polls + 1, timeout=20)
    except AssertionError:
        proc.kill()
        raise AssertionError(_read(log)[-3000:]) from None
    return proc


async def test_killed_mid_checklist_the_resident_continues(tg, tmp_path, sqlite_url):
    log = tmp_path / "bot.log"
    first = await start_process(tg, sqlite_url, tmp_path, log)
    try:
        tg.send_text(RESIDENT, "低保怎么申请")
        tg.tap(RESIDENT, await tg.wait_for(RESIDENT, timeout=10), "材料清单")
        listing = await tg.wait_for(RESIDENT)
        if listing.has_button("下一步"):
            tg.tap(RESIDENT, listing, "下一步")
            listing = await tg.wait_for(RESIDENT)
        tg.tap(RESIDENT, listing, "⬜ 1.")
        listing = await tg.wait_for(RESIDENT, lambda m: m.has_button("✅ 1."))

        # tick 2 is handled (committed) but its edit never reaches Telegram; tick 3 is
        # fetched and confirmed, then waits behind tick 2 — and the process is killed
        gate = tg.hold("editMessageText", chat_id=RESIDENT)
        tg.tap(RESIDENT, listing, "⬜ 2.")
        await tg.wait_held(gate)
        third = tg.tap(RESIDENT, listing, "⬜ 3.")
        await tg.wait_confirmed(third)
    finally:
        first.kill()
        await first.wait()
    gate.drop()
    assert not listing.has_button("✅ 2.")  # the resident never saw tick 2

    second = await start_process(tg, sqlite_url, tmp_path, log)
    try:
        # the new process handles tick 3 from its inbox; the edit shows all three ticks
        listing = await tg.wait_for(RESIDENT, lambda m: m.has_button("✅ 3."), timeout=10)
        assert listing.has_button("✅ 1.") and listing.has_button("✅ 2.")
        tg.tap(RESIDENT, listing, "告知单")
        notice = await tg.wait_for(RESIDENT, lambda m: "一次性告知单" in m.plain)
        doc = await tg.wait_for(RESIDENT, lambda m: m.kind == "document")
        assert "已备" in doc.document.text
        assert notice.plain
    finally:
        second.terminate()  # SIGTERM: PTB stops gracefully
        await second.wait()
    output = _read(log)
    assert "handling 1 update(s) stored before the last stop" in output
    assert "ERROR bot.channels" not in output


def _first(message, pattern: str) -> str:  # type: ignore[no-untyped-def]
    """The label of the first button of `message` matching `pattern`."""
    import re

    return next(label for row in message.buttons for label, _ in row if re.search(pattern, label))


async def test_killed_after_a_booking_commits_the_confirmation_still_arrives(tg, tmp_path,
                                                                           sqlite_url):
    """Issue 8, finding 1: the booking is committed, the process dies before Telegram gets
    the confirmation; the next process sends the code, the QR code and the .ics file."""
    log = tmp_path / "bot.log"
    first = await start_process(tg, sqlite_url, tmp_path, log)
    try:
        tg.send_text(RESIDENT, "孩子刚出生要上户口带什么", first_name="王")
        card = await tg.wait_for(RESIDENT, lambda m: "出生登记" in m.plain, timeout=10)
        tg.tap(RESIDENT, card, "预约办理")
        days = await tg.wait_for(RESIDENT, lambda m: any(
            "月" in label for row in m.buttons for label, _ in row))
        tg.tap(RESIDENT, days, _first(days, r"\d+月\d+日"))
        times = await tg.wait_for(RESIDENT, lambda m: any(
            ":" in label for row in m.buttons for label, _ in row))
        tg.tap(RESIDENT, times, _first(times, r"\d\d:\d\d"))
        await tg.wait_for(RESIDENT, lambda m: "姓名" in m.plain)
        tg.send_text(RESIDENT, "王秀英")
        await tg.wait_for(RESIDENT, lambda m: m.asks_contact)
        tg.share_contact(RESIDENT, "8613812345678")
        summary = await tg.wait_for(RESIDENT, lambda m: m.has_button("确认预约"))
        gates = [tg.hold(method, chat_id=RESIDENT)
                 for method in ("editMessageText", "sendMessage", "sendPhoto", "sendDocument")]
        confirm = tg.tap(RESIDENT, summary, "确认预约")
        await tg.wait_confirmed(confirm)
        await _any_held(tg, gates)  # committed, its reply on the way
    finally:
        first.kill()
        await first.wait()
    for gate in gates:
        gate.drop()
    assert not any("预约成功" in t for t in tg.texts(RESIDENT))

    second = await start_process(tg, sqlite_url, tmp_path, log)
    try:
        confirmed = await tg.wait_for(RESIDENT, lambda m: "预约成功" in m.plain, timeout=15)
        code = __import__("re").search(r"预约码：([A-Z0-9]{6})", confirmed.plain).group(1)
        photo = await tg.wait_for(RESIDENT, lambda m: m.kind == "photo", after=0)
        doc = await tg.wait_for(RESIDENT, lambda m: m.kind == "document", after=0)
        assert code in photo.text and doc.document.filename == f"{code}.ics"
        await tg.settle()
        assert sum("预约成功" in t for t in tg.texts(RESIDENT)) == 1
    finally:
        second.terminate()
        await second.wait()
    assert "Traceback" not in _read(log)


async def _any_held(tg: FakeTelegram, gates) -> None:  # type: ignore[no-untyped-def]
    waits = [asyncio.ensure_future(tg.wait_held(g, timeout=10)) for g in gates]
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()
