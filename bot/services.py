"""The long-lived things every handler needs, built once by the app factory and passed around."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.i18n import Renderer
from bot.settings import Settings, SettingsError
from domain.departments import Registry, UnknownDepartment, item_departments
from domain.slots import Schedule, SlotRule
from domain.workdays import WorkCalendar, load_calendar
from knowledge.loader import load_kb
from knowledge.localize import Localizer
from knowledge.matcher import Matcher
from knowledge.model import Item, KnowledgeBase
from storage.db import Database
from storage.people import GrantedRoles


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: Database
    kb: KnowledgeBase
    matcher: Matcher
    calendar: WorkCalendar
    renderer: Renderer
    clock: Callable[[], datetime] = field(default=utc_now)
    granted_roles: GrantedRoles = field(default_factory=GrantedRoles)
    # the KB files' (name, mtime, size) when last loaded (bot.kb_reload watches for changes)
    kb_fingerprint: tuple[tuple[str, int, int], ...] | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    @property
    def registry(self) -> Registry:
        return self.settings.registry

    @cached_property
    def item_departments(self) -> dict[str, str | None]:
        """Item id → department code (explicit `department_code`, else named in its
        description); checked when the services are built."""
        try:
            return item_departments(self.registry, self.kb.items)
        except UnknownDepartment as exc:
            raise SettingsError(f"knowledge base: {exc}") from exc

    def department_of(self, item: Item | None) -> str | None:
        return self.item_departments.get(item.id) if item is not None else None

    @cached_property
    def office(self) -> Schedule:
        """The center's opening hours over the working-day calendar (who is on duty when)."""
        s = self.settings
        return Schedule(tz=self.tz, office_hours={d: s.session_times(d) for d in range(7)},
                        calendar=self.calendar,
                        rule=SlotRule(minutes=s.slot_minutes, capacity=s.slot_capacity))


def build_services(settings: Settings, *, db: Database | None = None,
                   kb: KnowledgeBase | None = None,
                   clock: Callable[[], datetime] | None = None) -> Services:
    """Load the knowledge base, build the matcher index, open the database (no I/O yet)."""
    kb = kb if kb is not None else load_kb(settings.kb_path)
    renderer = Renderer(settings.timezone)
    # English (and any other locale) shows the KB's own translations, Chinese marked where none.
    localizer = Localizer(kb, lambda locale: renderer.label(locale, "kb.untranslated"))
    renderer.content = localizer.view
    services = Services(
        settings=settings,
        db=db or Database(settings.db_url, pool_size=max(5, settings.concurrent_updates // 4)),
        kb=kb,
        matcher=Matcher(kb),
        calendar=load_calendar(settings.calendar_overrides),
        renderer=renderer,
        clock=clock or utc_now,
    )
    registry = settings.registry
    services.renderer.department_names = registry.name
    services.item_departments  # noqa: B018 — an item naming an unknown department stops the start
    return services
