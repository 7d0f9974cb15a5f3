"""A Telegram conversation at DEBUG on every logger (PTB, httpx, aiohttp, SQLAlchemy,
aiosqlite, ours) writes no bot token, mobile number or ID number to the log (issue 8,
finding 4): a booking with a shared contact, a typed phone and an ID number in a question."""

from __future__ import annotations

import logging

from tests.e2e.conftest import RESIDENT, start_bot, telegram_settings
from tests.e2e.test_e2e_booking import book_birth_registration
from tests.fake_telegram import FakeTelegram

TOKEN = "7312345678:AAHk3_zLqWx9vB2nM4pQ8rT6yU1iO0eKdJs"  # shaped like a real one


def _debug_everywhere() -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            logger.setLevel(logging.DEBUG)


async def test_a_debug_log_of_a_conversation_holds_no_token_phone_or_id(tmp_path, sqlite_url,
                                                                        clock, caplog):
    caplog.set_level(logging.DEBUG)
    async with FakeTelegram(token=TOKEN) as tg:
        settings = telegram_settings(tg, tmp_path, sqlite_url)
        async with start_bot(tg, settings, clock):
            _debug_everywhere()  # after the factory, which quiets httpx
            await book_birth_registration(tg)  # shares the contact +86 138 1234 5678
            tg.send_text(RESIDENT, "我身份证号是11010519491231002X，电话13987654321，能办低保吗")
            await tg.wait_for(RESIDENT, lambda m: "低保" in m.plain or "最低生活保障" in m.plain)
    text = caplog.text
    assert len(caplog.records) > 200  # PTB, the database and the fake server were all talking
    assert "getUpdates" in text and "sendMessage" in text
    for secret in (TOKEN, TOKEN.split(":")[1], "13812345678", "13987654321",
                   "11010519491231002X"):
        assert secret not in text, secret
    assert "138****5678" in text  # the updates are still in the log, masked
