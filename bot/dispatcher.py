"""Handles one event end to end: one transaction per update, routing, roles, error answers.

Updates of one person are handled one at a time (in arrival order) even when the channel
handles many people concurrently. Everything a handler changes — dialog state, matters,
outbox notices — commits together or not at all.

A channel that sends replies itself after the commit asks for them to be *owed*
(`owe=True`): the replies are recorded in the outbox in the same transaction, leased to the
channel, which sends them at once and settles them (`App.owed`). If the process dies in
between, the lease runs out and the delivery worker sends them: a committed booking never
loses its confirmation. A stored update that meets a database outage is *deferred*: not
marked processed, so the channel handles it again when the database is back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection

from sqlalchemy.exc import DBAPIError

from bot import metrics
from bot.context import Context
from bot.core import Event
from bot.i18n import locale_for
from bot.keyed_locks import KeyedLocks
from bot.router import Router
from bot.services import Services
from domain.errors import DomainError
from domain.messages import Reply
from domain.privacy import mask_text
from storage import inbox, outbox
from storage.db import TRANSIENT_ERRORS, describe_error, is_transient
from storage.locks import hold_person
from storage.people import audit, get_or_create_resident, role_of

log = logging.getLogger(__name__)

TRANSIENT = TRANSIENT_ERRORS
RETRY_DELAYS = (0.05, 0.3)


class _Repeat(Exception):
    """The update was processed before: roll back, answer nothing."""


class Answer(list[Reply]):
    """The replies to one event, and what the channel owes for them."""

    owed_id: int | None = None  # outbox row holding these replies until the channel settles it
    deferred: bool = False  # a stored update not handled (database down): it will be retried
    # owed replies queued behind an earlier unsent reply to the person (storage.outbox.
    # record_owed): the delivery worker sends them in order, the channel sends nothing
    queued: bool = False

    @classmethod
    def of(cls, replies: list[Reply], *, owed_id: int | None = None,
           deferred: bool = False, queued: bool = False) -> Answer:
        answer = cls(replies)
        answer.owed_id, answer.deferred, answer.queued = owed_id, deferred, queued
        return answer


class Dispatcher:
    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router
        self._people = KeyedLocks()
        # called after a commit that queued outbox notices (the app wakes its delivery worker)
        self.on_queued: Callable[[], None] | None = None
        # this process's replies sent but not yet recorded as sent (App.owed)
        self.unsettled: Callable[[], Collection[int]] = frozenset

    async def handle(self, event: Event, *, update_key: str | None = None,
                     owe: bool = False) -> Answer:
        """Handle one event. `update_key` names the stored incoming update (storage.inbox) it
        came from: it is marked processed in the same transaction as the changes, so an
        update is never half-handled nor handled twice across a crash. `owe`: record the
        replies in the outbox with the changes (see the module docstring)."""
        async with self._people.hold(event.person_key):
            started = time.perf_counter()
            answer, settled = await self._handle(event, update_key, owe)
            metrics.REPLY_SECONDS.labels(event.channel).observe(time.perf_counter() - started)
            if update_key is not None and not settled and not answer.deferred:
                await self._mark_processed(event, update_key, answer, owe=owe)
            return answer

    async def _handle(self, event: Event, update_key: str | None,
                      owe: bool) -> tuple[Answer, bool]:
        """The answer, and whether the inbox row was marked with the committed changes."""
        lang = locale_for(event.language_code)
        renderer = self.services.renderer
        for attempt, delay in enumerate((*RETRY_DELAYS, None)):
            ctx: Context | None = None
            try:
                async with self.services.db.transaction() as session:
                    ctx = await self._context(session, event)
                    lang = ctx.lang
                    if update_key is not None and not await inbox.claim(
                            session, channel=event.channel, update_key=update_key,
                            now=self.services.now()):
                        raise _Repeat
                    replies = await self._route(ctx)
                    await self._audit_privileged(ctx)
                    owed_id, queued = None, False
                    if owe and replies:
                        owed_id = await self._owe(session, event, replies)
                        queued = owed_id is None
                if session.info.get("outbox_queued") and self.on_queued is not None:
                    self.on_queued()
                if ctx.roles_changed:
                    self.services.granted_roles.invalidate()
                metrics.UPDATES.labels(event.channel, "answered").inc()
                return Answer.of(replies, owed_id=owed_id, queued=queued), True
            except _Repeat:
                log.info("update %s:%s was handled before; dropped", event.channel, update_key)
                metrics.UPDATES.labels(event.channel, "repeat").inc()
                return Answer([]), True
            except DomainError as err:
                # rolled back: a refused action changes nothing, but the attempt is recorded
                metrics.UPDATES.labels(event.channel, "refused").inc()
                if ctx is not None and ctx.privileged_action:
                    await self._audit_refusal(ctx, err)
                return Answer([Reply(renderer.label(lang, f"err.{err.code}", channel=event.channel,
                                                    **err.params))]), False
            except (*TRANSIENT, DBAPIError) as exc:
                if not is_transient(exc):
                    log.exception("database error: %s", mask_text(str(exc))[:300])
                    metrics.UPDATES.labels(event.channel, "error").inc()
                    return Answer([Reply(renderer.label(lang, "err.internal",
                                                        channel=event.channel))]), False
                if delay is None:
                    log.warning("database unavailable for an update (attempt %s): %s",
                                attempt + 1, _describe(exc))
                    metrics.UPDATES.labels(event.channel, "db_unavailable").inc()
                    return self._unavailable(lang, event.channel,
                                             stored=update_key is not None), False
                await asyncio.sleep(delay)
            except Exception:
                log.exception("handler failed for %s event", event.kind)
                metrics.UPDATES.labels(event.channel, "error").inc()
                return Answer([Reply(renderer.label(lang, "err.internal",
                                                    channel=event.channel))]), False
        return self._unavailable(lang, event.channel,  # pragma: no cover
                                 stored=update_key is not None), False

    def _unavailable(self, lang: str, channel: str, *, stored: bool) -> Answer:
        """The database is down. A stored update will be handled when it is back (say so,
        and promise nothing else); one that was not stored must be sent again."""
        key = "err.db_deferred" if stored else "err.db_unavailable"
        text = self.services.renderer.label(lang, key, channel=channel)
        return Answer.of([Reply(text)], deferred=stored)

    async def _owe(self, session, event: Event, replies: list[Reply]) -> int | None:  # type: ignore[no-untyped-def]
        return await outbox.record_owed(session, channel=event.channel, user_id=event.user_id,
                                        replies=[r.to_dict() for r in replies],
                                        now=self.services.now(), mine=self.unsettled(),
                                        after_others=session.info.get("waited_for_person", False))

    async def _mark_processed(self, event: Event, update_key: str, answer: Answer, *,
                              owe: bool) -> None:
        """A refused or failed update is answered too: do not handle it again after a restart,
        and owe its answer like any other (best effort — with the database down it stays
        unprocessed and is retried, and the channel sends the answer as it is)."""
        try:
            async with self.services.db.transaction() as session:
                await inbox.mark_processed(session, channel=event.channel,
                                           update_key=update_key, now=self.services.now())
                if owe and answer:
                    answer.owed_id = await self._owe(session, event, answer)
                    answer.queued = answer.owed_id is None
            if answer.queued and self.on_queued is not None:
                self.on_queued()
        except (*TRANSIENT, DBAPIError) as exc:
            answer.owed_id, answer.queued = None, False
            log.warning("could not mark update %s:%s processed: %s", event.channel, update_key,
                        _describe(exc))

    async def _context(self, session, event: Event) -> Context:  # type: ignore[no-untyped-def]
        services = self.services
        # the same person on another worker waits; if we waited, our replies must not overtake
        # that worker's (storage.outbox.record_owed)
        session.info["waited_for_person"] = await hold_person(session, event.person_key)
        person, conv = await get_or_create_resident(
            session, channel=event.channel, user_id=event.user_id,
            display_name=event.display_name, language=locale_for(event.language_code),
            now=services.now(),
        )
        if not person.language_chosen and event.language_code \
                and person.language != locale_for(event.language_code):
            person.language = locale_for(event.language_code)
        role = await role_of(session, services.settings, event.channel, event.user_id,
                             services.granted_roles)
        return Context(event=event, session=session, services=services, person=person,
                       conv=conv, role=role)

    async def _route(self, ctx: Context) -> list[Reply]:
        ev, router = ctx.event, self.router
        if ev.edited:
            return [ctx.say("err.edited_message")]
        if ev.kind == "command":
            cmd = router.commands.get(ev.command)
            if cmd is None:
                return [ctx.say("err.unknown_command", command=ev.command[:32])]
            if not ctx.role.at_least(cmd.role):
                return await _refuse(ctx, cmd.name, cmd.role, mask_text(ev.args)[:200])
            ctx.privileged_action = cmd.name if cmd.role != "resident" else None
            return await cmd.handler(ctx)
        if ev.kind == "choice":
            found = router.for_choice(ev.choice)
            if found is None or len(ev.choice.encode()) > 64:
                return [ctx.say("err.stale_button")]
            choice, args = found
            if not ctx.role.at_least(choice.role):  # a staff button forged or forwarded
                return await _refuse(ctx, choice.name, choice.role, ev.choice[:64])
            ctx.privileged_action = choice.name if choice.role != "resident" else None
            return await choice.handler(ctx, *args)
        if ev.kind == "text" and router.interrupt_text is not None:
            interrupted = await router.interrupt_text(ctx)
            if interrupted is not None:
                return interrupted
        if ev.kind in ("text", "contact", "photo"):
            handler = router.for_state(ctx.state) if ctx.state != "idle" else None
            if handler is not None:
                return await handler(ctx)
            if ev.kind == "text" and router.fallback_text is not None:
                return await router.fallback_text(ctx)
            if ev.kind == "contact":
                return [ctx.say("err.contact_unexpected")]
        return [ctx.say("err.text_only")]

    async def _audit_refusal(self, ctx: Context, err: DomainError) -> None:
        try:
            async with self.services.db.transaction() as session:
                await audit(session, actor=ctx.key, role=ctx.role.name,
                            action=ctx.privileged_action or "", now=self.services.now(),
                            matter_id=ctx.audit_matter_id, allowed=False,
                            detail=f"refused: {err.code} {mask_text(ctx.event.args)[:200]}")
        except TRANSIENT as exc:
            log.warning("could not audit a refused %s: %s", ctx.privileged_action, _describe(exc))

    @staticmethod
    async def _audit_privileged(ctx: Context) -> None:
        if ctx.privileged_action:
            usage = "usage: " if ctx.usage_error else ""
            await ctx.audit(ctx.privileged_action, matter_id=ctx.audit_matter_id,
                            detail=usage + mask_text(ctx.event.args)[:500],
                            allowed=not ctx.usage_error)


async def _refuse(ctx: Context, action: str, role: str, detail: str) -> list[Reply]:
    """A command or button above the person's role: audited, and politely refused."""
    await ctx.audit(action, detail=detail, allowed=False)
    if ctx.role.is_staff:  # a colleague, not a resident: say who may
        return [ctx.say("err.not_allowed_staff", command=action, role=ctx.label(f"role.{role}"))]
    return [ctx.say("err.not_allowed", command=action)]


def _describe(exc: BaseException) -> str:
    return mask_text(describe_error(exc))
