"""Log lines hold no secret and no resident's number (issue 8, finding 4): a database error
with a phone and an ID number in its parameters, and the redaction of every logger's records."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from bot import logredact
from bot.app import create_app
from storage.db import Database
from storage.models import Resident
from tests.factories import make_settings, shipped_kb

PHONE = "13987654321"
ID_NUMBER = "11010519491231002X"


async def test_a_database_errors_log_line_holds_no_phone_or_id_number(db_url, caplog):
    logredact.install()
    caplog.set_level(logging.DEBUG)  # SQLAlchemy's statement log included
    db = Database(db_url)
    try:
        async with db.transaction() as s:
            s.add(Resident(channel="telegram", user_id="5", phone="13800000000"))
        with pytest.raises(IntegrityError) as failed:  # the same person twice
            async with db.transaction() as s:
                s.add(Resident(channel="telegram", user_id="5", phone=PHONE,
                               real_name=ID_NUMBER))
        logging.getLogger("bot.dispatcher").exception("update failed", exc_info=failed.value)
    finally:
        await db.dispose()
    # the engine hides parameters from the error itself, whatever logs it
    assert PHONE not in str(failed.value) and ID_NUMBER not in str(failed.value)
    assert "IntegrityError" in caplog.text and "hidden" in caplog.text
    assert PHONE not in caplog.text and ID_NUMBER not in caplog.text  # aiosqlite's DEBUG too
    [line] = [r for r in caplog.records if r.name == "bot.dispatcher"]
    assert "139****4321" not in line.exc_text  # not even masked: the parameters never appear


def test_every_loggers_records_are_redacted_whoever_logs_them(tmp_path, caplog):
    token = "7312345678:AAHk3_zLqWx9vB2nM4pQ8rT6yU1iO0eKdJs"
    settings = make_settings(tmp_path, "sqlite+aiosqlite:///:memory:", telegram_bot_token=token,
                             wechat_token="wx-secret-token", wechat_app_secret="0123456789abcdef")
    create_app(settings, kb=shipped_kb())  # installs the redaction with these secrets
    caplog.set_level(logging.DEBUG)
    late = logging.getLogger("made.after.install")  # a logger nobody configured
    late.debug("POST https://api.telegram.org/bot%s/sendMessage", token)
    late.info("token %s, app secret %s", "wx-secret-token", "0123456789abcdef")
    late.warning("GET /cgi-bin/message/custom/send?access_token=ACCESS_abc123 failed")
    logging.getLogger("telegram.ext").debug("update %r", {"phone_number": "+86 139 8765 4321",
                                                        "text": f"身份证{ID_NUMBER}"})
    try:
        raise ValueError(f"bad row ({PHONE}, {token})")
    except ValueError:
        logging.getLogger("aiosqlite").exception("failed")
    text = caplog.text
    for secret in (token, "AAHk3_zLqWx9vB2nM4pQ8rT6yU1iO0eKdJs", "wx-secret-token",
                   "0123456789abcdef", "ACCESS_abc123", PHONE, "139 8765 4321", ID_NUMBER):
        assert secret not in text, secret
    assert "139****4321" in text and "110105********002X" in text  # masked, still useful
    assert text.count(logredact.HIDDEN) >= 5
