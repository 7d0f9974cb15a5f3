"""Settings (bot/settings.py on pydantic-settings): where values come from and in which
order, how the environment's text is read, secrets kept out of `repr` and logs, and errors
that name the setting."""

from __future__ import annotations

import logging
from pathlib import Path

import pydantic
import pytest
from pydantic import SecretStr

from bot.app import secrets_of
from bot.settings import Settings, SettingsError, load_settings

TOKEN = "7312345678:AAHk3_zLqWx9vB2nM4pQ8rT6yU1iO0eKdJs"
PASSWORD = "pg-pass-0123456789"


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "servicebot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_then_file_then_environment_then_keywords(tmp_path):
    path = config(tmp_path, "http_port: 9000\ntimezone: Europe/Paris\nslot_minutes: 20\n"
                            "log_format: json\n")
    env = {"SERVICEBOT_HTTP_PORT": "9100", "SERVICEBOT_TIMEZONE": "Asia/Urumqi"}
    s = load_settings(path, env=env, http_port=9200)
    assert s.http_port == 9200  # keywords over the environment
    assert s.timezone == "Asia/Urumqi"  # the environment over the file
    assert s.slot_minutes == 20 and s.log_format == "json"  # the file over the defaults
    assert s.slot_capacity == 3 and s.default_language == "zh"  # defaults
    # the file may be named by SERVICEBOT_CONFIG instead of --config
    assert load_settings(env={"SERVICEBOT_CONFIG": str(path)}).http_port == 9000
    assert load_settings(env={}).http_port == 8080


def test_a_mapping_given_as_a_keyword_replaces_the_files_whole(tmp_path):
    path = config(tmp_path, 'office_hours: {0: ["08:00-12:00"], 1: ["08:00-12:00"]}\n')
    s = load_settings(path, env={}, office_hours={5: ["09:00-11:00"]})
    assert s.office_hours == {5: (("09:00", "11:00"),)}


def test_the_environments_text_forms():
    s = load_settings(env={
        "TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "sqlite+aiosqlite:///x.sqlite3",
        "SERVICEBOT_STAFF": "1001; wechat:oABC", "servicebot_admins": "telegram:7",
        "SERVICEBOT_STAFF_DEPARTMENTS": "1001=民政办,wechat:oABC=hukou",
        "SERVICEBOT_OFFICE_HOURS": '{"5": ["09:00-12:00"]}',
        "SERVICEBOT_WEB_CHAT": "false", "SERVICEBOT_KB_WATCH_SECONDS": "0.5",
        "SERVICEBOT_WECHAT_ENCODING_AES_KEY": "",  # empty: not set
        "SERVICEBOT_NOT_A_SETTING": "ignored", "SERVICEBOT_CONFIG": ""})
    assert s.telegram_bot_token is not None and s.telegram_bot_token.get_secret_value() == TOKEN
    assert s.db_url == "sqlite+aiosqlite:///x.sqlite3" and s.is_sqlite
    assert s.staff == ("telegram:1001", "wechat:oABC") and s.admins == ("telegram:7",)
    assert s.staff_departments == {"telegram:1001": "minzheng", "wechat:oABC": "hukou"}
    assert s.office_hours == {5: (("09:00", "12:00"),)} and len(s.session_times(5)) == 1
    assert s.web_chat is False and s.kb_watch_seconds == 0.5
    assert s.wechat_encoding_aes_key is None


def test_settings_are_immutable_and_copied_with_changes():
    s = load_settings(env={})
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        s.http_port = 1  # type: ignore[misc]
    changed = s.with_overrides(slot_capacity=1, staff=("console:x",))
    assert changed.slot_capacity == 1 and changed.staff == ("console:x",)
    assert s.slot_capacity == 3 and s.staff == ()


def secret_settings(tmp_path: Path) -> Settings:
    path = config(tmp_path, """
work_robots:
  leaders: {kind: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=tok-0123456789",
            secret: SEC0123456789}
""")
    return load_settings(path, env={
        "TELEGRAM_BOT_TOKEN": TOKEN, "SERVICEBOT_TELEGRAM_WEBHOOK_SECRET": "hook-secret-0123",
        "SERVICEBOT_WECHAT_TOKEN": "wx-token-0123", "SERVICEBOT_WECHAT_APP_SECRET": "app-secret-0123",
        "SERVICEBOT_WECHAT_ENCODING_AES_KEY": "a" * 43,
        "DATABASE_URL": f"postgresql+asyncpg://bot:{PASSWORD}@db:5432/servicebot"})


