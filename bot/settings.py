"""Typed settings, loaded once from environment variables and an optional YAML config file.

Precedence: defaults < config file (`SERVICEBOT_CONFIG` or `--config`) < environment.
Person ids are written `channel:user_id` (e.g. `telegram:12345`); a bare number means Telegram.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from domain.departments import Registry, UnknownDepartment, parse_departments

DEFAULT_HOURS = {
    # weekday (0 = Monday) -> sessions; the seeds' 8:30-12:00 and 14:30-18:00, Monday-Friday
    d: (("08:30", "12:00"), ("14:30", "18:00"))
    for d in range(5)
}


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message says which and why."""


def person_key(raw: str | int) -> str:
    """Normalise a configured person id to `channel:user_id`."""
    text = str(raw).strip()
    if ":" in text:
        channel, _, uid = text.partition(":")
        return f"{channel.strip().lower()}:{uid.strip()}"
    return f"telegram:{text}"


def _parse_time(value: str) -> time:
    hh, _, mm = value.strip().partition(":")
    return time(int(hh), int(mm or 0))


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: str | None = None
    telegram_base_url: str | None = None  # a local fake Bot API in tests
    telegram_base_file_url: str | None = None
    # Telegram webhook mode (instead of polling) when a public HTTPS URL is set
    telegram_webhook_url: str | None = None  # e.g. https://bot.example.cn/telegram
    telegram_webhook_secret: str | None = None  # 1-256 of A-Z a-z 0-9 _ - (checked per request)
    # the webhooks' HTTP server (WeChat, Telegram webhook), behind an HTTPS reverse proxy
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    database_url: str | None = None
    data_dir: Path = Path("data")
    kb_path: Path | None = None
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh"
    office_hours: dict[int, tuple[tuple[str, str], ...]] = field(
        default_factory=lambda: dict(DEFAULT_HOURS)
    )
    calendar_overrides: Path | None = None
    staff: tuple[str, ...] = ()
    supervisors: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    staff_departments: dict[str, str] = field(default_factory=dict)
    slot_minutes: int = 30
    slot_capacity: int = 3
    booking_horizon_days: int = 10
    same_day_cutoff_minutes: int = 60
    max_active_bookings: int = 3
    noshow_limit: int = 3
    noshow_window_days: int = 30
    noshow_block_days: int = 30
    reminder_hour: int = 18
    reminder_before_minutes: int = 60
    # slot length/capacity per item id or window name: {"5号窗口": {"minutes": 20, "capacity": 2}}
    slot_overrides: dict[str, dict[str, int]] = field(default_factory=dict)
    digest_time: str = "08:00"
    consult_deadline_workdays: int = 7
    complaint_deadline_workdays: int = 5
    default_deadline_workdays: int = 10
    followup_deadline_workdays: int = 5
    scheduler_enabled: bool = True  # due-soon reminders, overdue alerts, the daily digest
    scheduler_interval_seconds: float = 60.0
    outbox_rate_per_second: float = 25.0
    outbox_per_chat_interval: float = 1.0
    # shared by every worker on the database (bot/ratelimit.py)
    wechat_rate_per_second: float = 20.0
    robot_per_minute: int = 20  # 企业微信 / 钉钉 group robots: 20 messages a minute each
    # /readyz says "not ready" past these (bot/health.py)
    ready_max_outbox_backlog: int = 5000
    ready_max_reply_age_seconds: float = 60.0
    log_format: str = "text"  # or "json": one JSON object per line (phone and ID numbers masked)
    concurrent_updates: int = 64
    # WeChat Official Account (公众号): the webhook runs when wechat_token is set
    wechat_token: str | None = None  # the Token configured in the 公众号 backend
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = None
    wechat_encoding_aes_key: str | None = None  # 安全模式 (encrypted messages) when set
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_public_url: str | None = None  # e.g. https://bot.example.cn (file links start here)
    wechat_link_days: int = 14  # how long a document / picture link stays valid (a booking's QR code too)
    # template messages (模板消息) for notices beyond the 48-hour window, per notice kind:
    # {kind: {template_id: ..., data: {keyword: field}}} (see servicebot.example.yaml)
    wechat_templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    # 企业微信 / 钉钉 group robots for supervisor alerts and the digest, by name:
    # {name: {kind: wecom|dingtalk, url: ..., secret: ..., departments: [...], supervisors: bool}}
    work_robots: dict[str, dict[str, Any]] = field(default_factory=dict)
    # situation reports, knowledge gaps, data rights (issue 12)
    weekly_report: bool = True  # pushed to supervisors on the first working day of a week
    retention_days: int = 365  # finished matters and old questions are anonymised after this
    kb_watch_seconds: float = 5.0  # how often each worker looks for changed KB files (0: never)
    # the center's departments: {code: {name, name_en, short_names, window, phone}}; none
    # given: the shipped center's (bot/data/departments.yaml). Staff and items refer to codes.
    departments: Registry = field(default_factory=Registry)
    # staff names and windows: {"telegram:123": {"name": 王芳, "window": 3号窗口}} (/profile too)
    staff_profiles: dict[str, dict[str, str]] = field(default_factory=dict)
    # the web chat (a page at /chat on http_host:http_port): on unless set false
    web_chat: bool = True
    web_public_url: str | None = None  # e.g. https://bot.example.cn (its pages may open the socket)
    web_rate_per_minute: int = 60  # messages one visitor may send per minute (a burst of 20)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'servicebot.sqlite3').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def session_times(self, weekday: int) -> tuple[tuple[time, time], ...]:
        """Office-hour sessions of a weekday as `time` pairs."""
        return tuple(
            (_parse_time(a), _parse_time(b)) for a, b in self.office_hours.get(weekday, ())
        )

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def registry(self) -> Registry:
        """The departments in force: the configured ones, else the shipped center's."""
        return self.departments if self.departments.departments else shipped_departments()


