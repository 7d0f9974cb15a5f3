"""Queue templated notices outside a conversation (the scheduler, the delivery worker) and
inside one (receipts with a document). Each recipient gets the text in their own language;
everything goes through the outbox, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import Services
from domain.messages import Attachment, Button, Reply
from storage import outbox
from storage.matters import open_owned_of_resident
from storage.models import Resident
from storage.people import find_resident, mark_unreachable


@dataclass(frozen=True)
class Document:
    """A printable document sent after the message: template, filename and caption labels."""

    template: str
    filename_key: str
    caption_key: str
    params: tuple[tuple[str, str], ...] = ()  # label parameters (e.g. the matter number)


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


async def push(session: AsyncSession, services: Services, recipients: Iterable[str],
               template: str, *, kind: str, now: datetime,
               buttons: Sequence[Sequence[tuple[str, str]]] = (),
               document: Document | None = None, dedupe_prefix: str | None = None,
               matter_id: int | None = None, not_before: datetime | None = None,
               **kw: Any) -> int:
    """Render `template` per recipient and queue it; returns how many were queued (a dedupe
    key `<prefix>:<recipient>` already used queues nothing — how repeats are prevented)."""
    queued = 0
    for key in dict.fromkeys(recipients):
        lang = await language_of(session, services, key)
        channel, _, user_id = key.partition(":")
        replies = render_replies(services, lang, template, buttons=buttons, document=document,
                                 channel=channel, **kw)
        # one outbox row per message: a row is one Bot API call, so a failure after the text
        # went out (the document was refused) never makes the retry send the text twice
        for part, reply in enumerate(replies):
            dedupe = f"{dedupe_prefix}:{key}" if dedupe_prefix else None
            if dedupe and part:
                dedupe += f":{part}"
            added = await outbox.enqueue(
                session, channel=channel, user_id=user_id, replies=[reply], kind=kind, now=now,
                dedupe_key=dedupe, matter_id=matter_id, not_before=not_before,
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
        await push(session, services, [matter.owner], "delivery/unreachable",
                   kind="resident_unreachable", now=now, matter_id=matter.id,
                   dedupe_prefix=f"unreachable:{matter.id}:{now.date().isoformat()}",
                   matter=matter, resident=resident)
    return resident
