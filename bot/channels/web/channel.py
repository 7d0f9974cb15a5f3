"""The web chat channel: a visitor's page ↔ the conversation core.

Every message a visitor sends is stored before it is handled (the `inbox`, and the history
the page shows), handled by the core in the visitor's turn, and its answer stored in the
history and sent to every page the visitor has open. Notices the bot pushes on its own (staff
replies, receipts, reminders) come through the outbox to `send`: stored in the history and
shown at once on the open pages — a visitor with no page open sees them when they next open
it (the notice is delivered into their history, so the outbox never gives up on it).

A message stored but never handled (the process died) is handled by the next sweep, and its
answer appears in the history.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.app import App
from bot.channels.web.render import attachments, body_of, caption_of, plain_runs
from bot.core import Event
from bot.keyed_locks import KeyedLocks
from bot.periodic import every
from bot.replay import answer_stored
from bot.textsplit import plain_text
from domain.messages import Attachment, Reply
from storage import inbox
from storage import web as store
from storage.models import FileLink, InboxUpdate, WebMessage
from storage.people import find_resident

log = logging.getLogger(__name__)

CHANNEL = store.CHANNEL
MAX_TEXT = 1000  # characters in one message (the longest question we have seen is ~300)
HISTORY = 60  # messages a page shows when it opens
FILE_DAYS = 30  # a document or picture stays available this long
KEEP_HISTORY = timedelta(days=180)
SWEEP_EVERY = 60.0

Push = Callable[[dict[str, Any]], Awaitable[None]]  # sends one frame to one page


class WebChannel:
    def __init__(self, app: App) -> None:
        self.app = app
        self.services = app.services
        self.pages: dict[str, set[Push]] = {}  # visitor id → the open pages' senders
        self._turns = KeyedLocks()

    # -- pages ---------------------------------------------------------------------------------
    def opened(self, user_id: str, push: Push) -> None:
        self.pages.setdefault(user_id, set()).add(push)

    def closed(self, user_id: str, push: Push) -> None:
        pages = self.pages.get(user_id)
        if pages is not None:
            pages.discard(push)
            if not pages:
                del self.pages[user_id]

    async def _to_pages(self, user_id: str, frame: dict[str, Any]) -> None:
        for push in list(self.pages.get(user_id, ())):
            with contextlib.suppress(Exception):  # a page that just went away
                await push(frame)

    async def language(self, user_id: str, fallback: str) -> str:
        async with self.services.db.transaction() as session:
            person = await find_resident(session, f"{CHANNEL}:{user_id}")
        return person.language if person is not None else fallback

    async def history(self, user_id: str, *, after: int = 0) -> list[dict[str, Any]]:
        async with self.services.db.transaction() as session:
            rows = await store.recent_messages(session, user_id=user_id, limit=HISTORY,
                                               after=after)
        return [message_frame(row) for row in rows]

    # -- intake --------------------------------------------------------------------------------
    async def receive(self, user_id: str, event: Event, *, shown: str = "",
                      pressed: int | None = None) -> None:
        """Store a visitor's message (`shown` is what their bubble says, if anything), handle
        it in their turn, store and show the answer."""
        key = "w:" + secrets.token_urlsafe(12)
        now = self.services.now()
        payload = {"user_id": user_id, "kind": event.kind, "text": event.text, "command": event.command,
                   "args": event.args, "choice": event.choice, "lang": event.language_code,
                   "pressed": pressed}
        async with self._turns.hold(user_id):
            frames: list[dict[str, Any]] = []
            try:
                async with self.services.db.transaction() as session:
                    await inbox.store_many(session, channel=CHANNEL, updates=[(key, payload)],
                                           now=now)
                    if shown:
                        body = {"runs": plain_runs(shown)}
                        mid = await store.add_message(session, user_id=user_id,
                                                      author="visitor", body=body, now=now)
                        frames.append({"id": mid, "author": "visitor", "body": body})
            except Exception as exc:  # the dispatcher apologises for the database below
                log.warning("could not store a web message: %s", type(exc).__name__)
                key = ""
            if frames:
                await self._to_pages(user_id, {"type": "messages", "messages": frames})
            replies = await self.app.handle(event, update_key=key or None)
            await self.deliver(user_id, replies, pressed=pressed)

    async def deliver(self, user_id: str, replies: list[Reply], *,
                      pressed: int | None = None) -> None:
        """Store replies in the visitor's history and show them on their open pages; a reply
        that edits (a ticked checklist) replaces the message whose button was pressed."""
        if not replies:
            return
        now = self.services.now()
        messages: list[dict[str, Any]] = []
        edits: list[dict[str, Any]] = []
        async with self.services.db.transaction() as session:
            person = await find_resident(session, f"{CHANNEL}:{user_id}")
            lang = person.language if person else self.services.settings.default_language
            links: dict[Attachment, dict[str, Any]] = {}
            for att in attachments(replies):
                links[att] = await self._file(session, user_id, att, now)
            hint = plain_text(self.services.renderer.label(lang, "web.type_phone"))
            for reply in replies:
                body = body_of(reply, describe=lambda att: links[att], phone_hint=hint)
                if reply.edit and pressed is not None and await store.replace_message(
                        session, user_id=user_id, message_id=pressed, body=body):
                    edits.append({"type": "edit", "id": pressed, "body": body})
                    continue
                mid = await store.add_message(session, user_id=user_id, author="bot",
                                              body=body, now=now)
                messages.append({"id": mid, "author": "bot", "body": body})
        for frame in edits:
            await self._to_pages(user_id, frame)
        if messages:
            await self._to_pages(user_id, {"type": "messages", "messages": messages,
                                           "lang": lang})

    async def _file(self, session, user_id: str, att: Attachment, now) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        token = secrets.token_urlsafe(32)
        await store.add_file(session, token=token, user_id=user_id, filename=att.filename,
                             content_type=content_type(att.filename), data=att.data, now=now,
                             expires_at=now + timedelta(days=FILE_DAYS))
        return {"url": f"f/{token}", "name": caption_of(att)}

    async def file(self, user_id: str, token: str) -> FileLink | None:
        async with self.services.db.transaction() as session:
            return await store.visitor_file(session, token=token, user_id=user_id,
                                            now=self.services.now())

    # -- pushes (the outbox sender) ------------------------------------------------------------
    async def send(self, user_id: str, replies: list[Reply]) -> None:
        """Deliver a notice: into the history, and live to the pages open here."""
        await self.deliver(user_id, replies)

    # -- sweeps --------------------------------------------------------------------------------
    async def sweep(self) -> int:
        """Answer messages stored but never handled (their process died); prune old history
        and expired files. Returns how many messages were answered."""
        now = self.services.now()
        async with self.services.db.transaction() as session:
            rows = await inbox.unprocessed(session, channel=CHANNEL)
            await store.prune_files(session, now=now)
            await store.prune_messages(session, before=now - KEEP_HISTORY)
        return await answer_stored(self.services, rows, channel=CHANNEL, now=now,
                                   answer=self._answer_stored, log=log)

    async def _answer_stored(self, row: InboxUpdate) -> bool:
        user_id, payload = row.payload.get("user_id"), row.payload
        if not user_id:
            return False
        async with self._turns.hold(user_id):
            replies = await self.app.handle(event_from(user_id, payload), update_key=row.update_key)
            await self.deliver(user_id, replies, pressed=payload.get("pressed"))
        return True

    async def run_sweeps(self, stop: asyncio.Event) -> None:
        await every(stop, SWEEP_EVERY, self.sweep, what="web chat sweep", log=log)


def event_from(user_id: str, payload: dict[str, Any]) -> Event:
    return Event(channel=CHANNEL, user_id=user_id, kind=payload.get("kind") or "text",
                 text=payload.get("text") or "", command=payload.get("command") or "",
                 args=payload.get("args") or "", choice=payload.get("choice") or "",
                 language_code=payload.get("lang"))


def message_frame(row: WebMessage) -> dict[str, Any]:
    return {"id": row.id, "author": row.author, "body": row.body,
            "at": row.created_at.isoformat()}


def content_type(filename: str) -> str:
    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")
