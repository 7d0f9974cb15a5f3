"""WeChat's XML in and out: parsing a callback body safely, and the passive text reply.

Bodies are parsed with defusedxml with DTDs, entities and external references all refused
(a `<!DOCTYPE` is never legitimate here), after the size cap the web layer applies. Only the
root's direct children are read: WeChat's messages are flat.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.channels.wechat.security import Rejected

BODY_LIMIT = 64 * 1024  # bytes; WeChat's messages are a few hundred
REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
_OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Inbound:
    """One message or event WeChat delivered, as its flat XML fields."""

    to_user: str  # our account (gh_...)
    from_user: str  # the person's openid
    create_time: int
    msg_type: str  # text, image, voice, video, shortvideo, location, link, file, event
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def event(self) -> str:
        return self.get("Event").lower() if self.msg_type == "event" else ""

    @property
    def key(self) -> str:
        """What identifies a repeat: the MsgId, or for events (which have none) the sender,
        the time and the event."""
        msg_id = self.get("MsgId")
        if msg_id.isdigit():
            return f"m:{msg_id}"
        return f"e:{self.from_user}:{self.create_time}:{self.event}"[:64]


def parse_fields(body: bytes) -> dict[str, str]:
    """The flat fields of a WeChat XML document; refuses DTDs, entities and bad XML."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise Rejected(400, "DTD or entity in the XML") from None
    except (ParseError, ValueError):
        raise Rejected(400, "malformed XML") from None
    if root.tag != "xml":
        raise Rejected(400, "not a WeChat message")
    return {child.tag: (child.text or "").strip() for child in root if isinstance(child.tag, str)}


def inbound_from(fields: dict[str, str]) -> Inbound:
    """A message from its fields, which must include sender, receiver, time and type."""
    missing = [name for name in REQUIRED if not fields.get(name)]
    if missing:
        raise Rejected(400, f"missing {', '.join(missing)}")
    if not _OPENID.fullmatch(fields["FromUserName"]) or not fields["CreateTime"].isdigit():
        raise Rejected(400, "bad sender or time")
    return Inbound(to_user=fields["ToUserName"], from_user=fields["FromUserName"],
                   create_time=int(fields["CreateTime"]), msg_type=fields["MsgType"].lower(),
                   fields=dict(fields))


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(message: Inbound, content: str, *, now: float | None = None) -> str:
    """The passive reply to `message`: a text message back to its sender."""
    created = int(time.time() if now is None else now)
    return (f"<xml><ToUserName>{_cdata(message.from_user)}</ToUserName>"
            f"<FromUserName>{_cdata(message.to_user)}</FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType>{_cdata('text')}</MsgType>"
            f"<Content>{_cdata(content)}</Content></xml>")


def encrypted_reply(encrypted: str, msg_signature: str, timestamp: str, nonce: str) -> str:
    """The envelope of a passive reply in encrypted mode."""
    return (f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt>"
            f"<MsgSignature>{_cdata(msg_signature)}</MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>")
