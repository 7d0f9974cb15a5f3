"""The departments of a center: declared once in configuration (code, name, short names,
window, phone), referred to everywhere else by code — staff, knowledge-base items, matters,
queues and permissions.

Free strings do not match each other (`民政办` is not `民政办（社会事务办）`), so every
department a person types, a configuration names or a knowledge base describes is resolved
here to one code, or refused with the list of valid ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class UnknownDepartment(ValueError):
    """A department no code, name or short name of the registry names."""

    def __init__(self, text: str, valid: str) -> None:
        super().__init__(f"unknown department {text!r}; valid: {valid}")
        self.text = text
        self.valid = valid


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    short_names: tuple[str, ...] = ()
    window: str | None = None
    phone: str | None = None
    name_en: str | None = None
    backup: str | None = None  # AB岗: who stands in for a member away (channel:user_id)

    def display(self, locale: str = "zh") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@dataclass(frozen=True)
class Registry:
    departments: tuple[Department, ...] = ()

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for d in self.departments:
            if not CODE.match(d.code):
                raise ValueError(f"department code {d.code!r}: use a-z, 0-9, _ or - "
                                 "(starting with a letter, at most 32)")
            for word in (d.code, d.name, *d.short_names):
                key = _fold(word)
                if key in seen and seen[key] != d.code:
                    raise ValueError(f"department {word!r} names both {seen[key]} and {d.code}")
                seen[key] = d.code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.departments)

    def get(self, code: str | None) -> Department | None:
        return next((d for d in self.departments if d.code == code), None) if code else None

    def name(self, code: str | None, locale: str = "zh") -> str:
        """The department's name, or the stored text itself when it is not a code."""
        dept = self.get(code)
        return dept.display(locale) if dept else (code or "")

    def valid_list(self) -> str:
        """`hukou（派出所户籍室）、minzheng（民政办）…` — what an error offers instead."""
        return "、".join(f"{d.code}（{d.name}）" for d in self.departments)

    def resolve(self, text: str) -> str:
        """The code a person or a configuration means: a code, a name or a short name
        (whitespace and case ignored); UnknownDepartment otherwise."""
        key = _fold(text)
        for d in self.departments:
            if key in {_fold(w) for w in (d.code, d.name, *d.short_names)}:
                return d.code
        # the knowledge base's longer form, as people copy it: 民政办（社会事务办）
        head = re.split(r"[（(]", text.strip(), maxsplit=1)[0]
        if head != text.strip():
            for d in self.departments:
                if _fold(head) in {_fold(w) for w in (d.name, *d.short_names)}:
                    return d.code
        raise UnknownDepartment(text, self.valid_list())

    def find_in(self, text: str | None) -> str | None:
        """The department a longer description names (a knowledge base's `民政办（社会事务办）`
        or `镇劳动保障所受理，县人社局审核`): the name or short name that appears first in it
        (the longest of those starting at the same place); None when it names none."""
        if not text:
            return None
        folded = _fold(text)
        best: tuple[int, int, str] | None = None
        for d in self.departments:
            for word in (d.name, *d.short_names):
                at = folded.find(_fold(word))
                if at >= 0:
                    candidate = (at, -len(word), d.code)
                    best = candidate if best is None or candidate < best else best
        return best[2] if best else None


def parse_departments(raw: Any) -> Registry:
    """`{code: {name, short_names, window, phone, name_en}}` (YAML mapping) → a Registry."""
    if raw in (None, "", {}):
        return Registry()
    if not isinstance(raw, Mapping):
        raise ValueError("departments must be a mapping code -> {name, short_names, window, phone}")
    out = []
    allowed = {"name", "short_names", "window", "phone", "name_en", "backup"}
    for code, spec in raw.items():
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, Mapping) or not spec.get("name"):
            raise ValueError(f"department {code}: a name is required")
        extra = set(spec) - allowed
        if extra:
            raise ValueError(f"department {code}: unknown fields {', '.join(sorted(extra))}")
        shorts = spec.get("short_names") or ()
        shorts = (shorts,) if isinstance(shorts, str) else tuple(str(s) for s in shorts)
        out.append(Department(code=str(code), name=str(spec["name"]), short_names=shorts,
                              window=_opt(spec.get("window")), phone=_opt(spec.get("phone")),
                              name_en=_opt(spec.get("name_en")), backup=_opt(spec.get("backup"))))
    return Registry(tuple(out))


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def item_departments(registry: Registry, items: Iterable[Any]) -> dict[str, str | None]:
    """Item id → department code: the item's explicit `department_code` (which must be
    registered), else the department its description names (None: any department's staff)."""
    out: dict[str, str | None] = {}
    for item in items:
        explicit = getattr(item, "department_code", None)
        if explicit:
            if registry.get(explicit) is None:
                raise UnknownDepartment(f"{explicit} (item {item.id})", registry.valid_list())
            out[item.id] = explicit
        else:
            out[item.id] = registry.find_in(item.department)
    return out
