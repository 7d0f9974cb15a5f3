"""The knowledge base as the English interface shows it.

Items and referrals carry optional English (`en:` blocks, see shared/kb-format.md). A view
is the same `Item` / `Referral` with the English put in place of the Chinese text, field by
field; where a field has no English the Chinese stays, marked (e.g. "户口迁移 (中文)") so
the reader knows it is not a translation gap in the bot. Ids, kinds, departments, windows,
time limits and the order of materials are untouched: a view is interchangeable with the
original everywhere (ticks are material indices; routing uses the department, which the
view leaves as it is: department names are the departments' own business).

`Localizer.view(locale, value)` turns any value a template is given — an item, a material,
an FAQ entry, a referral, a checklist line, lists and tuples of them — into its view; the
renderer calls it for every template rendered in a locale other than the KB's own (zh).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from knowledge.model import Center, Faq, Item, KnowledgeBase, Material, Referral

SOURCE_LOCALE = "zh"  # the language the knowledge base is written in


class Localizer:
    """Views of one knowledge base's items and referrals in other locales, built once."""

    def __init__(self, kb: KnowledgeBase, marker: Callable[[str], str]) -> None:
        # marker(locale) -> the mark appended to text shown untranslated, e.g. "(中文)"
        self.kb = kb
        self._marker = marker
        self._views: dict[str, dict[int, Any]] = {}  # locale -> id(original) -> view

    def view(self, locale: str, value: Any) -> Any:
        """`value` as shown in `locale` (unchanged for the KB's own language)."""
        if locale == SOURCE_LOCALE:
            return value
        return self._view(self._table(locale), value, depth=0)

    def kb_view(self, locale: str) -> KnowledgeBase:
        """The whole knowledge base as shown in `locale` (for lists such as the guide)."""
        if locale == SOURCE_LOCALE:
            return self.kb
        table = self._table(locale)
        return KnowledgeBase(items=tuple(table[id(it)] for it in self.kb.items),
                             center=table.get(id(self.kb.center), self.kb.center),
                             referrals=tuple(table[id(r)] for r in self.kb.referrals))

    def _table(self, locale: str) -> dict[int, Any]:
        if locale not in self._views:
            mark = self._marker(locale)
            table: dict[int, Any] = {}
            for item in self.kb.items:
                shown = english_item(item, mark)
                pairs = [(item, shown), *zip((*item.materials, *item.faq),
                                             (*shown.materials, *shown.faq), strict=True)]
                for original, view in pairs:
                    # A view maps to itself: viewing twice never marks twice.
                    table[id(original)] = table[id(view)] = view
            for ref in self.kb.referrals:
                view = english_referral(ref, mark)
                table[id(ref)] = table[id(view)] = view
            if self.kb.center is not None:
                view = english_center(self.kb.center, mark)
                table[id(self.kb.center)] = table[id(view)] = view
            self._views[locale] = table
        return self._views[locale]

    def _view(self, table: dict[int, Any], value: Any, depth: int) -> Any:
        if isinstance(value, Item | Material | Faq | Referral | Center):
            found = table.get(id(value))
            if found is not None:
                return found
            if isinstance(value, Item):  # an item of another KB object (tests): no table
                return english_item(value, self._marker("en"))
            return value
        if depth >= 3 or isinstance(value, str | bytes | int | float | bool) or value is None:
            return value
        if isinstance(value, list | tuple):
            viewed = [self._view(table, v, depth + 1) for v in value]
            return viewed if isinstance(value, list) else tuple(viewed)
        if dataclasses.is_dataclass(value) and not isinstance(value, type) \
                and type(value).__module__.startswith(("domain.", "knowledge.")):
            # Checklist lines and similar small records of the rules holding KB objects
            # (never ORM rows: reading their attributes could mean a lazy load).
            changes = {f.name: self._view(table, getattr(value, f.name), depth + 1)
                       for f in dataclasses.fields(value)
                       if isinstance(getattr(value, f.name), Item | Material | Faq | Referral)}
            return dataclasses.replace(value, **changes) if changes else value
        return value


def _pick(english: str | None, chinese: str | None, mark: str) -> str | None:
    if english:
        return english
    return f"{chinese} {mark}" if chinese else chinese


def _pick_list(english: tuple[str, ...] | None, chinese: tuple[str, ...], mark: str
               ) -> tuple[str, ...]:
    if english is not None and len(english) == len(chinese):
        return english
    return tuple(f"{c} {mark}" for c in chinese)


def english_item(item: Item, mark: str) -> Item:
    """The item with its English text in place; Chinese, marked, where there is none."""
    en = item.en
    texts = en.materials if en and en.materials and len(en.materials) == len(item.materials) \
        else (None,) * len(item.materials)
    materials = tuple(
        dataclasses.replace(m, name=_pick(t.name if t else None, m.name, mark),
                            note=_pick(t.note if t else None, m.note, mark),
                            when=_pick(t.when if t else None, m.when, mark))
        for m, t in zip(item.materials, texts, strict=True))
    faqs = tuple(en.faq) if en and en.faq and len(en.faq) <= len(item.faq) else ()
    faqs = (*faqs, *(None,) * (len(item.faq) - len(faqs)))  # untranslated ones: Chinese, marked
    faq = tuple(Faq(q=_pick(t.q if t else None, f.q, mark) or f.q,
                    a=_pick(t.a if t else None, f.a, mark) or f.a)
                for f, t in zip(item.faq, faqs, strict=True))
    return dataclasses.replace(
        item,
        name=_pick(en.name if en else None, item.name, mark) or item.name,
        category=_pick(en.category if en else None, item.category, mark),
        fee=_pick(en.fee if en else None, item.fee, mark) or item.fee,
        window=_pick(en.window if en else None, item.window, mark),
        conditions=_pick_list(en.conditions if en else None, item.conditions, mark),
        steps=_pick_list(en.steps if en else None, item.steps, mark),
        materials=materials, faq=faq)


def english_referral(ref: Referral, mark: str) -> Referral:
    en = ref.en
    return dataclasses.replace(
        ref,
        name=_pick(en.name if en else None, ref.name, mark) or ref.name,
        office=_pick(en.office if en else None, ref.office, mark) or ref.office,
        address=_pick(en.address if en else None, ref.address, mark),
        phone=en.phone if en and en.phone else ref.phone,  # digits read the same anywhere
        hours=_pick(en.hours if en else None, ref.hours, mark),
        online=_pick(en.online if en else None, ref.online, mark),
        note=_pick(en.note if en else None, ref.note, mark),
        bring=_pick_list(en.bring if en else None, ref.bring, mark))


def english_center(center: Center, mark: str) -> Center:
    en = center.en
    return dataclasses.replace(
        center,
        name=_pick(en.name if en else None, center.name, mark) or center.name,
        address=_pick(en.address if en else None, center.address, mark) or "",
        phone=en.phone if en and en.phone else center.phone,
        hours=_pick(en.hours if en else None, center.hours, mark) or "")
