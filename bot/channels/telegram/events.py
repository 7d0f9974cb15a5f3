"""Telegram updates to channel-neutral events. Pure functions: no I/O, unit-testable.

Private chats only (groups are handled, politely, by the channel). Commands lose their
`@botname` and are lower-cased; a pressed button becomes a `choice` with its callback data
(never trusted: the core re-checks it); a shared contact carries the phone only when it is
the sender's own; a photo carries its largest size's file id and the caption as text; an
edited message is flagged `edited`; stickers, voice, video, files, locations and the like are
`unsupported` (answered with a polite "text please" by the core).
"""

from __future__ import annotations

import re

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatType

from bot.core import Event

CHANNEL = "telegram"
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?", re.S)
UNSUPPORTED_CONTENT = ("sticker", "voice", "video", "video_note", "audio", "document",
                       "animation", "location", "venue", "poll", "dice", "game", "story",
                       "paid_media", "invoice")


def display_name(user: User) -> str:
    return " ".join(part for part in (user.first_name, user.last_name) if part).strip()


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is None or chat.type == ChatType.PRIVATE


def event_from_update(update: Update) -> Event | None:
    """The event an update stands for, or None when there is nothing to answer (a group
    message, a service message, a bot's message, an update kind we do not use)."""
    if update.callback_query is not None:
        return _from_callback(update.callback_query)
    message = update.message or update.edited_message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    return _from_message(message, edited=update.edited_message is not None)


def _common(user: User, *, edited: bool = False) -> dict:  # type: ignore[type-arg]
    return dict(channel=CHANNEL, user_id=str(user.id), display_name=display_name(user),
                language_code=user.language_code, edited=edited)


def _from_callback(query: CallbackQuery) -> Event | None:
    message = query.message
    if message is not None and message.chat.type != ChatType.PRIVATE:
        return None
    return Event(kind="choice", choice=query.data or "", **_common(query.from_user))


def _from_message(message: Message, *, edited: bool) -> Event | None:
    user = message.from_user
    if user is None or user.is_bot:
        return None
    common = _common(user, edited=edited)
    if message.text is not None:
        text = message.text.strip()
        m = _COMMAND.fullmatch(text)
        if m:
            return Event(kind="command", command=m.group(1).lower(),
                         args=(m.group(3) or "").strip(), text=message.text, **common)
        return Event(kind="text", text=message.text, **common)
    if message.contact is not None:
        contact = message.contact
        own = contact.user_id is not None and contact.user_id == user.id
        return Event(kind="contact", phone=contact.phone_number if own else None,
                     contact_user_id=str(contact.user_id) if contact.user_id else None,
                     **common)
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return Event(kind="photo", photo_id=largest.file_id, text=message.caption or "",
                     **common)
    if any(getattr(message, name, None) for name in UNSUPPORTED_CONTENT):
        return Event(kind="unsupported", text=message.caption or "", **common)
    return None  # service messages (pinned, auto-delete timer, …) need no answer
