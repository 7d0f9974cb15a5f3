"""The WeChat channel: messages in, answers out, on the conversation core.

WeChat waits 5 seconds for the answer to a callback, then tries again (three tries in all).
So a message is stored in the `inbox` table first (intake.py; its MsgId, or sender + time for events,
is the key: a repeat is answered "success" and not handled again), together with its
callback's timestamp and nonce (used once, by any worker); if the database cannot store
it, WeChat gets a 5xx and tries again — never "success" for what could be lost. Then it is
handled; if the answer is ready within `reply_budget` of the request's arrival — storing it
included — its first message is the passive reply and the rest are pushed (customer-service messages
through the outbox); if not, WeChat gets "success" and the whole answer is pushed when it
is ready (an answer ready too late for the passive reply is always pushed, never dropped).
A message stored but never handled (the process died) is handled by the next sweep and its
answer pushed (bot/replay.py).

One person's messages are handled one at a time, in order: "1" must mean the option shown
by the answer before it. Those options (number → callback data) are kept in the database,
so they survive a restart and mean the same on every worker. A picture, a voice message or
a location answered without options leaves them as they were, and a push (a staff reply)
numbers its own options on from the ones shown, so "2" still ticks the second material
(and those numbers stay until an answer needs them). Documents and pictures are stored with
an unguessable token and sent as a link that expires (links.py).
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from bot.app import App
from bot.channels.wechat import intake
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
from bot.channels.wechat.links import Links
from bot.channels.wechat.messages import Inbound, inbound_from
from bot.channels.wechat.render import PUSHED, attachments, numbered, render
from bot.channels.wechat.security import Stamp
from bot.core import Event
from bot.keyed_locks import KeyedLocks
from bot.periodic import every
from bot.replay import answer_stored, mark_processed
from bot.textsplit import plain_text
from domain.messages import Attachment, Button, Reply
from storage import inbox, outbox
from storage import wechat as store
from storage.models import FileLink, InboxUpdate
from storage.people import conversation_of, find_resident

log = logging.getLogger(__name__)

REPLY_BUDGET = 4.0  # seconds to answer in the callback; WeChat gives up at 5
KEEP_PROCESSED = timedelta(days=2)
SWEEP_EVERY = 60.0  # seconds between sweeps (lost messages, expired files)


class WeChatChannel:
    """The WeChat side of one App. The web layer hands it verified messages (`receive`) and
    file tokens (`file`); the outbox sender renders pushes through `prepare_push`."""

    def __init__(self, app: App, *, public_url: str | None = None,
                 reply_budget: float = REPLY_BUDGET,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.services = app.services
        self.links = Links(public_url, self.services.settings.wechat_link_days)
        self.reply_budget = reply_budget
        self.wall_clock = wall_clock  # the clock callbacks' timestamps are checked against
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
            if await intake.unsubscribe(self.services, message, stamp):
                self.wake()
            return None
        # stored before anything is said: a slow store makes WeChat retry, never lose it
        key = await intake.admit(self.services, message, stamp)
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

    async def admit_stamp(self, stamp: Stamp | None) -> None:
        await intake.admit_stamp(self.services, stamp)

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
                lines[att] = await self.links.line(session, user_id, att, label, now)
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
        handled = await answer_stored(services, rows, channel=CHANNEL, now=now,
                                      answer=self._answer_stored, log=log,
                                      busy=lambda row: row.update_key in self._in_flight)
        if handled:
            self.wake()
        return handled

    async def _answer_stored(self, row: InboxUpdate) -> bool:
        try:
            message = inbound_from(dict(row.payload.get("fields") or {}))
        except Exception:
            return False
        action = action_for(message, self.words)
        if isinstance(action, Unheard):
            parts = await self._unheard(action.user_id, row.update_key)
        elif isinstance(action, Event):
            parts = await self._answer(action, row.update_key, spoken=heard(message))
        else:
            return False
        await self.push(action.user_id, parts)
        return True

    async def run_sweeps(self, stop: asyncio.Event) -> None:
        await every(stop, SWEEP_EVERY, self.sweep, what="WeChat sweep", log=log)

    async def _mark(self, key: str) -> None:
        await mark_processed(self.services, channel=CHANNEL, key=key, log=log)

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
