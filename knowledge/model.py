"""Typed, immutable representation of a loaded knowledge base (see ../shared/kb-format.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("即办件", "承诺件", "上报件", "联办件", "咨询")
KINDS_NEEDING_TIME_LIMIT = ("承诺件", "上报件", "联办件")
FORMS = ("原件", "复印件", "原件及复印件", "电子版")


@dataclass(frozen=True)
class Center:
    name: str
    address: str = ""
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Material:
    name: str
    form: str | None = None
    copies: int | None = None
    note: str | None = None
    when: str | None = None  # needed only in this situation


@dataclass(frozen=True)
class Faq:
    q: str
    a: str


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    category: str | None = None
    department: str | None = None
    window: str | None = None
    time_limit_workdays: int | None = None
    fee: str = "免费"
    basis: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    materials: tuple[Material, ...] = ()
    steps: tuple[str, ...] = ()
    faq: tuple[Faq, ...] = ()
    online: str | None = None
    appointment: bool = True
    source: str = ""  # file the item came from, for error messages
    department_code: str | None = None  # a department of the configured registry

    @property
    def situations(self) -> tuple[str, ...]:
        """Distinct `when` situations, in order of first appearance."""
        seen: dict[str, None] = {}
        for m in self.materials:
            if m.when:
                seen.setdefault(m.when, None)
        return tuple(seen)


@dataclass(frozen=True)
class KnowledgeBase:
    items: tuple[Item, ...]
    center: Center | None = None
    by_id: dict[str, Item] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id.update({it.id: it for it in self.items})

    def get(self, item_id: str) -> Item | None:
        return self.by_id.get(item_id)

    def categories(self, keep: Callable[[Item], bool] | None = None,
                   ) -> list[tuple[str, tuple[Item, ...]]]:
        """Items grouped by category, in the order the knowledge base lists them (an item
        without a category goes under ""); `keep` filters items first."""
        groups: dict[str, list[Item]] = {}
        for it in self.items:
            if keep is None or keep(it):
                groups.setdefault(it.category or "", []).append(it)
        return [(name, tuple(items)) for name, items in groups.items()]

    @property
    def names(self) -> dict[str, str]:
        """Item id → official name."""
        return {it.id: it.name for it in self.items}
