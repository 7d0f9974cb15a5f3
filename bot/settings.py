"""Typed settings (pydantic-settings), loaded once from environment variables and an optional
YAML config file.

Precedence: defaults < config file (`SERVICEBOT_CONFIG` or `--config`) < environment.
Person ids are written `channel:user_id` (e.g. `telegram:12345`); a bare number means Telegram.
Secrets are `SecretStr`: `repr`, logs and errors show them as stars; `.get_secret_value()`
where the value itself is needed. How structured values are read: `bot.settings_values`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from datetime import time
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as SourceError

from bot.settings_values import (
    SettingsError,
    parse_departments_setting,
    parse_office_hours,
    parse_people,
    parse_profiles,
    parse_slot_overrides,
    parse_staff_departments,
    parse_time,
    person_key,
    plain,
    readable,
    resolve_staff_departments,
)
from domain.departments import Registry, parse_departments

__all__ = ["Settings", "SettingsError", "load_settings", "person_key", "shipped_departments"]

DEFAULT_HOURS = {
    # weekday (0 = Monday) -> sessions; the seeds' 8:30-12:00 and 14:30-18:00, Monday-Friday
    d: (("08:30", "12:00"), ("14:30", "18:00"))
    for d in range(5)
}
SECRET_FIELDS = frozenset({"telegram_bot_token", "telegram_webhook_secret", "database_url",
                           "wechat_token", "wechat_app_secret", "wechat_encoding_aes_key"})
_ENV_PREFIX = "SERVICEBOT_"
_ALIASES = {"TELEGRAM_BOT_TOKEN": "telegram_bot_token", "DATABASE_URL": "database_url"}


def _robots(raw: Any) -> Any:
    from bot.notice_config import parse_robots  # (it imports this module)

    return parse_robots(raw)


def _templates(raw: Any) -> Any:
    from bot.notice_config import parse_templates

    return parse_templates(raw)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "staff": parse_people, "supervisors": parse_people, "admins": parse_people,
    "staff_departments": parse_staff_departments, "departments": parse_departments_setting,
    "staff_profiles": parse_profiles, "office_hours": parse_office_hours,
    "slot_overrides": parse_slot_overrides, "wechat_templates": _templates, "work_robots": _robots,
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=_ENV_PREFIX, env_ignore_empty=True,
        enable_decoding=False,  # the environment's text is read by the validators below
        frozen=True, extra="forbid", validate_default=True, arbitrary_types_allowed=True,
        coerce_numbers_to_str=True,  # `wechat_app_id: 12345` in YAML is still text
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None  # a local fake Bot API in tests
    telegram_base_file_url: str | None = None
    # Telegram webhook mode (instead of polling) when a public HTTPS URL is set
    telegram_webhook_url: str | None = None  # e.g. https://bot.example.cn/telegram
    telegram_webhook_secret: SecretStr | None = None  # 1-256 of A-Z a-z 0-9 _ - (checked per request)
    # the webhooks' HTTP server (WeChat, Telegram webhook), behind an HTTPS reverse proxy
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    database_url: SecretStr | None = None  # may hold the password
    data_dir: Path = Path("data")
    kb_path: Path | None = None
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh"
    office_hours: dict[int, tuple[tuple[str, str], ...]] = Field(
        default_factory=lambda: dict(DEFAULT_HOURS))
    calendar_overrides: Path | None = None
    # the center's departments: {code: {name, name_en, short_names, window, phone}}; none
    # given: the shipped center's (bot/data/departments.yaml). Staff and items refer to codes
    # (before the staff: their departments are read against these).
    departments: Registry = Field(default_factory=Registry)
    staff: tuple[str, ...] = ()
    supervisors: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    staff_departments: dict[str, str] = {}
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
    slot_overrides: dict[str, dict[str, int]] = {}
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
    wechat_token: SecretStr | None = None  # the Token configured in the 公众号 backend
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    wechat_encoding_aes_key: SecretStr | None = None  # 安全模式 (encrypted messages) when set
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_public_url: str | None = None  # e.g. https://bot.example.cn (file links start here)
    wechat_link_days: int = 14  # how long a document / picture link stays valid (a booking's QR code too)
    # template messages (模板消息) for notices beyond the 48-hour window, per notice kind:
    # {kind: {template_id: ..., data: {keyword: field}}} (see servicebot.example.yaml)
    wechat_templates: dict[str, dict[str, Any]] = {}
    # 企业微信 / 钉钉 group robots for supervisor alerts and the digest, by name:
    # {name: {kind: wecom|dingtalk, url: ..., secret: ..., departments: [...], supervisors: bool}}
    work_robots: dict[str, dict[str, Any]] = {}
    # situation reports, knowledge gaps, data rights (issue 12)
    weekly_report: bool = True  # pushed to supervisors on the first working day of a week
    retention_days: int = 365  # finished matters and old questions are anonymised after this
    kb_watch_seconds: float = 5.0  # how often each worker looks for changed KB files (0: never)
    # staff names and windows: {"telegram:123": {"name": 王芳, "window": 3号窗口}} (/profile too)
    staff_profiles: dict[str, dict[str, str]] = {}
    # the web chat (a page at /chat on http_host:http_port): on unless set false
    web_chat: bool = True
    web_public_url: str | None = None  # e.g. https://bot.example.cn (its pages may open the socket)
    web_rate_per_minute: int = 60  # messages one visitor may send per minute (a burst of 20)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(readable(exc, SECRET_FIELDS)) from None
        except SourceError as exc:
            raise SettingsError(str(exc)) from None

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The sources, strongest first: keywords, the environment, the config file (the
        fields' defaults under all)."""
        env, config_file = _LOADING.get()
        env = os.environ if env is None else env
        config_file = config_file or env.get(_ENV_PREFIX + "CONFIG")
        given = init_settings.init_kwargs if isinstance(init_settings, InitSettingsSource) else {}
        return (init_settings, _Environment(settings_cls, env),
                _ConfigFile(settings_cls, config_file, given))

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if isinstance(value, str) and not value.strip() and cls.model_fields[name].default is None:
            return None
        if name in SECRET_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # an all-digit token in YAML
        return value

    @field_validator(*_PARSERS, mode="before")
    @classmethod
    def _parse(cls, value: Any, info: ValidationInfo) -> Any:
        try:
            return _PARSERS[info.field_name or ""](value)
        except (TypeError, AttributeError) as exc:  # pydantic reports only ValueError
            raise SettingsError(f"unreadable ({exc})") from None

    @field_validator("staff_departments")
    @classmethod
    def _department_codes(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        departments = info.data.get("departments")
        if departments is None:  # refused itself: that error is reported
            return value
        return resolve_staff_departments(
            value, departments if departments.departments else shipped_departments())

    @field_validator("data_dir", "kb_path", "calendar_overrides")
    @classmethod
    def _home(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url.get_secret_value()
        return f"sqlite+aiosqlite:///{(self.data_dir / 'servicebot.sqlite3').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def session_times(self, weekday: int) -> tuple[tuple[time, time], ...]:
        """Office-hour sessions of a weekday as `time` pairs."""
        return tuple(
            (parse_time(a), parse_time(b)) for a, b in self.office_hours.get(weekday, ())
        )

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with `changes` (values as the fields hold them: not parsed again)."""
        return self.model_copy(update=changes)

    @property
    def registry(self) -> Registry:
        """The departments in force: the configured ones, else the shipped center's."""
        return self.departments if self.departments.departments else shipped_departments()

    def secret_values(self) -> list[str]:
        """Every configured secret in the clear, for the log redaction: the `SecretStr`
        settings, the robots' webhook URLs (their key is in the URL) and signing secrets, and
        of the database URL its password (the rest is no secret, and a path to redact a lot)."""
        values = [plain(value) for value in (getattr(self, name) for name in sorted(SECRET_FIELDS)
                                             if name != "database_url") if value]
        for spec in self.work_robots.values():
            values += [plain(spec[key]) for key in ("url", "secret") if spec.get(key)]
        if self.database_url:
            from storage.db import url_password

            password = url_password(self.db_url)
            values += [password] if password else []
        return values


_SHIPPED: list[Registry] = []


def shipped_departments() -> Registry:
    if not _SHIPPED:
        path = Path(__file__).parent / "data" / "departments.yaml"
        _SHIPPED.append(parse_departments(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return _SHIPPED[0]


# what `load_settings` reads instead of the process's environment and SERVICEBOT_CONFIG
_LOADING: ContextVar[tuple[Mapping[str, str] | None, str | Path | None]] = ContextVar(
    "settings_loading", default=(None, None))


class _Environment(EnvSettingsSource):
    """`SERVICEBOT_<SETTING>` from the given variables (any case); the bot token may also be
    `TELEGRAM_BOT_TOKEN` and the database `DATABASE_URL`."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._given = env  # (read by the base class's constructor)
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = dict(self._given)
        for alias, name in _ALIASES.items():
            if env.get(alias) and not env.get(_ENV_PREFIX + name.upper()):
                env[_ENV_PREFIX + name.upper()] = env[alias]
        # as the model's config says: names in any case, an empty variable is unset
        return {key.lower(): value for key, value in env.items() if value != ""}


class _ConfigFile(InitSettingsSource):
    """The YAML config file, its keys checked. A setting also given as a keyword is left to
    the keyword whole (mappings are not merged key by key)."""

    def __init__(self, settings_cls: type[BaseSettings], path: str | Path | None,
                 given: Iterable[str]) -> None:
        data = _read_config(Path(path), set(settings_cls.model_fields)) if path else {}
        given = set(given)
        super().__init__(settings_cls, {k: v for k, v in data.items() if k not in given})


def _read_config(path: Path, names: set[str]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"config file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"config file {path}: expected a mapping at the top")
    unknown = sorted(str(k) for k in set(data) - names)
    if unknown:
        raise SettingsError(f"config file {path}: unknown settings {', '.join(unknown)}")
    return data


def load_settings(config_file: str | Path | None = None, env: Mapping[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Settings from defaults, an optional YAML file (else `SERVICEBOT_CONFIG`), the
    environment (`env`, else the process's) and keyword overrides, in that order."""
    token = _LOADING.set((env, config_file))
    try:
        return Settings(**overrides)
    finally:
        _LOADING.reset(token)
