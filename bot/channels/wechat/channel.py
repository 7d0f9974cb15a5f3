"""The WeChat channel: messages in, answers out, on the conversation core.

WeChat waits 5 seconds for the answer to a callback, then tries again (three tries in all).
So a message is stored in the `inbox` table first (its MsgId, or sender + time for events,
is the key: a repeat is answered "success" and not handled again), together with its
callback's timestamp and nonce (used once, by any worker); if the database cannot store
it, WeChat gets a 5xx and tries again — never "success" for what could be lost. Then it is
handled; if the answer is ready within `reply_budget` of the request's arrival — storing it
included — its first message is the passive reply and the rest are pushed (customer-service messages
through the outbox); if not, WeChat gets "success" and the whole answer is pushed when it
is ready (an answer ready too late for the passive reply is always pushed, never dropped).
A message stored but never handled (the process died) is handled by the next sweep and its
answer pushed.

One person's messages are handled one at a time, in order: "1" must mean the option shown
by the answer before it. Those options (number → callback data) are kept in the database,
so they survive a restart and mean the same on every worker. A picture, a voice message or
a location answered without options leaves them as they were, and a push (a staff reply)
numbers its own options on from the ones shown, so "2" still ticks the second material
(and those numbers stay until an answer needs them). Documents and pictures are stored with
an unguessable token and sent as a link that expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import mimetypes
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.channels.wechat.events import (
    CHANNEL,
    Unheard,
    Unsubscribed,
    action_for,
    heard,
    press_number,
    press_numbers,
    typed_number,
    typed_numbers,
    words_of,
)
from bot.channels.wechat.messages import Inbound, inbound_from
from bot.channels.wechat.render import PUSHED, attachments, numbered, render
from bot.channels.wechat.security import Rejected, Stamp
from bot.core import Event
from bot.keyed_locks import KeyedLocks
from bot.notices import resident_unreachable
from bot.periodic import every
from bot.textsplit import plain_text
from domain.messages import Attachment, Button, Reply
from storage import inbox, outbox
from storage import wechat as store
from storage.models import FileLink
from storage.people import conversation_of, find_resident

log = logging.getLogger(__name__)

REPLY_BUDGET = 4.0  # seconds to answer in the callback; WeChat gives up at 5
REPLAY_AFTER = timedelta(seconds=60)  # an unhandled message this old was lost by its worker
REPLAY_WINDOW = timedelta(hours=24)  # older ones are dropped, not answered out of the blue
KEEP_PROCESSED = timedelta(days=2)
SWEEP_EVERY = 60.0  # seconds between sweeps (lost messages, expired files)


class NotStored(Exception):
    """An incoming callback could not be stored (the database is down): WeChat must be
    told to try again (a 5xx), not "success"."""


async def _remember_stamp(session: AsyncSession, stamp: Stamp | None) -> None:
    """Admit a callback's (timestamp, nonce) once across all workers, or refuse a replay."""
    if stamp is not None and not await store.admit_nonce(
            session, timestamp=str(stamp.timestamp), nonce=stamp.nonce,
            expires_at=stamp.expires_at()):
        raise Rejected(403, "replayed nonce")