SECRETS = (TOKEN, "hook-secret-0123", "wx-token-0123", "app-secret-0123", "a" * 43, PASSWORD,
           "tok-0123456789", "SEC0123456789")


def test_secrets_are_secretstr_and_never_shown(tmp_path, caplog):
    s = secret_settings(tmp_path)
    for name in ("telegram_bot_token", "telegram_webhook_secret", "wechat_token",
                 "wechat_app_secret", "wechat_encoding_aes_key", "database_url"):
        assert isinstance(getattr(s, name), SecretStr), name
    robot = s.work_robots["leaders"]
    assert isinstance(robot["url"], SecretStr) and isinstance(robot["secret"], SecretStr)
    caplog.set_level(logging.INFO)
    logging.getLogger("test.settings").info("settings: %s / %r", s, s)
    shown = repr(s) + str(s) + caplog.text + str(s.model_dump())
    assert "**********" in shown
    for secret in SECRETS:
        assert secret not in shown, secret
    # where the value itself is needed, and what the log redaction is given
    assert s.wechat_token is not None and s.wechat_token.get_secret_value() == "wx-token-0123"
    assert PASSWORD in s.db_url
    redacted = secrets_of(s)  # (the robot's key inside its whole URL)
    assert all(any(secret in value for value in redacted) for secret in SECRETS)


def test_an_error_names_the_setting_and_why(tmp_path):
    cases = [
        ({"http_port": "abc"}, ["http_port", "'abc'", "integer"]),
        ({"staff_departments": {"console:a": "不存在的部门"}},
         ["staff_departments", "不存在的部门", "minzheng（民政办）"]),
        ({"office_hours": {0: ["12:00-08:30"]}}, ["office_hours", "12:00-08:30 ends before it starts"]),
        ({"office_hours": {0: ["8.30-12"]}}, ["office_hours", "HH:MM-HH:MM"]),
        ({"office_hours": {7: ["08:30-12:00"]}}, ["office_hours", "weekday 7"]),
        ({"web_chat": "maybe"}, ["web_chat", "boolean"]),
        ({"slot_overrides": {"id-card": {"minutes": 0}}}, ["slot_overrides", "positive"]),
        ({"work_robots": {"g": {"kind": "slack", "url": "https://x"}}}, ["work_robots.g", "kind"]),
        ({"no_such_setting": 1}, ["no_such_setting", "unknown setting"]),
    ]
    for overrides, words in cases:
        with pytest.raises(SettingsError) as err:
            load_settings(env={}, **overrides)
        assert str(err.value).startswith("setting "), err.value
        for word in words:
            assert word in str(err.value), (word, str(err.value))
    # from the environment and from the file alike
    with pytest.raises(SettingsError, match="setting http_port: cannot use 'abc'"):
        load_settings(env={"SERVICEBOT_HTTP_PORT": "abc"})
    with pytest.raises(SettingsError, match="setting http_port"):
        load_settings(config(tmp_path, "http_port: eighty\n"), env={})
    with pytest.raises(SettingsError, match="unknown settings no_such_setting"):
        load_settings(config(tmp_path, "no_such_setting: 1\n"), env={})


def test_an_error_about_a_secret_does_not_show_it():
    with pytest.raises(SettingsError, match="telegram_bot_token") as err:
        load_settings(env={}, telegram_bot_token=["7312345678", "AAHk3_zLqWx9vB2nM4pQ8rT6yU1iO0eKdJs"])
    assert "AAHk3" not in str(err.value)


def test_the_example_config_loads_as_documented():
    s = load_settings(Path(__file__).parent.parent / "servicebot.example.yaml", env={})
    assert s.admins == ("telegram:100000001",) and s.http_port == 8080 and s.web_chat
    assert s.office_hours == {d: (("08:30", "12:00"), ("14:30", "18:00")) for d in range(5)}
