"""Channel-neutral events (what a person sent) and replies (what the bot answers).

A channel turns a Telegram update or a console line into an `Event`; handlers answer with
`Reply` objects; the channel renders them as it can (inline keyboards, numbered options).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Literal

EventKind = Literal["text", "command", "choice", "contact", "photo", "unsupported"]

# C0 control characters other than tab and newline: PostgreSQL refuses NUL in text, and none
# of them means anything in a message; a carriage return is a line break
_CONTROLS = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {0x0D: 0x0A}
_TEXT_FIELDS = ("user_id", "text", "command", "args", "choice", "phone", "photo_id",
                "display_name", "language_code", "contact_user_id")


def clean_text(value: str) -> str:
    """`value` without C0 control characters (tab and newline kept; CR LF → LF)."""
    if value.isprintable():  # the common case costs one scan
        return value
    return value.replace("\r\n", "\n").translate(_CONTROLS)


@dataclass(frozen=True)
class Event:
    channel: str
    user_id: str
    kind: EventKind
    text: str = ""  # the message text, or a photo caption
    command: str = ""  # without the slash, lower case
    args: str = ""  # the rest of the command line
    choice: str = ""  # callback data of a pressed button
    phone: str | None = None  # a shared contact's phone
    photo_id: str | None = None
    display_name: str = ""
    language_code: str | None = None
    edited: bool = False
    contact_user_id: str | None = None  # whose contact was shared (must be the sender's own)

    def __post_init__(self) -> None:
        # every channel builds its events here: incoming text is cleaned once, for all of them,
        # before anything stores or reads it
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str) and not value.isprintable():
                object.__setattr__(self, name, clean_text(value))

    @property
    def person_key(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # namespaced callback data, e.g. "chk:t:dibao:3" (<= 64 bytes on Telegram)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Attachment | None = None
    photo: Attachment | None = None
    ask_contact: bool = False  # offer the "share my phone number" keyboard
    edit: bool = False  # replace the message whose button was pressed, where the channel can

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form, for the outbox."""
        out: dict[str, Any] = {"text": self.text}
        if self.buttons:
            out["buttons"] = [[[b.label, b.data] for b in row] for row in self.buttons]
        for name in ("document", "photo"):
            att: Attachment | None = getattr(self, name)
            if att is not None:
                out[name] = {
                    "filename": att.filename,
                    "data": base64.b64encode(att.data).decode("ascii"),
                    "caption": att.caption,
                }
        if self.ask_contact:
            out["ask_contact"] = True
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Reply:
        def att(name: str) -> Attachment | None:
            a = raw.get(name)
            if not a:
                return None
            return Attachment(a["filename"], base64.b64decode(a["data"]), a.get("caption", ""))

        return cls(
            text=raw.get("text", ""),
            buttons=tuple(
                tuple(Button(label, data) for label, data in row) for row in raw.get("buttons", ())
            ),
            document=att("document"),
            photo=att("photo"),
            ask_contact=bool(raw.get("ask_contact")),
        )