class WeChatChannel:
    """The WeChat side of one App. The web layer hands it verified messages (`receive`) and
    file tokens (`file`); the outbox sender renders pushes through `prepare_push`."""

    def __init__(self, app: App, *, public_url: str | None = None,
                 reply_budget: float = REPLY_BUDGET,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.services = app.services
        self.public_url = public_url.rstrip("/") if public_url else None
        self.reply_budget = reply_budget
        self.wall_clock = wall_clock  # the clock callbacks' timestamps are checked against
        self.link_days = self.services.settings.wechat_link_days
        self._people = KeyedLocks()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight: set[str] = set()  # inbox keys being handled here
        self.words = words_of(self.services.renderer)

    # -- intake --------------------------------------------------------------------------------
    async def receive(self, message: Inbound, stamp: Stamp | None = None, *,
                      started: float | None = None) -> str | None:
        """Handle a verified message; returns the passive reply's text, or None for
        "success" (nothing to say now: a repeat, an event without answer, or pushed later).
        The callback's `stamp` is admitted once, in the transaction that stores the message:
        `Rejected` (403) for a replay; `NotStored` when the database cannot take either —
        then WeChat must not hear "success" (it retries) and nothing is handled.
        `started` is when the request arrived (loop time): the budget counts from there."""
        loop = asyncio.get_running_loop()
        deadline = (loop.time() if started is None else started) + self.reply_budget
        action = action_for(message, self.words)
        if action is None:
            await self.admit_stamp(stamp)  # a replayed query string could carry another body
            return None
        if isinstance(action, Unsubscribed):
            await self._unsubscribe(message, stamp)
            return None
        # stored before anything is said: a slow store makes WeChat retry, never lose it
        key = await self._admit(message, stamp)
        if key is None:
            log.info("WeChat %s seen before; answered once already",
                     f"message {message.get('MsgId')}" if message.msg_type != "event" else "event")
            return None
        task = self._spawn(self._answer_action(action, key, message))
        try:
            parts = await asyncio.wait_for(asyncio.shield(task),
                                           max(0.0, deadline - loop.time()))
        except (TimeoutError, asyncio.CancelledError) as exc:
            # too slow for the passive reply (or WeChat hung up): the answer goes by push
            task.add_done_callback(partial(self._push_when_done, message.from_user))
            if isinstance(exc, asyncio.CancelledError):
                raise
            return None
        if loop.time() > deadline:  # ready, but after WeChat stopped waiting
            await self._push_and_wake(message.from_user, parts)
            return None
        if len(parts) > 1:
            await self.push(message.from_user, parts[1:])
        return parts[0] if parts else None

    async def _answer_action(self, action: Event | Unheard, key: str,
                             message: Inbound) -> list[str]:
        if isinstance(action, Unheard):
            return await self._unheard(action.user_id, key)
        return await self._answer(action, key, spoken=heard(message))

    async def _admit(self, message: Inbound, stamp: Stamp | None) -> str | None:
        """Store the message (and its callback's stamp) before handling it: its inbox key,
        or None for a repeat."""
        payload = {"fields": message.fields}
        async with self._storing(), self.services.db.transaction() as session:
            await _remember_stamp(session, stamp)
            fresh = await store.admit(session, channel=CHANNEL, update_key=message.key,
                                      payload=payload, now=self.services.now())
            if fresh:  # the 48-hour window of customer-service messages opens anew
                await store.note_message(session, channel=CHANNEL,
                                         user_id=message.from_user, now=self.services.now())
        return message.key if fresh else None

    async def admit_stamp(self, stamp: Stamp | None) -> None:
        """Use up a callback's (timestamp, nonce) on its own: `Rejected` for a replay,
        `NotStored` if the database cannot say."""
        if stamp is None:
            return
        async with self._storing(), self.services.db.transaction() as session:
            await _remember_stamp(session, stamp)

    @contextlib.asynccontextmanager
    async def _storing(self) -> AsyncIterator[None]:
        """Database errors while storing what came in become `NotStored` (one warning line)."""
        try:
            yield
        except Rejected:
            raise
        except Exception as exc:
            log.warning("could not store a WeChat callback: %s", type(exc).__name__)
            raise NotStored from exc

    async def _answer(self, event: Event, key: str | None, *, spoken: str = "") -> list[str]:
        """Handle one event in its person's turn; the messages of the answer (what speech
        recognition heard, `spoken`, is shown back first: "您说的是：…")."""
        if key:
            self._in_flight.add(key)
        try:
            async with self._people.hold(event.user_id):
                try:
                    options, lang, free_text = await self._shown(event.user_id)
                except Exception as exc:  # the dispatcher will apologise for the database
                    log.warning("options of a WeChat user unknown: %s", type(exc).__name__)
                    options, lang, free_text = {}, self.services.settings.default_language, True
                label = partial(self.services.renderer.label, lang, channel=CHANNEL)
                echo = [Reply(label("wx.heard", text=spoken))] if spoken else []
                presses = press_numbers(event, options) if options else None
                if presses:  # "2、3": tick both, show the list as it is after the last
                    # the first press marks the message processed: a replay never ticks twice
                    for n, press in enumerate(presses):
                        replies = await self.app.handle(press, update_key=key if n == 0 else None)
                    return await self.prepare(event.user_id, echo + replies, replace_options=True)
                pressed = press_number(event, options)
                number = typed_number(pressed)
                several = typed_numbers(pressed)
                if (number is not None or several) and options and not free_text:
                    # numbers, but not of the options (or not ones to press together), and no
                    # dialog step that takes text: the numbers shown stay as they were
                    if key:
                        await self._mark(key)
                    first, last = min(map(int, options)), max(map(int, options))
                    if several:
                        return [plain_text(label("wx.bad_numbers", first=first, last=last))]
                    return [plain_text(label("wx.bad_number", n=number, first=first, last=last))]
                replies = await self.app.handle(pressed, update_key=key)
                # a picture or voice answered without options leaves the numbers shown before
                keep = pressed.kind in ("photo", "unsupported")
                return await self.prepare(event.user_id, echo + replies,
                                          replace_options=not keep)
        except Exception:
            log.exception("WeChat message from %s*** not answered", event.user_id[:4])
            lang = self.services.settings.default_language
            return [plain_text(self.services.renderer.label(lang, "err.internal",
                                                            channel=CHANNEL))]
        finally:
            if key:
                self._in_flight.discard(key)

    async def _unheard(self, user_id: str, key: str | None) -> list[str]:
        """A voice message with no words recognised: say so kindly, offer the menu and staff."""
        try:
            async with self._people.hold(user_id):
                _, lang, _ = await self._shown(user_id)
                label = partial(self.services.renderer.label, lang, channel=CHANNEL)
                reply = Reply(label("wx.voice_unheard"), (
                    (Button(label("btn.menu"), "menu:menu"),),
                    (Button(label("btn.ask_staff"), "ho:new"),)))
                parts = await self.prepare(user_id, [reply], replace_options=True)
            if key:
                await self._mark(key)
            return parts
        except Exception:
            log.exception("WeChat voice message from %s*** not answered", user_id[:4])
            lang = self.services.settings.default_language
            return [plain_text(self.services.renderer.label(lang, "err.internal",
                                                            channel=CHANNEL))]

    async def _shown(self, user_id: str) -> tuple[dict[str, str], str, bool]:
        """The options shown to the person last, their language, and whether their dialog
        is at a step that takes free text (where "3" may be an answer, not an option)."""
        async with self.services.db.transaction() as session:
            options = await store.options_of(session, channel=CHANNEL, user_id=user_id)
            options.pop(PUSHED, None)
            person = await find_resident(session, f"{CHANNEL}:{user_id}")
            conv = await conversation_of(session, person.id) if person else None
        state = conv.state if conv is not None else "idle"
        free_text = state != "idle" and self.app.router.for_state(state) is not None
        lang = person.language if person else self.services.settings.default_language
        return options, lang, free_text

    # -- unsubscribe ---------------------------------------------------------------------------
    async def _unsubscribe(self, message: Inbound, stamp: Stamp | None) -> None:
        """Nothing reaches the person any more: mark them unreachable, fail what is queued
        for them, and tell the owners of their open matters to phone instead."""
        services = self.services
        now = services.now()
        async with self._storing(), services.db.transaction() as session:
            await _remember_stamp(session, stamp)
            if not await store.admit(session, channel=CHANNEL, update_key=message.key,
                                     payload={}, now=now):
                return
            await resident_unreachable(session, services, channel=CHANNEL,
                                       user_id=message.from_user, now=now,
                                       error="the person unsubscribed")
            await inbox.mark_processed(session, channel=CHANNEL, update_key=message.key, now=now)
        log.info("WeChat user %s*** unsubscribed", message.from_user[:4])
        self.wake()

    # -- answers out ---------------------------------------------------------------------------
    async def prepare(self, user_id: str, replies: list[Reply], *,
                      replace_options: bool) -> list[str]:
        """Render replies for WeChat in the person's language: store their files (links) and
        the numbered options (all of them when `replace_options`; else new ones are numbered
        on from those shown and added to them); returns the text messages."""
        services = self.services
        now = services.now()
        async with services.db.transaction() as session:
            person = await find_resident(session, f"{CHANNEL}:{user_id}")
            lang = person.language if person else services.settings.default_language
            label = partial(services.renderer.label, lang, channel=CHANNEL)
            lines: dict[Attachment, str] = {}
            for att in attachments(replies):
                lines[att] = await self._link(session, user_id, att, label, now)
            stored = await store.options_of(session, channel=CHANNEL, user_id=user_id)
            rendered, options = numbered(stored, lambda start: render(
                replies, label=label, describe=lambda att: lines[att], start=start),
                replace=replace_options)
            if options is not None:
                await store.save_options(session, channel=CHANNEL, user_id=user_id,
                                         options=options, now=now)
        return rendered.parts

    async def prepare_push(self, user_id: str, replies: list[Reply]) -> list[str]:
        """For the outbox sender: a notice's options are numbered on from the shown ones
        (a staff reply does not take away the checklist's numbers)."""
        return await self.prepare(user_id, replies, replace_options=False)

    async def _link(self, session, user_id: str, att: Attachment, label, now) -> str:  # type: ignore[no-untyped-def]
        name = plain_text(att.caption).strip().rstrip("。.!！:：") or att.filename
        if self.public_url is None:
            return plain_text(label("wx.no_link", name=name))
        token = secrets.token_urlsafe(32)
        await store.add_file(session, token=token, channel=CHANNEL, user_id=user_id,
                             filename=att.filename, content_type=content_type(att.filename),
                             data=att.data, now=now,
                             expires_at=now + timedelta(days=self.link_days))
        return plain_text(label("wx.link", name=name, url=self.link_url(token),
                                days=self.link_days))

    def link_url(self, token: str) -> str:
        return f"{self.public_url}/wechat/f/{token}"

    async def push(self, user_id: str, parts: list[str], *, kind: str = "reply") -> None:
        """Queue rendered messages as customer-service pushes, one outbox row each (a retry
        never sends an earlier part twice)."""
        if not parts:
            return
        try:
            async with self.services.db.transaction() as session:
                for part in parts:
                    # pushes are rendered again by the sender: escape what is plain already
                    await outbox.enqueue(session, channel=CHANNEL, user_id=user_id, kind=kind,
                                         replies=[Reply(html.escape(part, quote=False))],
                                         now=self.services.now())
        except Exception as exc:
            log.warning("could not queue %d WeChat message(s): %s", len(parts),
                        type(exc).__name__)

    def wake(self) -> None:
        """Pushes were queued: the delivery worker should look now."""
        if self.app.delivery is not None:
            self.app.delivery.wake()

    def _push_when_done(self, user_id: str, task: asyncio.Task[list[str] | None]) -> None:
        if task.cancelled() or task.exception() is not None or task.result() is None:
            return
        self._spawn(self._push_and_wake(user_id, task.result()))

    async def _push_and_wake(self, user_id: str, parts: list[str]) -> None:
        await self.push(user_id, parts)
        self.wake()

    # -- files ---------------------------------------------------------------------------------
    async def file(self, token: str) -> FileLink | None:
        """The file behind a link, unless unknown or expired."""
        async with self.services.db.transaction() as session:
            return await store.live_file(session, token=token, now=self.services.now())

    # -- sweeps --------------------------------------------------------------------------------
    async def sweep(self) -> int:
        """Handle messages stored but never handled (their worker died) and push the
        answers; drop expired files and old processed keys. Returns how many messages were
        handled."""
        services = self.services
        now = services.now()
        async with services.db.transaction() as session:
            rows = await inbox.unprocessed(session, channel=CHANNEL)
            await store.prune_files(session, now=now)
            await store.prune_nonces(session, now=datetime.fromtimestamp(self.wall_clock(), UTC))
            # WeChat's retries come within seconds: a processed key is not needed for long
            await inbox.prune(session, processed_before=now - KEEP_PROCESSED)
        handled = 0
        for row in rows:
            if row.update_key in self._in_flight or row.received_at > now - REPLAY_AFTER:
                continue  # being handled here, or maybe by another worker
            try:
                message = inbound_from(dict(row.payload.get("fields") or {}))
            except Exception:
                message = None
            action = action_for(message, self.words) if message is not None else None
            if row.received_at < now - REPLAY_WINDOW or not isinstance(action, Event | Unheard):
                await self._mark(row.update_key)
                continue
            if isinstance(action, Unheard):
                parts = await self._unheard(action.user_id, row.update_key)
            else:
                parts = await self._answer(action, row.update_key, spoken=heard(message))
            await self.push(action.user_id, parts)
            handled += 1
        if handled:
            log.info("answered %d WeChat message(s) stored before a stop", handled)
            self.wake()
        return handled

    async def run_sweeps(self, stop: asyncio.Event) -> None:
        await every(stop, SWEEP_EVERY, self.sweep, what="WeChat sweep", log=log)

    async def _mark(self, key: str) -> None:
        try:
            async with self.services.db.transaction() as session:
                await inbox.mark_processed(session, channel=CHANNEL, update_key=key,
                                           now=self.services.now())
        except Exception as exc:
            log.warning("could not mark WeChat message %s processed: %s", key,
                        type(exc).__name__)

    # -- tasks and turns -----------------------------------------------------------------------
    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, *, within: float = 10.0) -> None:
        """Let answers in progress finish (shutdown, tests)."""
        while self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=within)
            if pending:
                log.warning("%d WeChat answer(s) still running at shutdown", len(pending))
                for task in pending:
                    task.cancel()
                return


def content_type(filename: str) -> str:
    if filename.lower().endswith(".ics"):
        return "text/calendar; charset=utf-8"
    guessed, _ = mimetypes.guess_type(filename)
    if guessed is None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed
