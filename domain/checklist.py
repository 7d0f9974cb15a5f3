"""The one-time checklist (一次性告知): which materials apply in a resident's situation, what is
still missing. Materials are identified by their index in the item's list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.model import Item, Material


@dataclass(frozen=True)
class ChecklistLine:
    index: int
    material: Material
    have: bool


def applicable(item: Item, situations: Iterable[str]) -> list[tuple[int, Material]]:
    """Materials everyone needs, plus those of the situations that apply."""
    chosen = set(situations)
    return [(i, m) for i, m in enumerate(item.materials) if not m.when or m.when in chosen]


def situations_of(item: Item, chosen: Iterable[int]) -> list[str]:
    """The chosen situations by index; an index the item no longer has is dropped."""
    return [item.situations[i] for i in chosen if 0 <= i < len(item.situations)]


def applicable_indexes(item: Item, chosen: Iterable[int]) -> list[int]:
    """The indexes of the materials that apply when the situations `chosen` (by index) do."""
    return [i for i, _ in applicable(item, situations_of(item, chosen))]


def button_index(raw: str, count: int) -> int | None:
    """The index a button sent, or None when it is not one of `count` (an old or forged one)."""
    index = int(raw) if raw.isdigit() and len(raw) <= 3 else None
    return None if index is None or index >= count else index


def checklist(item: Item, situations: Iterable[str], have: Iterable[int]) -> list[ChecklistLine]:
    owned = set(have)
    return [ChecklistLine(i, m, i in owned) for i, m in applicable(item, situations)]


def missing(item: Item, situations: Iterable[str], have: Iterable[int]) -> list[ChecklistLine]:
    """Everything still to bring, all at once (never a second wasted trip)."""
    return [line for line in checklist(item, situations, have) if not line.have]


def tick(item: Item, chosen: Iterable[int], have: Iterable[int], raw: str) -> list[int] | str:
    """The materials ticked after pressing the material button `raw` — or why it cannot be
    pressed: "stale_button" (not one of the item's materials: an old or forged button) or
    "not_applicable" (a material the chosen situations do not ask for)."""
    index = button_index(raw, len(item.materials))
    if index is None:
        return "stale_button"
    if index not in applicable_indexes(item, chosen):
        return "not_applicable"
    return toggle(have, index)


def toggle(have: Iterable[int], index: int) -> list[int]:
    owned = set(have)
    owned.symmetric_difference_update({index})
    return sorted(owned)
