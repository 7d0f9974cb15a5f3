"""Configuration of the notices that leave the chat: WeChat template messages (模板消息, per
notice kind: which template and which of our fields fills which keyword) and the work-group
robots (企业微信 / 钉钉) that get supervisor alerts and the daily digest. Parsed and checked
once, when the settings are loaded: a typo is a clear error at start, not a silent gap."""

from __future__ import annotations

import re
from typing import Any

from pydantic import SecretStr

from bot.settings_values import SettingsError, json_mapping, plain

# notices a resident may get days later, by outbox kind
TEMPLATE_KINDS = frozenset({
    "matter_done",  # 办结通知
    "complaint_answer",  # 投诉答复
    "case_receipt",  # 收件回执
    "case_missing",  # 补正告知
    "case_resumed", "case_extended",
    "booking_reminder",  # 预约提醒
    "booking_blocked",
    "staff_reply", "matter_taken", "matter_transferred",
    "rating_request",  # 好差评: sent after a completion notice that asks for a rating
})
# what a template keyword can be filled with (bot.channels.wechat.templates)
TEMPLATE_FIELDS = frozenset({"title", "summary", "number", "item", "kind", "deadline", "date",
                             "code", "time", "center", "remark"})
_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_ROBOT_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
ROBOT_KINDS = ("wecom", "dingtalk")


def parse_templates(raw: Any) -> dict[str, dict[str, Any]]:
    """`{kind: {template_id: str, data: {keyword: field}}}`, checked."""
    out: dict[str, dict[str, Any]] = {}
    for kind, spec in json_mapping(raw, "wechat_templates").items():
        where = f"wechat_templates.{kind}"
        if kind not in TEMPLATE_KINDS:
            raise SettingsError(f"{where}: unknown notice; one of {', '.join(sorted(TEMPLATE_KINDS))}")
        if not isinstance(spec, dict) or not str(spec.get("template_id") or "").strip():
            raise SettingsError(f"{where}: needs template_id (from the 公众号 template library)")
        data = spec.get("data") or {}
        if not isinstance(data, dict) or not data:
            raise SettingsError(f"{where}: needs data, e.g. {{thing1: item, time2: date}}")
        for keyword, name in data.items():
            if not _KEYWORD.fullmatch(str(keyword)):
                raise SettingsError(f"{where}.data: {keyword!r} is not a template keyword")
            if name not in TEMPLATE_FIELDS:
                raise SettingsError(f"{where}.data.{keyword}: unknown field {name!r}; one of "
                                    f"{', '.join(sorted(TEMPLATE_FIELDS))}")
        out[str(kind)] = {"kind": str(kind), "template_id": str(spec["template_id"]).strip(),
                          "data": {str(k): str(v) for k, v in data.items()}}
    return out


def parse_robots(raw: Any) -> dict[str, dict[str, Any]]:
    """`{name: {kind: wecom|dingtalk, url, secret?, departments?, supervisors?}}`, checked
    (url and secret as `SecretStr`).
    A robot without departments is for supervisors; one with departments gets the alerts
    about those departments' matters (and the digest only with `supervisors: true`)."""
    out: dict[str, dict[str, Any]] = {}
    for name, spec in json_mapping(raw, "work_robots").items():
        where = f"work_robots.{name}"
        if not _ROBOT_NAME.fullmatch(str(name)):
            raise SettingsError(f"{where}: a name is letters, digits, - and _")
        if not isinstance(spec, dict) or spec.get("kind") not in ROBOT_KINDS:
            raise SettingsError(f"{where}: kind must be wecom (企业微信) or dingtalk (钉钉)")
        url = plain(spec.get("url") or "")
        if not url.startswith(("https://", "http://")):
            raise SettingsError(f"{where}: url must be the robot's webhook URL")
        departments = spec.get("departments") or []
        if isinstance(departments, str):
            departments = [d for d in departments.split(",") if d.strip()]
        out[str(name)] = {
            # the URL holds the robot's key: both secrets (`repr`, logs: stars)
            "kind": spec["kind"], "url": SecretStr(url),
            "secret": SecretStr(plain(spec["secret"])) if spec.get("secret") else None,
            "departments": tuple(str(d).strip() for d in departments),
            "supervisors": bool(spec.get("supervisors", not departments)),
        }
    return out
