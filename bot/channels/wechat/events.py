"""WeChat messages → core events (pure).

    text                 → text (a leading "/" makes it a command, as in the console)
    image                → photo (MediaId as the photo id; WeChat images have no caption)
    voice                → text when WeChat's speech recognition (`Recognition`) heard words,
                           else unsupported
    video, location, link, file, anything else → unsupported (a polite "text only" answer)
    event subscribe/SCAN → /start (the welcome), with the QR code's scene as its argument
    event unsubscribe    → `Unsubscribed` (the person is unreachable from now on)
    event CLICK          → the menu key: "/cmd args" is a command, anything else a button's
                           callback data (the router checks it like any button)
    other events (VIEW, LOCATION, TEMPLATESENDJOBFINISH …) → nothing to answer

WeChat has no buttons: options are shown numbered, and a typed number is turned back into
the option's callback data by `press_number`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.channels.wechat.messages import Inbound
from bot.core import Event

CHANNEL = "wechat"
_NUMBER = re.compile(r"\d{1,2}")


@dataclass(frozen=True)
class Unsubscribed:
    user_id: str


Action = Event | Unsubscribed | None


def _typed(user_id: str, text: str) -> Event:
    text = text.strip()
    if text.startswith("/") and len(text) > 1:
        cmd, _, args = text[1:].partition(" ")
        return Event(channel=CHANNEL, user_id=user_id, kind="command", command=cmd.lower(),
                     args=args.strip())
    return Event(channel=CHANNEL, user_id=user_id, kind="text", text=text)


def action_for(message: Inbound) -> Action:
    """What a WeChat message means for the core (None: nothing to do)."""
    user = message.from_user
    kind = message.msg_type
    if kind == "text":
        return _typed(user, message.get("Content"))
    if kind == "image":
        return Event(channel=CHANNEL, user_id=user, kind="photo",
                     photo_id=message.get("MediaId") or message.get("PicUrl") or None)
    if kind == "voice" and message.get("Recognition").strip():
        return _typed(user, message.get("Recognition"))
    if kind != "event":
        return Event(channel=CHANNEL, user_id=user, kind="unsupported")
    event = message.event
    if event in ("subscribe", "scan"):
        # a parametric QR code (带参数二维码, e.g. at a window) carries its scene: an item id
        # opens that item's card after the welcome, like Telegram's /start <item-id>
        scene = message.get("EventKey").strip().removeprefix("qrscene_")
        return Event(channel=CHANNEL, user_id=user, kind="command", command="start",
                     args=scene[:64])
    if event == "unsubscribe":
        return Unsubscribed(user)
    if event == "click":
        key = message.get("EventKey").strip()
        if not key:
            return None
        if key.startswith("/"):
            return _typed(user, key)
        return Event(channel=CHANNEL, user_id=user, kind="choice", choice=key)
    return None


def typed_number(event: Event) -> str | None:
    """The number a person typed ("1", "１", " 2 "), if the text is just that."""
    if event.kind != "text":
        return None
    text = unicodedata.normalize("NFKC", event.text).strip().rstrip(".。、")
    return text if _NUMBER.fullmatch(text) else None


def press_number(event: Event, options: Mapping[str, str]) -> Event:
    """A typed number of an option shown → that option pressed; anything else unchanged."""
    number = typed_number(event)
    if number is None or str(int(number)) not in options:
        return event
    return replace(event, kind="choice", choice=options[str(int(number))], text="")
