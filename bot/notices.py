"""The one way to queue a notice (`push`): a `services.notices.Notice` rendered for each
recipient in their own language and written to the outbox in the caller's transaction.
Handlers reach it as `Context.notify`; the scheduler and the delivery worker call it directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import Services
from domain.messages import Attachment, Button, Reply
from services.notices import Document, Notice, notice
from storage import outbox
from storage.matters import open_owned_of_resident
from storage.models import Resident
from storage.people import find_resident, mark_unreachable


async def language_of(session: AsyncSession, services: Services, key: str) -> str:
    person = await find_resident(session, key)
    return person.language if person else services.settings.default_language


def render_replies(services: Services, lang: str, template: str, *,
                   buttons: Sequence[Sequence[tuple[str, str]]] = (),
                   document: Document | None = None, channel: str | None = None,
                   **kw: Any) -> list[Reply]:
    r = services.renderer
    kw.setdefault("center", services.kb.center)
    rows = tuple(tuple(Button(r.label(lang, key, channel=channel), data) for key, data in row)
                 for row in buttons)
    replies = [Reply(r.render(lang, template, channel=channel, **kw), rows)]
    if document is not None:
        params = dict(document.params)
        replies.append(Reply(document=Attachment(
            filename=r.label(lang, document.filename_key, **params),
            data=r.render(lang, document.template, **kw).encode("utf-8"),
            caption=r.label(lang, document.caption_key, **params),
        )))
    return replies


async def push(session: AsyncSession, services: Services, notice: Notice, *,
               now: datetime) -> int:
    """Render the notice per recipient and queue it; returns how many were queued (a dedupe
    key already used queues nothing — how repeats are prevented)."""
    queued = 0
    for key in dict.fromkeys(notice.recipients):
        lang = await language_of(session, services, key)
        channel, _, user_id = key.partition(":")
        replies = render_replies(services, lang, notice.template, buttons=notice.buttons,
                                 document=notice.document, channel=channel, **notice.params)
        replies += notice.attachments
        # one outbox row per message: a row is one Bot API call, so a failure after the text
        # went out (the document was refused) never makes the retry send the text twice
        for part, reply in enumerate(replies):
            dedupe = notice.dedupe_key or (
                f"{notice.dedupe_prefix}:{key}" if notice.dedupe_prefix else None)
            if dedupe and part:
                dedupe += f":{part}"
            added = await outbox.enqueue(
                session, channel=channel, user_id=user_id, replies=[reply], kind=notice.kind,
                now=now, dedupe_key=dedupe, matter_id=notice.matter_id,
                booking_id=notice.booking_id, not_before=notice.not_before,
            )
            if not added:
                break  # already queued once: so were its other parts
            if part == 0:
                queued += 1
    return queued


async def resident_unreachable(session: AsyncSession, services: Services, *, channel: str,
                               user_id: str, now: datetime, error: str) -> Resident | None:
    """The person blocked the bot or unsubscribed: mark them unreachable, fail what is queued
    for them, and tell the owners of their open matters to phone instead (once a day each)."""
    await outbox.fail_pending_for(session, channel=channel, user_id=user_id, error=error)
    resident = await mark_unreachable(session, channel=channel, user_id=user_id, now=now)
    if resident is None:
        return None
    for matter in await open_owned_of_resident(session, resident.id):
        if matter.owner == resident.key:
            continue
        await push(session, services, notice(
            [matter.owner], "delivery/unreachable", kind="resident_unreachable",
            matter_id=matter.id, dedupe_prefix=f"unreachable:{matter.id}:{now.date().isoformat()}",
            matter=matter, resident=resident), now=now)
    return resident
