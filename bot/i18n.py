"""Every text a person reads comes from here: jinja2 templates per locale, plus short labels.

Templates live in `bot/templates/<locale>/<name>.j2` and are autoescaped for Telegram HTML
(only <b>, <i>, <code>, <a> are used). Short strings (button labels, names of kinds and
statuses, one-line answers) live in `bot/templates/<locale>/labels*.yaml` (one file per
capability, merged; a key defined twice is an error) and are rendered as jinja too.

Channels without buttons (WeChat: the person replies with a number) need other words than
"tap the button": a template `<name>.<channel>.j2` and a label `<key>@<channel>` replace the
general one for people on that channel (`channel=` on `render` and `label`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from domain.names import StaffName
from domain.privacy import mask_phone, mask_text

TEMPLATES = Path(__file__).parent / "templates"
LOCALES = ("zh", "en")
DEFAULT_LOCALE = "zh"


def locale_for(language_code: str | None) -> str:
    """Telegram's `language_code` to one of our locales (zh unless clearly English)."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LOCALE


class Renderer:
    """Renders named templates and labels in a locale; one instance per application."""

    def __init__(self, timezone: str = "Asia/Shanghai", templates: Path = TEMPLATES) -> None:
        self.tz = ZoneInfo(timezone)
        self.env = Environment(
            loader=FileSystemLoader(str(templates)),
            autoescape=select_autoescape(enabled_extensions=("j2", "html"), default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # templates do not change while the bot runs: no stat per render
        )
        self.env.filters["mask_phone"] = mask_phone
        self.env.filters["mask"] = mask_text  # phone and ID numbers in free text
        self.env.filters["local"] = self.local_time
        self.env.filters["day"] = self.local_day
        self.env.globals["label"] = self.label
        self.env.globals["who"] = self.who
        self.env.globals["department_name"] = self.department_name
        # department code → name; the services set it from the configured registry
        self.department_names: Callable[[str | None, str], str] = lambda code, loc: code or ""
        self._labels = {loc: self._load_labels(templates / loc) for loc in LOCALES}
        # which templates have a channel's own wording (looked up once, not per render)
        self._variants = {str(p.relative_to(templates).as_posix()) for p in templates.rglob("*.j2")}
        # Knowledge-base content as each locale shows it (knowledge.localize.Localizer.view);
        # set by build_services. None: KB text is shown as written.
        self.content: Callable[[str, Any], Any] | None = None
        self._label_env = Environment(autoescape=True, undefined=StrictUndefined)

    @staticmethod
    def _load_labels(folder: Path) -> dict[str, str]:
        merged: dict[str, str] = {}
        for path in sorted(folder.glob("labels*.yaml")):
            for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
                if key in merged:
                    raise ValueError(f"{path}: label {key!r} is defined twice")
                merged[key] = str(value)
        return merged

    def render(self, locale: str, name: str, /, *, channel: str | None = None,
               **context: Any) -> str:
        """Render `<locale>/<name>.j2` (or `.html.j2` for documents), stripped; the
        channel's own `<name>.<channel>.j2` where there is one."""
        loc = locale if locale in LOCALES else DEFAULT_LOCALE
        path = f"{loc}/{name}.j2"
        if channel and f"{loc}/{name}.{channel}.j2" in self._variants:
            path = f"{loc}/{name}.{channel}.j2"
        template = self.env.get_template(path)
        if self.content is not None and loc != DEFAULT_LOCALE:
            context = {key: self.content(loc, value) for key, value in context.items()}
        return template.render(locale=loc, **context).strip()

    def label(self, locale: str, key: str, /, *, channel: str | None = None,
              **context: Any) -> str:
        """A short string by key (the channel's own `<key>@<channel>` first); falls back
        to zh, then to the key itself (never crashes)."""
        loc = locale if locale in LOCALES else DEFAULT_LOCALE
        raw = None
        if channel:
            variant = f"{key}@{channel}"
            raw = self._labels[loc].get(variant) or self._labels[DEFAULT_LOCALE].get(variant)
        raw = raw or self._labels[loc].get(key) or self._labels[DEFAULT_LOCALE].get(key) or key
        if "{" not in raw:
            return raw
        return str(_compiled(self._label_env, raw).render(**context))

    def department_name(self, code: str | None, locale: str = "zh") -> str:
        return self.department_names(code, locale)

    def who(self, staff: StaffName | None, locale: str = "zh") -> Markup:
        """A staff member as residents read them: 民政办 王芳（3号窗口）, never an account id."""
        staff = staff or StaffName()
        return Markup(self.label(locale, "office.who", name=staff.name, window=staff.window or "",
                                 dept=self.department_name(staff.department, locale)))

    def labels(self, locale: str) -> dict[str, str]:
        return dict(self._labels[locale if locale in LOCALES else DEFAULT_LOCALE])

    def local_time(self, value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if value is None:
            return ""
        return value.astimezone(self.tz).strftime(fmt)

    def local_day(self, value: date | datetime | None, locale: str = "zh", *,
                  short: bool = False) -> str:
        """A day as the locale writes it (labels `fmt.day` / `fmt.day_short`, with the
        weekday and month names of `fmt.weekdays` / `fmt.months`)."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(self.tz).date()
        weekdays = self.label(locale, "fmt.weekdays").split(",")
        months = self.label(locale, "fmt.months").split(",")
        return self.label(locale, "fmt.day_short" if short else "fmt.day", year=value.year,
                          month=value.month, day=value.day,
                          weekday=weekdays[value.weekday()], month_name=months[value.month - 1])


@cache
def _compiled(env: Environment, source: str):  # type: ignore[no-untyped-def]
    return env.from_string(source)
