"""The app factory: everything the bot is made of, built from settings in one place.
The entry points (`servicebot run`, `servicebot console`) and the tests all call it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core import Event, Reply
from bot.delivery import DeliveryWorker, Sender
from bot.dispatcher import Dispatcher
from bot.router import Router
from bot.routes import build_router
from bot.services import Services, build_services
from bot.settings import Settings
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)


@dataclass
class App:
    services: Services
    router: Router
    dispatcher: Dispatcher
    senders: dict[str, Sender] = field(default_factory=dict)
    delivery: DeliveryWorker | None = None

    async def start(self, *, migrate: bool = True) -> None:
        """Bring the database schema up to date (SQLite: always; PostgreSQL: when asked)."""
        if migrate:
            await self.services.db.upgrade()

    async def handle(self, event: Event) -> list[Reply]:
        replies = await self.dispatcher.handle(event)
        if self.delivery is not None:
            self.delivery.wake()
        return replies

    def attach_sender(self, channel: str, sender: Sender) -> DeliveryWorker:
        self.senders[channel] = sender
        if self.delivery is None:
            self.delivery = DeliveryWorker(self.services, self.senders)
        else:
            self.delivery.senders[channel] = sender
        return self.delivery

    async def close(self) -> None:
        await self.services.db.dispose()


def create_app(settings: Settings, *, kb: KnowledgeBase | None = None,
               clock: Callable[[], datetime] | None = None,
               services: Services | None = None) -> App:
    services = services or build_services(settings, kb=kb, clock=clock)
    router = build_router()
    return App(services=services, router=router, dispatcher=Dispatcher(services, router))
