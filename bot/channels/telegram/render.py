"""Replies to Bot API calls, and the outbox sender for Telegram.

Text is Telegram HTML, split to Telegram's 4,096-character limit at clean breaks
(bot.textsplit), with the inline keyboard on the last part. `Reply.edit` on a pressed button
edits that message in place ("message is not modified" counts as done; any other refusal
falls back to a new message). Documents and photos are uploaded from bytes. `ask_contact`
shows a one-time "share my phone number" keyboard.

Direct replies wait out one 429 (`retry_after`) and try again; the outbox sender instead
maps Bot API errors to the delivery worker's RetryLater / PermanentFailure / RecipientBlocked,
and the worker does the waiting and the rate limiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.delivery import PermanentFailure, RecipientBlocked, RetryLater
from bot.textsplit import fits, plain_text, split_message
from domain.messages import Attachment, Button, Reply

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def retry_seconds(exc: RetryAfter) -> float:
    value = getattr(exc, "_retry_after", None) or exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def inline_keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(plain_text(b.label), callback_data=b.data) for b in row]
         for row in rows]
    )


@dataclass(frozen=True)
class _Part:
    """One Bot API message of a reply: a text chunk, a document or a photo."""

    kind: str  # text | document | photo
    text: str = ""
    attachment: Attachment | None = None


class ReplyRenderer:
    """Turns replies into Bot API calls for one bot. `label(user_id, key)` gives a label in
    the person's language (only needed for the "share my phone number" keyboard)."""

    def __init__(self, bot: Bot, label: Callable[[str, str], Awaitable[str]]) -> None:
        self.bot = bot
        self.label = label

    async def render(self, chat_id: int, reply: Reply, *, edit: Message | None = None,
                     remove_keyboard: bool = False, retry_429: bool = True) -> bool:
        """Send one reply (or edit `edit` with it). Returns True if it edited in place."""
        call = self._retrying if retry_429 else self._once
        if edit is not None and self._editable(reply, edit) and \
                await self._edit(edit, reply, call):
            return True
        parts = self._parts(reply)
        markup: Markup | None = inline_keyboard(reply.buttons)
        if reply.ask_contact:
            contact = ReplyKeyboardMarkup(
                [[KeyboardButton(await self.label(str(chat_id), "tg.share_contact"),
                                 request_contact=True)]],
                one_time_keyboard=True, resize_keyboard=True)
            if markup is not None or not parts:
                # a message carries one keyboard: the contact one goes on a short prompt
                prompt = await self.label(str(chat_id), "tg.contact_prompt")
                parts.append(_Part("text", prompt))
                await self._send_parts(chat_id, parts[:-1], markup, call)
                await self._send_parts(chat_id, parts[-1:], contact, call)
                return False
            markup = contact
        elif remove_keyboard and markup is None:
            markup = ReplyKeyboardRemove()
        await self._send_parts(chat_id, parts, markup, call)
        return False

    # -- parts ---------------------------------------------------------------------------------
    @staticmethod
    def _parts(reply: Reply) -> list[_Part]:
        parts = [_Part("text", chunk) for chunk in split_message(reply.text)] if reply.text \
            else []
        if reply.document is not None:
            parts.append(_Part("document", attachment=reply.document))
        if reply.photo is not None:
            parts.append(_Part("photo", attachment=reply.photo))
        return parts

    async def _send_parts(self, chat_id: int, parts: list[_Part], markup: Markup | None,
                          call: Callable[..., Awaitable[Any]]) -> None:
        for n, part in enumerate(parts):
            kb = markup if n == len(parts) - 1 else None
            if part.kind == "text":
                await call(self.bot.send_message, chat_id=chat_id, text=part.text,
                           parse_mode=ParseMode.HTML, reply_markup=kb)
                continue
            att = part.attachment
            assert att is not None
            caption = split_message(att.caption, CAPTION_LIMIT)[0] if att.caption else None
            if part.kind == "document":
                await call(self.bot.send_document, chat_id=chat_id, document=att.data,
                           filename=att.filename, caption=caption, parse_mode=ParseMode.HTML,
                           reply_markup=kb)
            else:
                await call(self.bot.send_photo, chat_id=chat_id, photo=att.data,
                           filename=att.filename, caption=caption, parse_mode=ParseMode.HTML,
                           reply_markup=kb)

    # -- edits ---------------------------------------------------------------------------------
    @staticmethod
    def _editable(reply: Reply, message: Message) -> bool:
        return (reply.edit and bool(reply.text) and reply.document is None
                and reply.photo is None and not reply.ask_contact
                and isinstance(message, Message) and message.text is not None
                and fits(reply.text))

    async def _edit(self, message: Message, reply: Reply,
                    call: Callable[..., Awaitable[Any]]) -> bool:
        try:
            await call(self.bot.edit_message_text, chat_id=message.chat_id,
                       message_id=message.message_id, text=reply.text,
                       parse_mode=ParseMode.HTML, reply_markup=inline_keyboard(reply.buttons))
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True  # a double tap: the message already shows this
            log.info("could not edit message %s (%s); sending a new one",
                     message.message_id, exc)
            return False
        return True

    # -- 429 -----------------------------------------------------------------------------------
    @staticmethod
    async def _once(method: Callable[..., Awaitable[Any]], **kw: Any) -> Any:
        return await method(**kw)

    @staticmethod
    async def _retrying(method: Callable[..., Awaitable[Any]], **kw: Any) -> Any:
        """A direct reply hit the rate limit: wait what Telegram asks, once, and retry."""
        try:
            return await method(**kw)
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            log.warning("rate limited on %s; retrying in %.1f s", method.__name__, wait)
            await asyncio.sleep(wait)
            return await method(**kw)


class TelegramSender:
    """The outbox `Sender` for Telegram: Bot API errors become delivery outcomes."""

    def __init__(self, renderer: ReplyRenderer) -> None:
        self.renderer = renderer

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        try:
            chat_id = int(user_id)
        except ValueError:
            raise PermanentFailure(f"not a Telegram chat id: {user_id!r}") from None
        try:
            for reply in replies:
                await self.renderer.render(chat_id, reply, retry_429=False)
        except RetryAfter as exc:
            raise RetryLater(str(exc), retry_after=retry_seconds(exc)) from exc
        except Forbidden as exc:
            raise RecipientBlocked(str(exc)) from exc
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it
            raise PermanentFailure(str(exc)) from exc
        except (NetworkError, InvalidToken) as exc:  # TimedOut, 5xx, connection errors
            raise RetryLater(str(exc)) from exc
        except TelegramError as exc:  # ChatMigrated, Conflict: nothing a retry would fix
            raise PermanentFailure(str(exc)) from exc