_SHIPPED: list[Registry] = []


def shipped_departments() -> Registry:
    if not _SHIPPED:
        path = Path(__file__).parent / "data" / "departments.yaml"
        _SHIPPED.append(parse_departments(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return _SHIPPED[0]


_ENV_PREFIX = "SERVICEBOT_"
_LIST_FIELDS = {"staff", "supervisors", "admins"}
_ALIASES = {"TELEGRAM_BOT_TOKEN": "telegram_bot_token", "DATABASE_URL": "database_url"}


def _coerce(name: str, raw: Any, current: Any) -> Any:
    try:
        if name in _LIST_FIELDS:
            items = raw if isinstance(raw, list | tuple) else str(raw).replace(";", ",").split(",")
            return tuple(person_key(x) for x in items if str(x).strip())
        if name == "staff_departments":
            if isinstance(raw, dict):
                return {person_key(k): str(v) for k, v in raw.items()}
            pairs = [p.split("=", 1) for p in str(raw).split(",") if "=" in p]
            return {person_key(k): v.strip() for k, v in pairs}
        if name == "departments":
            if isinstance(raw, str):
                import json

                raw = json.loads(raw) if raw.strip() else {}
            return parse_departments(raw)
        if name == "staff_profiles":
            return _parse_profiles(raw)
        if name == "office_hours":
            return _parse_office_hours(raw)
        if name == "slot_overrides":
            return _parse_slot_overrides(raw)
        if name in ("wechat_templates", "work_robots"):
            from bot.notice_config import parse_robots, parse_templates

            return parse_templates(raw) if name == "wechat_templates" else parse_robots(raw)
        if isinstance(current, bool):
            return str(raw).strip().lower() in ("1", "true", "yes", "on")
        if isinstance(current, int):
            return int(raw)
        if isinstance(current, float):
            return float(raw)
        if isinstance(current, Path) or name in ("kb_path", "calendar_overrides", "data_dir"):
            return Path(str(raw)).expanduser()
        return None if raw in ("", None) else str(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name}: cannot use {raw!r} ({exc})") from exc


def _parse_office_hours(raw: Any) -> dict[int, tuple[tuple[str, str], ...]]:
    """`{0: ["08:30-12:00", "14:30-18:00"], ...}` or `"mon-fri 08:30-12:00,14:30-18:00"`."""
    if isinstance(raw, dict):
        out = {}
        for day, spans in raw.items():
            spans = spans if isinstance(spans, list) else str(spans).split(",")
            out[int(day)] = tuple(tuple(s.strip().split("-", 1)) for s in spans if s.strip())
        for spans in out.values():
            for a, b in spans:
                if _parse_time(a) >= _parse_time(b):
                    raise SettingsError(f"office hours: {a}-{b} ends before it starts")
        return out
    raise SettingsError("office_hours must be a mapping weekday -> ['HH:MM-HH:MM', ...]")


def _parse_profiles(raw: Any) -> dict[str, dict[str, str]]:
    """`{person: {name: 王芳, window: 3号窗口}}` (or `{person: 王芳}`)."""
    if isinstance(raw, str):
        import json

        raw = json.loads(raw) if raw.strip() else {}
    if not isinstance(raw, dict):
        raise SettingsError("staff_profiles must be a mapping person -> {name, window}")
    out = {}
    for key, spec in raw.items():
        spec = {"name": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or set(spec) - {"name", "window"}:
            raise SettingsError(f"staff_profiles {key}: expected name and/or window")
        out[person_key(key)] = {k: str(v) for k, v in spec.items() if v}
    return out


def _resolve_departments(settings: Settings) -> Settings:
    """Staff departments as codes: a name or short name is read as its code, anything else
    is refused with the valid list (a typo would silently cut someone off their queue)."""
    registry = settings.registry
    resolved = {}
    for key, text in settings.staff_departments.items():
        try:
            resolved[key] = registry.resolve(text)
        except UnknownDepartment as exc:
            raise SettingsError(f"staff_departments {key}: {exc}") from exc
    departments = settings.departments
    if any(d.backup for d in departments.departments):  # backups as channel:user_id
        departments = Registry(tuple(replace(d, backup=person_key(d.backup) if d.backup else None)
                                     for d in departments.departments))
    return replace(settings, staff_departments=resolved, departments=departments)


def _parse_slot_overrides(raw: Any) -> dict[str, dict[str, int]]:
    """`{item-or-window: {minutes: N, capacity: N}}` (YAML mapping, or JSON in the environment)."""
    if isinstance(raw, str):
        import json

        raw = json.loads(raw) if raw.strip() else {}
    if not isinstance(raw, dict):
        raise SettingsError("slot_overrides must be a mapping item-or-window -> {minutes, capacity}")
    out: dict[str, dict[str, int]] = {}
    for key, spec in raw.items():
        if not isinstance(spec, dict) or set(spec) - {"minutes", "capacity"}:
            raise SettingsError(f"slot_overrides {key}: expected minutes and/or capacity")
        values = {k: int(v) for k, v in spec.items()}
        if any(v <= 0 for v in values.values()):
            raise SettingsError(f"slot_overrides {key}: minutes and capacity must be positive")
        out[str(key)] = values
    return out


def load_settings(config_file: str | Path | None = None, env: dict[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Build settings from defaults, an optional YAML file, the environment and overrides."""
    env = dict(os.environ if env is None else env)
    base = Settings()
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    config_file = config_file or env.get(_ENV_PREFIX + "CONFIG")
    if config_file:
        path = Path(config_file)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SettingsError(f"config file {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise SettingsError(f"config file {path}: expected a mapping at the top")
        unknown = sorted(set(data) - names)
        if unknown:
            raise SettingsError(f"config file {path}: unknown settings {', '.join(unknown)}")
        values.update(data)
    for key, raw in env.items():
        if key in _ALIASES:
            values[_ALIASES[key]] = raw
        elif key.startswith(_ENV_PREFIX) and key != _ENV_PREFIX + "CONFIG":
            name = key[len(_ENV_PREFIX):].lower()
            if name in names:
                values[name] = raw
    values.update(overrides)
    coerced = {k: _coerce(k, v, getattr(base, k)) for k, v in values.items()}
    return _resolve_departments(replace(base, **coerced))
