"""The Telegram channel on python-telegram-bot's `Application`.

The channel's side of each update and of the outbox; the PTB Application around it is built
and run by application.py. Each update is converted into a core `Event` (events.py),
handled by the dispatcher (one transaction), and the replies are rendered back (render.py).
Updates are stored before PTB confirms them and handled concurrently across chats, in order
within a chat (inbox.py).
Pushed notices (staff replies, receipts, reminders) go through the outbox worker, which runs
alongside polling and delivers through `TelegramSender`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from typing import Any

from telegram import BotCommand, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ContextTypes,
)

from bot.app import App
from bot.channels.telegram.events import CHANNEL, event_from_update
from bot.channels.telegram.inbox import UpdateLedger
from bot.channels.telegram.render import ReplyRenderer, TelegramSender
from bot.core import Event
from bot.dispatcher import Answer
from bot.i18n import locale_for
from bot.textsplit import plain_text
from domain.messages import Reply
from storage import outbox
from storage.db import OutageLog, is_transient
from storage.people import find_resident

log = logging.getLogger(__name__)

MENU_COMMANDS = ("start", "help", "menu", "lang")  # shown in Telegram's command menu
OUTBOX_POLL = 1.0  # seconds between outbox passes when nothing wakes the worker
REDO_FIRST, REDO_MAX = 2.0, 30.0  # seconds between tries of updates deferred by an outage
Context = ContextTypes.DEFAULT_TYPE


class TelegramChannel:
    """The Telegram side of one App: updates in, replies out, the outbox worker alongside."""

    def __init__(self, app: App, *, migrate: bool = True) -> None:
        self.app = app
        self.migrate = migrate
        self.ledger = UpdateLedger(app)
        self.renderer: ReplyRenderer | None = None
        self._stop_worker = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._redo: asyncio.Task[None] | None = None
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None

    # -- handlers ------------------------------------------------------------------------------
    async def on_message(self, update: Update, context: Context) -> None:
        """A private message: text, command, contact, photo, anything else, or an edit."""
        event = event_from_update(update)
        if event is None or update.effective_chat is None:
            return
        answer = await self._handle(update, event)
        await self.reply(update.effective_chat.id, answer, event=event)

    async def on_button(self, update: Update, context: Context) -> None:
        """A pressed inline button. The query is always answered, so the spinner stops."""
        query = update.callback_query
        assert query is not None
        answered = asyncio.ensure_future(self._answer(query.answer()))
        try:
            event = event_from_update(update)
            if event is None:
                return
            answer = await self._handle(update, event)
            target = query.message if isinstance(query.message, Message) else None
            await self.reply(query.from_user.id, answer, event=event, edit=target)
        finally:
            await answered

    async def _handle(self, update: Update, event: Event) -> Answer:
        """Handle a stored update, its replies owed until sent. One that met a database
        outage is handled again later; its sender hears so once."""
        answer = await self.app.handle(event, update_key=self.ledger.dispatching(
            update.update_id), owe=True)
        if answer.deferred:
            first = self.ledger.defer(update.update_id)
            self._start_redo()
            if not first:
                return Answer()
        return answer

    async def on_group(self, update: Update, context: Context) -> None:
        """We talk to people one to one: a command in a group gets a pointer to a private
        chat; other group talk is none of our business."""
        message = update.effective_message
        if message is None or not (message.text or "").startswith("/"):
            return
        user = update.effective_user
        text = self._label(user.language_code if user else None, "tg.private_only",
                           bot=context.bot.username or "")
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(message.chat_id, text)

    async def on_membership(self, update: Update, context: Context) -> None:
        """Added to a group: say we only work in private chats, and leave."""
        change = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        if change.new_chat_member.status not in (ChatMemberStatus.MEMBER,
                                                 ChatMemberStatus.ADMINISTRATOR):
            return
        text = self._label(change.from_user.language_code, "tg.private_only",
                           bot=context.bot.username or "")
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(change.chat.id, text)
            await context.bot.leave_chat(change.chat.id)

    async def on_error(self, update: object, context: Context) -> None:
        uid = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed: %s", uid, type(context.error).__name__,
                  exc_info=context.error)

    # -- replies -------------------------------------------------------------------------------
    async def reply(self, chat_id: int, replies: list[Reply], *, event: Event,
                    edit: Message | None = None) -> None:
        """Render the replies in order, then settle them if they were owed. If Telegram
        cannot be reached (after one 429 wait) or the chat blocked the bot, what is left goes
        to the delivery worker, which keeps trying (or marks the person unreachable)."""
        assert self.renderer is not None, "post_init has not run"
        if isinstance(replies, Answer) and replies.queued:
            return  # behind an earlier unsent reply: the delivery worker sends it, in order
        owed_id = replies.owed_id if isinstance(replies, Answer) else None
        for n, reply in enumerate(replies):
            try:
                edited = await self.renderer.render(
                    chat_id, reply, edit=edit if reply.edit else None,
                    remove_keyboard=event.kind == "contact" and n == 0)
                if edited:
                    edit = None  # one message is replaced; later edit replies are new messages
            except BadRequest as exc:
                log.warning("Telegram refused a reply: %s", exc)
            except (Forbidden, NetworkError, RetryAfter) as exc:
                log.warning("reply to %s not sent (%s); left to the outbox",
                            str(chat_id)[:3] + "***", type(exc).__name__)
                if not await self.app.owed.hand_over(owed_id, replies[n:], type(exc).__name__) \
                        and owed_id is None and not isinstance(exc, Forbidden):
                    await self._queue(chat_id, replies[n:])
                return
        self.app.owed.settle(owed_id)

    async def _queue(self, chat_id: int, replies: list[Reply]) -> None:
        services = self.app.services
        try:
            async with services.db.transaction() as session:
                await outbox.enqueue(session, channel=CHANNEL, user_id=str(chat_id),
                                     replies=replies, kind="reply", now=services.now())
        except Exception as exc:
            log.warning("could not queue an undelivered reply: %s", type(exc).__name__)
            return
        if self.app.delivery is not None:
            self.app.delivery.wake()

    @staticmethod
    async def _answer(call: Any) -> None:
        try:
            await call
        except TelegramError as exc:  # too old (e.g. handled again after a restart)
            log.debug("callback query not answered: %s", exc)

    def _label(self, language_code: str | None, key: str, **kw: Any) -> str:
        return self.app.services.renderer.label(locale_for(language_code), key, **kw)

    async def person_label(self, user_id: str, key: str) -> str:
        """A label in the language the person chose (or Telegram reports)."""
        lang = self.app.services.settings.default_language
        with contextlib.suppress(Exception):
            async with self.app.services.db.transaction() as session:
                person = await find_resident(session, f"{CHANNEL}:{user_id}")
                if person is not None:
                    lang = person.language
        return plain_text(self.app.services.renderer.label(lang, key))

    # -- lifecycle -----------------------------------------------------------------------------
    async def post_init(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Database up to date, outbox worker running, command menu set, and updates left
        over from a crash queued first."""
        if self.migrate:
            await self._start_app()
        self.renderer = ReplyRenderer(application.bot, self.person_label)
        worker = self.app.attach_sender(CHANNEL, TelegramSender(self.renderer))
        self._application = application
        await self._owed_first(worker)
        self._stop_worker.clear()
        self._worker = asyncio.create_task(worker.run(self._stop_worker, poll=OUTBOX_POLL),
                                           name="telegram-outbox")
        await self._set_commands(application)
        for update in await self.ledger.unhandled(application.bot):
            await application.update_queue.put(update)
        await self.ledger.prune()
        # The knowledge base and matcher index are ~300k long-lived objects: a full garbage
        # collection walks them all (~130 ms here), a pause every few seconds under load.
        # Freeze what exists now so collections only look at what updates allocate.
        gc.collect()
        gc.freeze()

    async def _start_app(self) -> None:
        """Check (or, on SQLite, migrate) the schema, waiting for a database that is not up
        yet: meanwhile the webhook answers 503 and Telegram keeps the updates."""
        outage = OutageLog(log, "start")
        delay = 1.0
        while True:
            try:
                await self.app.start()
                outage.ok()
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise
                outage.failed(exc, "waiting for it")
                await asyncio.sleep(delay)
                delay = min(10.0, delay * 1.5)

    async def _owed_first(self, worker: Any) -> None:
        """Replies a crashed run committed but never sent go out before anything else. With
        SQLite this is the only process that sends Telegram replies, so their leases are
        released at once; on PostgreSQL another worker may be sending them: they come back
        when their lease runs out."""
        services = self.app.services
        try:
            async with services.db.transaction() as session:
                released = await outbox.release_owed(session, channel=CHANNEL) \
                    if services.db.is_sqlite else 0
            if released:
                log.info("sending %d repl(ies) owed since the last stop", released)
            # only the owed replies: notices wait for the worker, within their rate limits
            await worker.drain(within=10.0, kind=outbox.REPLY_KIND)
        except Exception as exc:  # the database or Telegram is down: the worker keeps trying
            log.warning("owed replies not sent at start: %s", type(exc).__name__)

    def _start_redo(self) -> None:
        if self._redo is None or self._redo.done():
            self._redo = asyncio.create_task(self._redo_deferred(), name="telegram-redo")

    async def _redo_deferred(self) -> None:
        """Hand deferred updates back to PTB once the database answers again."""
        delay = REDO_FIRST
        while self.ledger.deferred and self._application is not None:
            await asyncio.sleep(delay)
            try:
                updates = await self.ledger.redo(self._application.bot)
            except Exception as exc:
                log.warning("database still unavailable (%s); %d update(s) wait",
                            type(exc).__name__, len(self.ledger.deferred))
                delay = min(REDO_MAX, delay * 1.5)
                continue
            delay = REDO_FIRST
            for update in updates:
                await self._application.update_queue.put(update)

    async def post_stop(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Stop the outbox worker while the bot can still send (before bot shutdown)."""
        await self.stop_worker()

    async def post_shutdown(self, application: Application[Any, Any, Any, Any, Any, Any],
                            ) -> None:
        await self.stop_worker()
        await self.app.close()

    async def stop_worker(self) -> None:
        if self._redo is not None:
            self._redo.cancel()
            self._redo = None
        await self.app.owed.flush()
        if self._worker is None:
            return
        self._stop_worker.set()
        if self.app.delivery is not None:
            self.app.delivery.wake()
        try:
            await asyncio.wait_for(self._worker, timeout=10)
        except (TimeoutError, asyncio.CancelledError):
            log.warning("outbox worker did not stop in time")
        self._worker = None

    async def _set_commands(self, application: Application[Any, Any, Any, Any, Any, Any],
                            ) -> None:
        renderer = self.app.services.renderer
        try:
            for lang, code in (("zh", None), ("en", "en")):
                commands = [BotCommand(c, plain_text(renderer.label(lang, f"tg.cmd.{c}")))
                            for c in MENU_COMMANDS]
                await application.bot.set_my_commands(commands, language_code=code)
        except TelegramError as exc:
            log.warning("could not set the command menu: %s", exc)
