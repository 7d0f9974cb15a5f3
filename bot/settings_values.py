"""How the settings' structured values are read and checked (the `Settings` model's validators
call these): YAML gives mappings and lists; the environment gives text — comma-separated
people, `person=department` pairs, JSON for mappings. A value that cannot be used raises
`SettingsError` saying why; `readable` turns pydantic's errors into one such message."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from pydantic import SecretStr, ValidationError

from domain.departments import Registry, UnknownDepartment, parse_departments


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message says which and why."""


def person_key(raw: str | int) -> str:
    """Normalise a configured person id to `channel:user_id`."""
    text = str(raw).strip()
    if ":" in text:
        channel, _, uid = text.partition(":")
        return f"{channel.strip().lower()}:{uid.strip()}"
    return f"telegram:{text}"


def parse_time(value: str) -> time:
    hh, _, mm = value.strip().partition(":")
    return time(int(hh), int(mm or 0))


def plain(value: Any) -> str:
    """A value as text, a secret's in the clear (a parsed value read again stays the same)."""
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def json_mapping(raw: Any, what: str) -> dict[Any, Any]:
    """A mapping as given (YAML, keywords), or JSON text from the environment."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            raise SettingsError(f"{what}: not JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise SettingsError(f"{what} must be a mapping")
    return raw


def parse_people(raw: Any) -> tuple[str, ...]:
    """A list, or `a,b` / `a;b` text, of `channel:user_id` (a bare number: Telegram)."""
    items = raw if isinstance(raw, list | tuple) else str(raw).replace(";", ",").split(",")
    return tuple(person_key(x) for x in items if str(x).strip())


def parse_staff_departments(raw: Any) -> dict[str, str]:
    """`{person: department}`, or `person=department,...` text."""
    if isinstance(raw, dict):
        return {person_key(k): str(v) for k, v in raw.items()}
    pairs = [p.split("=", 1) for p in str(raw).split(",") if "=" in p]
    return {person_key(k): v.strip() for k, v in pairs}


def resolve_staff_departments(staff: dict[str, str], registry: Registry) -> dict[str, str]:
    """Staff departments as codes: a name or short name is read as its code, anything else
    is refused with the valid list (a typo would silently cut someone off their queue)."""
    resolved = {}
    for key, text in staff.items():
        try:
            resolved[key] = registry.resolve(text)
        except UnknownDepartment as exc:
            raise SettingsError(f"{key}: {exc}") from exc
    return resolved


def parse_departments_setting(raw: Any) -> Registry:
    """`{code: {name, name_en, short_names, window, phone, backup}}`; backups as channel:user_id."""
    if isinstance(raw, Registry):
        return raw
    registry = parse_departments(json_mapping(raw, "departments"))
    if not any(d.backup for d in registry.departments):
        return registry
    from dataclasses import replace  # Department is a frozen dataclass

    return Registry(tuple(replace(d, backup=person_key(d.backup) if d.backup else None)
                          for d in registry.departments))


def parse_office_hours(raw: Any) -> dict[int, tuple[tuple[str, str], ...]]:
    """`{0: ["08:30-12:00", "14:30-18:00"], ...}` (weekday 0 = Monday; JSON in the environment)."""
    if not isinstance(raw, dict | str):
        raise SettingsError("must be a mapping weekday -> ['HH:MM-HH:MM', ...]")
    out = {}
    for day, spans in json_mapping(raw, "office_hours").items():
        try:
            weekday = int(day)
        except ValueError:
            raise SettingsError(f"weekday {day!r}: use 0 (Monday) to 6 (Sunday)") from None
        if not 0 <= weekday <= 6:
            raise SettingsError(f"weekday {day!r}: use 0 (Monday) to 6 (Sunday)")
        spans = spans if isinstance(spans, list | tuple) else str(spans).split(",")
        out[weekday] = tuple(_span(s) for s in spans if not isinstance(s, str) or s.strip())
    return out


def _span(spec: Any) -> tuple[str, str]:
    """`"HH:MM-HH:MM"` (or an already split pair), checked."""
    pair = tuple(spec) if isinstance(spec, list | tuple) else tuple(str(spec).split("-", 1))
    try:
        start, end = (str(p).strip() for p in pair)
        ordered = parse_time(start) < parse_time(end)
    except (TypeError, ValueError):
        raise SettingsError(f"{spec!r} is not HH:MM-HH:MM") from None
    if not ordered:
        raise SettingsError(f"{start}-{end} ends before it starts")
    return start, end


def parse_profiles(raw: Any) -> dict[str, dict[str, str]]:
    """`{person: {name: 王芳, window: 3号窗口}}` (or `{person: 王芳}`)."""
    out = {}
    for key, spec in json_mapping(raw, "staff_profiles").items():
        spec = {"name": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or set(spec) - {"name", "window"}:
            raise SettingsError(f"{key}: expected name and/or window")
        out[person_key(key)] = {k: str(v) for k, v in spec.items() if v}
    return out


def parse_slot_overrides(raw: Any) -> dict[str, dict[str, int]]:
    """`{item-or-window: {minutes: N, capacity: N}}` (YAML mapping, or JSON in the environment)."""
    out: dict[str, dict[str, int]] = {}
    for key, spec in json_mapping(raw, "slot_overrides").items():
        if not isinstance(spec, dict) or set(spec) - {"minutes", "capacity"}:
            raise SettingsError(f"{key}: expected minutes and/or capacity")
        values = {k: int(v) for k, v in spec.items()}
        if any(v <= 0 for v in values.values()):
            raise SettingsError(f"{key}: minutes and capacity must be positive")
        out[str(key)] = values
    return out


def readable(exc: ValidationError, hidden: frozenset[str] = frozenset()) -> str:
    """One line per problem, each naming the setting: our own checks' messages as they are,
    pydantic's with the value refused (never the value of a setting in `hidden`)."""
    lines = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        where = ".".join(str(part) for part in loc) or "settings"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting"
        elif error["type"] != "value_error" and loc and loc[0] not in hidden:
            message = f"cannot use {error['input']!r} ({message})"
        # (the robots' and templates' checks name their entry already: work_robots.x: ...)
        lines.append(f"setting {message}" if message.startswith(where) else f"setting {where}: {message}")
    return "; ".join(lines)
