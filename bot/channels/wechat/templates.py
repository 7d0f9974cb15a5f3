"""WeChat template messages (模板消息): the notices a resident gets days later — completion,
receipt, 补正告知, appointment reminder, complaint answer, rating request — when the 48-hour
window of customer-service messages is closed.

A template shows a few short keyword values (WeChat cuts them at about 20 characters, and
since 2023 shows no `first` / `remark`), so the full text goes behind the template's link:
the notice rendered as a phone-readable page, served like any document link
(`/wechat/f/<token>`). Which of our fields fills which keyword is configuration
(`wechat_templates`, bot.notice_config); the numbered options of the notice (a rating's
1–5) are kept as if it had been sent in the chat, so the resident's reply still means them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial
from typing import Any

from bot.channels.wechat.events import CHANNEL
from bot.services import Services
from domain.messages import Reply
from storage import wechat as store
from storage.bookings import get_booking
from storage.matters import matter_by_id
from storage.models import Outbox
from storage.people import find_resident

WINDOW = timedelta(hours=47)  # WeChat's 48 hours, less a margin for clocks and queues
VALUE_LIMIT = 20  # characters of a keyword value WeChat shows (thing.DATA)
_URL = re.compile(r"https?://\S+")
_LEAD = re.compile(r"^[^\w\u4e00-\u9fff]+")  # emoji and marks before a title


async def inside_window(services: Services, user_id: str) -> bool | None:
    """Is the person's 48-hour window open? None when we never recorded a message."""
    async with services.db.transaction() as session:
        at = await store.last_message_at(session, channel=CHANNEL, user_id=user_id)
    return None if at is None else services.now() - at < WINDOW


def data_for(spec: dict[str, Any], fields: dict[str, str]) -> dict[str, dict[str, str]]:
    """The template's `data`: each keyword with the value of its configured field."""
    return {keyword: {"value": fields.get(name, "")[:VALUE_LIMIT]}
            for keyword, name in spec["data"].items()}


def paragraphs(text: str) -> list[list[tuple[str, str]]]:
    """Plain text → paragraphs of (text | url, value) pieces, so links become links."""
    out = []
    for block in text.split("\n"):
        pieces: list[tuple[str, str]] = []
        at = 0
        for m in _URL.finditer(block):
            pieces += [("text", block[at:m.start()]), ("url", m.group(0))]
            at = m.end()
        pieces.append(("text", block[at:]))
        out.append([p for p in pieces if p[1]])
    return out


async def template_message(channel: Any, row: Outbox, replies: list[Reply],
                           spec: dict[str, Any]) -> tuple[str | None, dict[str, dict[str, str]]]:
    """The link (the notice's full text as a page) and the keyword values of one notice."""
    services: Services = channel.services
    now = services.now()
    # rendered as the chat would show it: documents linked, options numbered and kept
    text = "\n\n".join(await channel.prepare(row.user_id, replies, replace_options=False))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    async with services.db.transaction() as session:
        person = await find_resident(session, f"{CHANNEL}:{row.user_id}")
        lang = person.language if person else services.settings.default_language
        label = partial(services.renderer.label, lang, channel=CHANNEL)
        matter = await matter_by_id(session, row.matter_id) if row.matter_id else None
        found = await get_booking(session, row.booking_id) if row.booking_id else None
        booking, slot = found or (None, None)
        title = _LEAD.sub("", lines[0]) if lines else ""
        url = None
        if channel.links.public_url:
            page = services.renderer.render(lang, "delivery/notice.html", title=title,
                                            paragraphs=paragraphs(text))
            url = await channel.links.store(session, user_id=row.user_id, filename="notice.html",
                                            content_type="text/html; charset=utf-8",
                                            data=page.encode("utf-8"), now=now)
    item_id = (matter.item_id if matter else None) or (booking.item_id if booking else None)
    item = services.kb.get(item_id or "")
    renderer = services.renderer
    fields = {
        "title": title,
        "summary": _LEAD.sub("", lines[1]) if len(lines) > 1 else "",
        "number": matter.number if matter else (booking.code if booking else ""),
        "item": item.name if item else (matter.subject if matter else ""),
        "kind": label(f"matter.{matter.kind}") if matter else "",
        "deadline": renderer.local_day(matter.deadline, lang) if matter and matter.deadline
        else "",
        "date": renderer.local_time(now),
        "code": booking.code if booking else "",
        "time": renderer.local_time(slot.starts_at) if slot else "",
        "center": services.kb.center.name if services.kb.center else "",
        "remark": label("wx.tpl_rate" if spec.get("kind") == "rating_request"
                        else "wx.tpl_remark"),
    }
    return url, data_for(spec, fields)
