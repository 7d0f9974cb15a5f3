"""The `servicebot` command as a person runs it: a real process, stdin and stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("SERVICEBOT_") and k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    environment.update(SERVICEBOT_DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=environment)


def test_console_answers_in_the_terminal(tmp_path):
    # (`servicebot run` without a token serves the web chat: tests/web/test_run.py)
    out = run(["console"], tmp_path, stdin="低保怎么申请\n1\n/quit\n")
    assert out.returncode == 0, out.stderr
    assert "最低生活保障" in out.stdout and "[1]" in out.stdout
    assert (tmp_path / "data" / "servicebot.sqlite3").exists()  # migrated on start


def test_run_with_the_web_chat_off_and_no_token_says_why(tmp_path):
    out = run(["run"], tmp_path, SERVICEBOT_WEB_CHAT="false")
    assert out.returncode == 2 and "no channel to run" in out.stderr


def test_console_as_staff_sees_queue(tmp_path):
    run(["console"], tmp_path, stdin="村口的路灯坏了好几天了归谁管\n1\n/quit\n")
    out = run(["console", "--as", "staff"], tmp_path, stdin="/queue\n/quit\n")
    assert out.returncode == 0, out.stderr
    assert "Q1" in out.stdout


def test_console_in_english(tmp_path):
    out = run(["console", "--lang", "en"], tmp_path, stdin="/help\n/quit\n")
    assert "What I can do" in out.stdout


def test_db_upgrade(tmp_path):
    out = run(["db", "upgrade"], tmp_path)
    assert out.returncode == 0 and "up to date" in out.stdout


def test_bad_config_file_is_a_clear_error(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("no_such_setting: 1\n")
    out = run(["--config", str(cfg), "db", "upgrade"], tmp_path)
    assert out.returncode == 2 and "unknown settings no_such_setting" in out.stderr
    assert "Traceback" not in out.stderr
