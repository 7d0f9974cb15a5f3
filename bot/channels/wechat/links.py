"""Documents and pictures on WeChat: stored under an unguessable token and sent as a link
(`<public_url>/wechat/f/<token>`) that expires; without a public URL, only named."""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.wechat.events import CHANNEL
from bot.textsplit import plain_text
from domain.messages import Attachment
from storage import wechat as store


class Links:
    def __init__(self, public_url: str | None, days: int) -> None:
        self.public_url = public_url.rstrip("/") if public_url else None
        self.days = days

    def url(self, token: str) -> str:
        return f"{self.public_url}/wechat/f/{token}"

    async def store(self, session: AsyncSession, *, user_id: str, filename: str, data: bytes,
                    now: datetime, content_type: str | None = None) -> str:
        """Keep a file for the person for `days`; its link."""
        token = secrets.token_urlsafe(32)
        await store.add_file(session, token=token, channel=CHANNEL, user_id=user_id,
                             filename=filename, content_type=content_type or guess_type(filename),
                             data=data, now=now, expires_at=now + timedelta(days=self.days))
        return self.url(token)

    async def line(self, session: AsyncSession, user_id: str, att: Attachment,
                   label: Callable[..., str], now: datetime) -> str:
        """The line standing for an attachment in a message: its link, or its name alone."""
        name = plain_text(att.caption).strip().rstrip("。.!！:：") or att.filename
        if self.public_url is None:
            return plain_text(label("wx.no_link", name=name))
        url = await self.store(session, user_id=user_id, filename=att.filename, data=att.data,
                               now=now)
        return plain_text(label("wx.link", name=name, url=url, days=self.days))


def guess_type(filename: str) -> str:
    if filename.lower().endswith(".ics"):
        return "text/calendar; charset=utf-8"
    guessed, _ = mimetypes.guess_type(filename)
    if guessed is None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed
