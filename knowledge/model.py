"""Typed, immutable representation of a loaded knowledge base (see ../shared/kb-format.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("即办件", "承诺件", "上报件", "联办件", "咨询")
KINDS_NEEDING_TIME_LIMIT = ("承诺件", "上报件", "联办件")
FORMS = ("原件", "复印件", "原件及复印件", "电子版")
REFERRAL_PREFIX = "ref:"  # how a referral is named where an item id could stand (case files, logs)


@dataclass(frozen=True)
class Center:
    name: str
    address: str = ""
    phone: str = ""
    hours: str = ""
    en: CenterText | None = None  # English, shown by the English interface


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
    en: ItemText | None = None  # English text, shown by the English interface


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
    referrals: tuple[Referral, ...] = ()  # services other offices handle (转介)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id.update({it.id: it for it in self.items})

    def get(self, item_id: str) -> Item | None:
        return self.by_id.get(item_id)

    def referral(self, referral_id: str) -> Referral | None:
        """A referral by its id (with or without the `ref:` prefix of case files)."""
        wanted = referral_id.removeprefix(REFERRAL_PREFIX)
        return next((r for r in self.referrals if r.id == wanted), None)

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
        """Item id → official name (referrals as `ref:<id>`, as the query log keeps them)."""
        names = {it.id: it.name for it in self.items}
        names.update({REFERRAL_PREFIX + r.id: r.name for r in self.referrals})
        return names


# -- English text (optional; the English interface falls back to Chinese, marked) ------------

@dataclass(frozen=True)
class MaterialText:
    name: str
    note: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class ItemText:
    """An item's text in English. Lists run parallel to the item's own (same length, same
    order); a field left out is shown in Chinese."""

    name: str | None = None
    category: str | None = None
    fee: str | None = None
    window: str | None = None
    conditions: tuple[str, ...] | None = None
    steps: tuple[str, ...] | None = None
    materials: tuple[MaterialText, ...] | None = None
    faq: tuple[Faq, ...] | None = None


# -- Referrals (转介): what the center does not handle, and who does -------------------------

@dataclass(frozen=True)
class ReferralText:
    """A referral's text in English; `bring` runs parallel to the referral's own."""

    name: str | None = None
    office: str | None = None
    address: str | None = None
    phone: str | None = None
    hours: str | None = None
    online: str | None = None
    bring: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Referral:
    """A service another office handles: how residents ask for it, who handles it, where,
    when, how to reach them and what to bring (首问负责: never just "not ours")."""

    id: str
    name: str
    office: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    category: str | None = None
    address: str | None = None
    phone: str | None = None
    hours: str | None = None
    online: str | None = None
    bring: tuple[str, ...] = ()
    note: str | None = None
    example: bool = False  # the contact data are examples, to be replaced on deployment
    en: ReferralText | None = None
    source: str = ""


@dataclass(frozen=True)
class CenterText:
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    hours: str | None = None
