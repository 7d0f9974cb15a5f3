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


def checklist(item: Item, situations: Iterable[str], have: Iterable[int]) -> list[ChecklistLine]:
    owned = set(have)
    return [ChecklistLine(i, m, i in owned) for i, m in applicable(item, situations)]


def missing(item: Item, situations: Iterable[str], have: Iterable[int]) -> list[ChecklistLine]:
    """Everything still to bring, all at once (never a second wasted trip)."""
    return [line for line in checklist(item, situations, have) if not line.have]


def toggle(have: Iterable[int], index: int) -> list[int]:
    owned = set(have)
    owned.symmetric_difference_update({index})
    return sorted(owned)
