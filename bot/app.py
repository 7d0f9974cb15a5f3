"""The app factory: everything the bot is made of, built from settings in one place.
The entry points (`servicebot run`, `servicebot console`) and the tests all call it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from bot import logredact
from bot.core import Event
from bot.delivery import DeliveryWorker, Sender
from bot.dispatcher import Answer, Dispatcher
from bot.kb_reload import watch as kb_watch
from bot.owed import OwedReplies
from bot.router import Router
from bot.routes import build_router
from bot.scheduler import Scheduler
from bot.services import Services, build_services
from bot.settings import Settings
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)


class SchemaOutOfDate(RuntimeError):
    def __init__(self, current: str | None, head: str) -> None:
        super().__init__(f"the database schema is at {current or 'nothing'}, the code needs {head}: "
                         "run `servicebot db upgrade` first")


@dataclass
class App:
    services: Services
    router: Router
    dispatcher: Dispatcher
    senders: dict[str, Sender] = field(default_factory=dict)
    delivery: DeliveryWorker | None = None
    scheduler: Scheduler | None = None
    owed: OwedReplies = field(init=False)

    def __post_init__(self) -> None:
        self.owed = OwedReplies(self.services)
        # a reply is not sent on the fast path past another process's unsent one (per-person
        # order across workers); this process's own unsettled ones went out in order already
        self.dispatcher.unsettled = self.owed.held

    async def start(self, *, migrate: bool | None = None) -> None:
        """Make sure the schema is current: SQLite is migrated on start (embedded, no setup);
        PostgreSQL must be migrated with `servicebot db upgrade` and is only checked here."""
        db = self.services.db
        if migrate if migrate is not None else db.is_sqlite:
            await db.upgrade()
        else:
            from storage.migrate import current_revision, head_revision

            current, head = await current_revision(db.engine), head_revision()
            if current != head:
                raise SchemaOutOfDate(current, head)
        await self.migrate_departments()

    async def migrate_departments(self) -> None:
        """Stored free-text departments → the registry's codes (storage.departments)."""
        from storage.departments import migrate_to_codes

        async with self.services.db.transaction() as session:
            changed = await migrate_to_codes(session, self.services.registry)
        if changed:
            log.info("departments mapped to codes: %s", changed)

    async def handle(self, event: Event, *, update_key: str | None = None,
                     owe: bool = False) -> Answer:
        """Handle one event; `update_key` names its stored inbox update, `owe` records the
        replies until the channel settles them through `self.owed` (see Dispatcher)."""
        answer = await self.dispatcher.handle(event, update_key=update_key, owe=owe)
        self.owed.hold(answer.owed_id)
        return answer

    def attach_sender(self, channel: str, sender: Sender) -> DeliveryWorker:
        self.senders[channel] = sender
        if self.delivery is None:
            # the deadline scheduler runs wherever delivery runs (console and Telegram alike)
            companions = [self.scheduler.run] if self.scheduler is not None else []
            if self.services.settings.work_robots and "robot" not in self.senders:
                # work-group robots go out wherever delivery runs (bot.robots)
                from bot.robots import CHANNEL as ROBOTS
                from bot.robots import RobotSender

                self.senders[ROBOTS] = RobotSender(
                    self.services.settings.work_robots, db=self.services.db,
                    clock=self.services.now,
                    per_minute=self.services.settings.robot_per_minute)
            companions.append(partial(kb_watch, self.services))  # KB edits reach every worker
            self.delivery = DeliveryWorker(self.services, self.senders, companions=companions,
                                           held=self.owed.held)
            # woken when an update queued a notice, not after every update
            self.dispatcher.on_queued = self.delivery.wake
            self.owed.wake = self.delivery.wake
        else:
            self.delivery.senders[channel] = sender
        return self.delivery

    async def close(self) -> None:
        robots = self.senders.get("robot")
        if robots is not None and hasattr(robots, "close"):
            await robots.close()
        await self.services.db.dispose()


def secrets_of(settings: Settings) -> list[str]:
    """The configured values no log line may hold."""
    return settings.secret_values()


def create_app(settings: Settings, *, kb: KnowledgeBase | None = None,
               clock: Callable[[], datetime] | None = None,
               services: Services | None = None) -> App:
    logredact.install(secrets_of(settings))  # before anything can log them
    services = services or build_services(settings, kb=kb, clock=clock)
    router = build_router()
    scheduler = Scheduler(services) if services.settings.scheduler_enabled else None
    return App(services=services, router=router, dispatcher=Dispatcher(services, router),
               scheduler=scheduler)
