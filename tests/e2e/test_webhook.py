"""Webhook mode: Telegram POSTs updates to our endpoint, which must refuse anything forged or
malformed (4xx, nothing stored, nothing answered) and store real updates before saying 200."""

from __future__ import annotations

import contextlib

import pytest

from bot.channels.telegram import build_telegram_application
from bot.channels.telegram.webhook import MAX_BODY, create_webhook_app
from tests.e2e.conftest import RESIDENT
from tests.e2e.webhook_client import SECRET, inbox_rows, post_update
from tests.factories import make_app


async def test_update_is_answered(tg, hook):
    client, _ = hook
    resp = await post_update(client, tg.text_update(RESIDENT, "低保怎么申请"))
    assert resp.status == 200
    card = await tg.wait_for(RESIDENT)
    assert "最低生活保障" in card.text


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_forged_requests_are_refused_and_change_nothing(tg, hook, secret):
    client, app = hook
    resp = await post_update(client, tg.text_update(RESIDENT, "低保怎么申请"), secret=secret)
    assert resp.status == 403
    await tg.settle()
    assert tg.messages(RESIDENT) == []
    assert await inbox_rows(app) == 0


@pytest.mark.parametrize(("body", "status"), [
    (b"{not json", 400),
    (b"[1, 2, 3]", 400),
    (b'{"message": {"text": "hi"}}', 400),  # no update_id
    (b'{"update_id": "7"}', 400),
    (b'{"update_id": 7, "message": {"oops": true}}', 400),  # not a message PTB can read
    (b"\xff\xfe\x00", 400),
])
async def test_malformed_bodies_are_refused(hook, body, status):
    client, app = hook
    resp = await post_update(client, body, raw=True)
    assert resp.status == status
    assert await inbox_rows(app) == 0


async def test_huge_body_is_refused(hook):
    client, app = hook
    resp = await post_update(client, b'{"update_id": 1, "x": "' + b"a" * (MAX_BODY + 10) + b'"}', raw=True)
    assert resp.status == 413
    assert await inbox_rows(app) == 0


async def test_repeated_update_is_handled_once_and_stored_before_acknowledged(tg, hook):
    client, app = hook
    update = tg.text_update(RESIDENT, "身份证丢了怎么补")
    assert (await post_update(client, update)).status == 200
    assert await inbox_rows(app) == 1  # stored by the time Telegram got its 200
    await tg.wait_for(RESIDENT)
    assert (await post_update(client, update)).status == 200  # Telegram retrying
    await tg.settle()
    assert len(tg.messages(RESIDENT)) == 1


async def test_invalid_secret_setting_is_refused(tg, tg_settings, clock):
    app = await make_app(tg_settings, clock)
    application = build_telegram_application(app, migrate=False)
    with pytest.raises(ValueError, match="secret"):
        create_webhook_app(application, secret="has spaces!")
    with contextlib.suppress(Exception):
        await app.close()
