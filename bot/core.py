"""Channel-neutral events: what a person sent.

A channel turns a Telegram update or a console line into an `Event`; handlers answer with
`Reply` objects (domain/messages.py, low enough for the outbox to store them); the channel
renders them as it can (inline keyboards, numbered options).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
