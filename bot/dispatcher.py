"""Handles one event end to end: one transaction per update, routing, roles, error answers.

Updates of one person are handled one at a time (in arrival order) even when the channel
handles many people concurrently. Everything a handler changes — dialog state, matters,
outbox notices — commits together or not at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot import metrics
from bot.context import Context
from bot.core import Event, Reply
from bot.i18n import locale_for
from bot.keyed_locks import KeyedLocks
from bot.router import Router
from bot.services import Services
from domain.privacy import mask_text
from storage import inbox
from storage.errors import DomainError
from storage.locks import hold_person
from storage.people import audit, get_or_create_resident, role_of

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError)
RETRY_DELAYS = (0.05, 0.3)


class Dispatcher:
    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router
        self._people = KeyedLocks()
        # called after a commit that queued outbox notices (the app wakes its delivery worker)
        self.on_queued: Callable[[], None] | None = None

    async def handle(self, event: Event, *, update_key: str | None = None) -> list[Reply]:
        """Handle one event. `update_key` names the stored incoming update (storage.inbox) it
        came from: it is marked processed in the same transaction as the changes, so an
        update is never half-handled nor handled twice across a crash."""
        async with self._people.hold(event.person_key):
            started = time.perf_counter()
            replies, settled = await self._handle(event, update_key)
            metrics.REPLY_SECONDS.labels(event.channel).observe(time.perf_counter() - started)
            if update_key is not None and not settled:
                await self._mark_processed(event.channel, update_key)
            return replies

    async def _handle(self, event: Event, update_key: str | None) -> tuple[list[Reply], bool]:
        """The replies, and whether the inbox row was marked with the committed changes."""
        lang = locale_for(event.language_code)
        renderer = self.services.renderer
        for attempt, delay in enumerate((*RETRY_DELAYS, None)):
            ctx: Context | None = None
            try:
                async with self.services.db.transaction() as session:
                    ctx = await self._context(session, event)
                    lang = ctx.lang
                    replies = await self._route(ctx)
                    await self._audit_privileged(ctx)
                    if update_key is not None:
                        await inbox.mark_processed(session, channel=event.channel,
                                                   update_key=update_key, now=self.services.now())
                if session.info.get("outbox_queued") and self.on_queued is not None:
                    self.on_queued()
                if ctx.roles_changed:
                    self.services.granted_roles.invalidate()
                metrics.UPDATES.labels(event.channel, "answered").inc()
                return replies, True
            except DomainError as err:
                # rolled back: a refused action changes nothing, but the attempt is recorded
                metrics.UPDATES.labels(event.channel, "refused").inc()
                if ctx is not None and ctx.privileged_action:
                    await self._audit_refusal(ctx, err)
                return [Reply(renderer.label(lang, f"err.{err.code}", **err.params))], False
            except TRANSIENT as exc:
                if delay is None or not _is_transient(exc):
                    log.warning("database unavailable for an update (attempt %s): %s",
                                attempt + 1, type(exc).__name__)
                    metrics.UPDATES.labels(event.channel, "db_unavailable").inc()
                    return [Reply(renderer.label(lang, "err.db_unavailable"))], False
                await asyncio.sleep(delay)
            except DBAPIError as exc:
                log.exception("database error: %s", mask_text(str(exc))[:300])
                metrics.UPDATES.labels(event.channel, "error").inc()
                return [Reply(renderer.label(lang, "err.internal"))], False
            except Exception:
                log.exception("handler failed for %s event", event.kind)
                metrics.UPDATES.labels(event.channel, "error").inc()
                return [Reply(renderer.label(lang, "err.internal"))], False
        return [Reply(renderer.label(lang, "err.db_unavailable"))], False  # pragma: no cover

    async def _mark_processed(self, channel: str, update_key: str) -> None:
        """A refused or failed update is answered too: do not handle it again after a restart
        (best effort — with the database down it stays unprocessed and is retried)."""
        try:
            async with self.services.db.transaction() as session:
                await inbox.mark_processed(session, channel=channel, update_key=update_key,
                                           now=self.services.now())
        except (*TRANSIENT, DBAPIError):
            log.warning("could not mark update %s:%s processed", channel, update_key)

    async def _context(self, session, event: Event) -> Context:  # type: ignore[no-untyped-def]
        services = self.services
        await hold_person(session, event.person_key)  # the same person on another worker waits
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
                await ctx.audit(cmd.name, detail=mask_text(ev.args)[:200], allowed=False)
                return [ctx.say("err.not_allowed", command=cmd.name)]
            ctx.privileged_action = cmd.name if cmd.role != "resident" else None
            return await cmd.handler(ctx)
        if ev.kind == "choice":
            handler = router.for_choice(ev.choice)
            if handler is None or len(ev.choice.encode()) > 64:
                return [ctx.say("err.stale_button")]
            return await handler(ctx)
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
        except TRANSIENT:
            log.warning("could not audit a refused %s", ctx.privileged_action)

    @staticmethod
    async def _audit_privileged(ctx: Context) -> None:
        if ctx.privileged_action:
            await ctx.audit(ctx.privileged_action, matter_id=ctx.audit_matter_id,
                            detail=mask_text(ctx.event.args)[:500])


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, ConnectionError | OSError | TimeoutError)
