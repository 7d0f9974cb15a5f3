"""Talking to the Telegram webhook endpoint as Telegram would (the `hook` fixture of
conftest.py serves it): a POST with the secret header, and the inbox rows it stored."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.app import App
from bot.channels.telegram.webhook import SECRET_HEADER
from storage.models import InboxUpdate

SECRET = "wh-secret_123"


async def post_update(client: TestClient, body: Any, *, secret: str | None = SECRET,
                      raw: bool = False):  # type: ignore[no-untyped-def]
    """POST `body` (JSON-encoded unless `raw`) to /telegram, with `secret` unless None."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = body if raw else json.dumps(body)
    return await client.post("/telegram", data=data, headers=headers)


async def inbox_rows(app: App) -> int:
    async with app.services.db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(InboxUpdate)) or 0
