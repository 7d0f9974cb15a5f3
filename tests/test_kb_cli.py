"""`servicebot kb check | ask | eval`: the command-line contract of shared/kb-format.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.cli import main

ROOT = Path(__file__).resolve().parent.parent
ALT_KB = ROOT / "tests" / "data" / "kb_alt"
SUMMARY_KEYS = ("top1=", "top3=", "reject=", "p95_ms=", "cases=")


def servicebot(*args: str) -> subprocess.CompletedProcess:
    """Run the real command in a process, as CI and other tools do."""
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_check_shipped_kb_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_broken_yaml_fails_with_one_line_per_error_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("items:\n  - id: a\n    name: [oops\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "items:\n  - id: b\n    name: 乙\n    kind: 承诺件\n    colour: red\n", encoding="utf-8")
    out = servicebot("kb", "check", "--kb", str(tmp_path))
    assert out.returncode != 0
    assert "Traceback" not in out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith(f"{tmp_path / 'a.yaml'}:") and "YAML syntax error" in lines[0]
    assert any(line.startswith(f"{tmp_path / 'b.yaml'}:4: b: time_limit") for line in lines)
    assert any(line.startswith(f"{tmp_path / 'b.yaml'}:5: b: unknown field") for line in lines)


def test_ask_and_eval_on_invalid_kb_fail_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("items: {", encoding="utf-8")
    for args in (["ask", "--kb", str(bad), "低保"], ["eval", "--kb", str(bad), str(bad)]):
        out = servicebot("kb", *args)
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert str(bad) in out.stderr


def test_ask_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--kb", str(ALT_KB), "--top", "2", "--json", "护照丢了怎么补办"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == {"query", "confident", "matches"}
    assert answer["query"] == "护照丢了怎么补办" and answer["confident"] is True
    assert 1 <= len(answer["matches"]) <= 2
    for match in answer["matches"]:
        assert set(match) == {"id", "name", "score"}
        assert isinstance(match["score"], float) and 0.0 <= match["score"] <= 1.0
    assert answer["matches"][0]["id"] == "passport"


def test_ask_json_out_of_scope_is_not_confident(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "今天天气怎么样"]) == 0
    assert json.loads(capsys.readouterr().out)["confident"] is False


def test_ask_plain_text_through_the_console_script() -> None:
    out = servicebot("kb", "ask", "--kb", str(ALT_KB), "驾照到期换证")
    assert out.returncode == 0
    assert "driving-licence-renewal" in out.stdout


def test_eval_text_ends_with_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--kb", str(ALT_KB), str(ALT_KB / "cases.jsonl")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("cases: ")
    last = lines[-1].split()
    assert [field.split("=")[0] + "=" for field in last] == list(SUMMARY_KEYS)
    assert last[-1] == "cases=36"


def test_eval_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        '{"q": "护照怎么办", "expect": "passport"}\n\n'
        '{"q": "讲个笑话", "expect": null}\n'
        '{"q": "低保怎么申请", "expect": "passport"}\n', encoding="utf-8")
    assert main(["eval", "--kb", str(ALT_KB), "--json", str(cases)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cases"] == 3 and report["in_scope"] == 2 and report["out_of_scope"] == 1
    assert report["top1"] == 0.5 and report["reject"] == 1.0
    assert [miss["line"] for miss in report["misses"]] == [4]
    assert {"mean_ms", "p95_ms", "top3"} <= set(report)


def test_eval_bad_case_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"q": "ok", "expect": null}\nnot json\n', encoding="utf-8")
    assert main(["eval", "--kb", str(ALT_KB), str(cases)]) == 1
    assert f"{cases}:2" in capsys.readouterr().err


def test_usage_errors_return_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["ask"]) == 2
    assert main(["frobnicate"]) == 2
