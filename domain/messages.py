"""Channel-neutral replies: what the bot answers, with its buttons and files.

Handlers build them, channels render them, and the outbox stores them (`to_dict`) until a
worker delivers them (`from_dict`): plain values, so every layer can hold them.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any


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
