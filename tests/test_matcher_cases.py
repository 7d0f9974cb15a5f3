"""Accuracy on case files: the public set (targets of the issue), the dev set, the alt KBs."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.cli import EvalReport, evaluate, read_cases
from knowledge.loader import load_kb
from knowledge.matcher import Matcher

DATA = Path(__file__).resolve().parent / "data"
PUBLIC_CASES = DATA / "kb_cases.jsonl"
DEV_CASES = DATA / "kb_cases_dev.jsonl"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_kb())


def _report(matcher: Matcher, path: Path) -> EvalReport:
    return evaluate(matcher, read_cases(path))


def test_public_cases_meet_the_targets(matcher: Matcher) -> None:
    """The issue's targets on the public case file (never used to fit anything)."""
    report = _report(matcher, PUBLIC_CASES)
    assert report.cases >= 400
    assert report.top1 >= 0.92, report.summary_line()
    assert report.top3 >= 0.98, report.summary_line()
    assert report.reject >= 0.90, report.summary_line()


# Floors a little under the figures reached (dev 0.947/0.993/0.964, township KB
# 0.951/0.997/0.980, county KB 1/1/1): a change that loses ground on the cases the
# confidence model was fitted on, or on another center's knowledge base, fails here.
def test_dev_cases_stay_good(matcher: Matcher) -> None:
    report = _report(matcher, DEV_CASES)
    assert report.top1 >= 0.92 and report.top3 >= 0.98 and report.reject >= 0.94, (
        report.summary_line())


@pytest.mark.parametrize(("kb_dir", "floors"), [
    ("kb_alt", (0.95, 0.97, 0.9)),
    ("kb_alt_township", (0.92, 0.98, 0.95)),
])
def test_other_knowledge_bases_stay_good(kb_dir: str, floors: tuple[float, float, float]) -> None:
    """Nothing in the matcher knows these knowledge bases: everything comes from their fields."""
    report = _report(Matcher(load_kb(DATA / kb_dir)), DATA / kb_dir / "cases.jsonl")
    top1, top3, reject = floors
    assert report.top1 >= top1 and report.top3 >= top3 and report.reject >= reject, (
        report.summary_line())


def test_every_case_names_a_real_item(matcher: Matcher) -> None:
    for path in (PUBLIC_CASES, DEV_CASES):
        if path.exists():
            unknown = {c.expect for c in read_cases(path) if c.expect} - set(matcher.kb.by_id)
            assert not unknown, f"{path.name}: unknown ids {sorted(unknown)}"
    for kb_dir in ("kb_alt", "kb_alt_township"):
        kb = load_kb(DATA / kb_dir)
        unknown = {c.expect for c in read_cases(DATA / kb_dir / "cases.jsonl") if c.expect} - set(kb.by_id)
        assert not unknown, f"{kb_dir}: unknown ids {sorted(unknown)}"
