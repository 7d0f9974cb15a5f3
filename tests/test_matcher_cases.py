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


# Floors a little under the figures reached (dev 0.950/0.992/0.978, township KB
# 0.933/0.997/0.990, county KB 1/1/1, new-district KB 0.889/0.990/0.843): a change that
# loses ground on the cases the confidence model was fitted on, or on another center's
# knowledge base, fails here.
def test_dev_cases_stay_good(matcher: Matcher) -> None:
    report = _report(matcher, DEV_CASES)
    assert report.top1 >= 0.92 and report.top3 >= 0.98 and report.reject >= 0.94, (
        report.summary_line())


@pytest.mark.parametrize(("kb_dir", "floors"), [
    ("kb_alt", (0.95, 0.97, 0.9)),
    ("kb_alt_township", (0.92, 0.98, 0.95)),
    ("kb_alt_newtown", (0.87, 0.97, 0.82)),
])
def test_other_knowledge_bases_stay_good(kb_dir: str, floors: tuple[float, float, float]) -> None:
    """Nothing in the matcher knows these knowledge bases: everything comes from their fields."""
    report = _report(Matcher(load_kb(DATA / kb_dir)), DATA / kb_dir / "cases.jsonl")
    top1, top3, reject = floors
    assert report.top1 >= top1 and report.top3 >= top3 and report.reject >= reject, (
        report.summary_line())


def test_the_street_knowledge_base_meets_the_targets() -> None:
    """An urban street center's KB and cases, written independently and never tuned on
    (nothing is fitted on them; only their summary figures are looked at). Reached
    0.936/0.996/0.949; the floors are the issue's targets, a little under that."""
    kb_dir = DATA / "kb_alt_street"
    report = _report(Matcher(load_kb(kb_dir)), kb_dir / "cases.jsonl")
    assert report.cases >= 350
    assert report.top1 >= 0.92 and report.top3 >= 0.98 and report.reject >= 0.93, (
        report.summary_line())


def test_every_case_names_a_real_item(matcher: Matcher) -> None:
    referrals = {f"ref:{r.id}" for r in matcher.kb.referrals}  # `ref:ID` expects a referral
    for path in (PUBLIC_CASES, DEV_CASES):
        if path.exists():
            unknown = ({c.expect for c in read_cases(path) if c.expect}
                       - set(matcher.kb.by_id) - referrals)
            assert not unknown, f"{path.name}: unknown ids {sorted(unknown)}"
    for kb_dir in ("kb_alt", "kb_alt_township", "kb_alt_newtown", "kb_alt_street"):
        kb = load_kb(DATA / kb_dir)
        unknown = {c.expect for c in read_cases(DATA / kb_dir / "cases.jsonl") if c.expect} - set(kb.by_id)
        assert not unknown, f"{kb_dir}: unknown ids {sorted(unknown)}"
