"""`servicebot kb check | ask | eval` — the knowledge base's command-line contract.

See shared/kb-format.md. Exit codes: 0 success, 1 invalid knowledge base or case
file, 2 usage error. An invalid knowledge base prints one line per problem and never
a traceback; so does a broken table of the matcher's lexicon (knowledge/lexicon/),
which `check` validates too.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.lexicon import read_lexicon
from knowledge.loader import KBError, default_kb_path, load_kb
from knowledge.matcher import Matcher, MatchResult
from knowledge.model import REFERRAL_PREFIX, KnowledgeBase, Referral

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="servicebot kb", description="Knowledge-base tools.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    def with_kb(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument("--kb", metavar="PATH", default=None,
                         help="YAML file or directory (default: the shipped knowledge base)")
        return sub

    with_kb(verbs.add_parser("check", help="validate the knowledge base"))
    ask = with_kb(verbs.add_parser("ask", help="rank items for a question"))
    ask.add_argument("--top", type=int, default=3, metavar="N", help="how many items (default 3)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("question", nargs="+", help="the resident's question")
    evaluate = with_kb(verbs.add_parser("eval", help="run a JSONL case file"))
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("cases", metavar="CASES.jsonl")
    return parser


def main(argv: list[str]) -> int:
    """Run one `servicebot kb` verb; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage or help
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    lexicon_ok = args.verb != "check" or _check_lexicon()
    try:
        kb = load_kb(args.kb)
    except KBError as exc:
        out = sys.stdout if args.verb == "check" else sys.stderr
        for issue in exc.issues:
            print(issue, file=out)
        print(f"knowledge base invalid: {len(exc.issues)} error(s)", file=out)
        return EXIT_INVALID
    if args.verb == "check":
        return _check(kb, args.kb) if lexicon_ok else EXIT_INVALID
    if args.verb == "ask":
        return _ask(kb, " ".join(args.question), args.top, args.json)
    return _eval(kb, Path(args.cases), args.json)


def _check_lexicon() -> bool:
    """The matcher's own tables (knowledge/lexicon/): printed problems, False if any."""
    _, issues = read_lexicon()
    for issue in issues:
        print(issue)
    if issues:
        print(f"lexicon invalid: {len(issues)} error(s)")
    return not issues


def _check(kb: KnowledgeBase, path: str | None) -> int:
    where = path or str(default_kb_path())
    files = len({entry.source for entry in (*kb.items, *kb.referrals)})
    referrals = f" and {len(kb.referrals)} referrals" if kb.referrals else ""
    print(f"OK: {len(kb.items)} items{referrals} in {files} file(s) at {where}")
    return EXIT_OK


def _ask(kb: KnowledgeBase, question: str, top: int, as_json: bool) -> int:
    result = Matcher(kb).match(question, top=max(top, 0))
    referral = result.referral
    if as_json:
        # `confident` and `matches` keep their meaning (items only); a referral offered is
        # an extra key, present only then, so the contract's shape is otherwise unchanged.
        answer = {
            "query": result.query,
            "confident": result.confident,
            "matches": [{"id": m.item.id, "name": m.item.name, "score": m.score}
                        for m in result.matches],
        }
        if referral:
            answer["referral"] = {"id": REFERRAL_PREFIX + referral.referral.id,
                                  "name": referral.referral.name,
                                  "office": referral.referral.office, "score": referral.score}
        print(json.dumps(answer, ensure_ascii=False))
        return EXIT_OK
    verdict = "confident" if result.confident else (
        f"referral: {referral.referral.office}" if referral
        else "not confident (hand over to staff)")
    print(f"{result.query}\n{verdict}")
    if referral:
        print(f"→ {referral.score:.3f}  {REFERRAL_PREFIX}{referral.referral.id}"
              f"  {referral.referral.name}")
    for rank, m in enumerate(result.matches, 1):
        print(f"{rank}. {m.score:.3f}  {m.item.id}  {m.item.name}")
    return EXIT_OK


@dataclass
class _Case:
    line: int
    q: str
    expect: str | None
    tags: tuple[str, ...] = ()


@dataclass
class EvalReport:
    """Figures of one run over a case file, as printed by `kb eval`."""

    in_scope: int = 0
    out_of_scope: int = 0
    top1_hits: int = 0
    top3_hits: int = 0
    rejected: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    by_tag: dict[str, list[int]] = field(default_factory=dict)  # tag -> [right, total]
    referral_cases: int = 0  # out-of-scope cases expecting a referral (`ref:ID`) ...
    referred: int = 0  # ... answered with it

    @property
    def cases(self) -> int:
        return self.in_scope + self.out_of_scope

    @property
    def top1(self) -> float:
        return self.top1_hits / self.in_scope if self.in_scope else 0.0

    @property
    def top3(self) -> float:
        return self.top3_hits / self.in_scope if self.in_scope else 0.0

    @property
    def reject(self) -> float:
        return self.rejected / self.out_of_scope if self.out_of_scope else 0.0

    @property
    def mean_ms(self) -> float:
        return sum(self.latencies_ms) / len(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    def summary_line(self) -> str:
        return (f"top1={self.top1:.3f} top3={self.top3:.3f} reject={self.reject:.3f} "
                f"p95_ms={self.p95_ms:.1f} cases={self.cases}")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def read_cases(path: Path) -> list[_Case]:
    """Parse a JSONL case file; raises ValueError naming the bad line."""
    cases = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc.msg}") from None
            if not isinstance(raw, dict) or not isinstance(raw.get("q"), str) or (
                "expect" not in raw or not isinstance(raw["expect"], str | None)
            ):
                raise ValueError(f'{path}:{number}: expected {{"q": str, "expect": str|null}}')
            tags = raw.get("tags") or ([raw["tag"]] if isinstance(raw.get("tag"), str) else [])
            cases.append(_Case(number, raw["q"], raw["expect"], tuple(map(str, tags))))
    return cases


def out_of_scope_right(result: MatchResult, expect: str | None,
                       named: Callable[[Referral, str], bool]) -> bool:
    """An out-of-scope case is answered right when no item is claimed and, for `ref:ID`,
    that referral is offered; for `null`, when no referral is offered either — unless the
    question names the one offered (办护照 answered with where to get a passport)."""
    if result.confident:
        return False
    offered = result.referral.referral if result.referral else None
    if expect is not None:
        return offered is not None and REFERRAL_PREFIX + offered.id == expect
    return offered is None or named(offered, result.query)


def evaluate(matcher: Matcher, cases: list[_Case]) -> EvalReport:
    """Run every case through the matcher and collect the figures and the misses.
    Cases expecting a referral (`ref:ID`) are out of scope: they count in the rejection
    rate, answered right when that referral is offered."""
    report = EvalReport()
    named = matcher.referrals.named if matcher.referrals else lambda _ref, _q: False
    for case in cases:
        started = time.perf_counter()
        result = matcher.match(case.q, top=3)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        ids = [m.item.id for m in result.matches]
        if case.expect is None or case.expect.startswith(REFERRAL_PREFIX):
            report.out_of_scope += 1
            right = out_of_scope_right(result, case.expect, named)
            report.rejected += right
            if case.expect is not None:
                report.referral_cases += 1
                report.referred += right
        else:
            report.in_scope += 1
            right = result.confident and ids[:1] == [case.expect]
            report.top1_hits += right
            report.top3_hits += case.expect in ids[:3]
        for tag in case.tags or ("untagged",):
            tally = report.by_tag.setdefault(tag, [0, 0])
            tally[0] += right
            tally[1] += 1
        if not right:
            report.misses.append({
                "line": case.line, "q": case.q, "expect": case.expect, "tags": list(case.tags),
                "confident": result.confident, "got": ids,
                "scores": [m.score for m in result.matches],
                "referral": REFERRAL_PREFIX + result.referral.referral.id
                if result.referral else None,
            })
    return report


def _eval(kb: KnowledgeBase, path: Path, as_json: bool) -> int:
    try:
        cases = read_cases(path)
    except (OSError, ValueError) as exc:
        print(f"cannot read cases: {exc}", file=sys.stderr)
        return EXIT_INVALID
    unknown = sorted({c.expect for c in cases if c.expect and kb.get(c.expect) is None
                      and not (c.expect.startswith(REFERRAL_PREFIX) and kb.referral(c.expect))})
    for item_id in unknown:
        print(f"warning: cases expect unknown item id {item_id!r}", file=sys.stderr)
    report = evaluate(Matcher(kb), cases)
    if as_json:
        print(json.dumps({
            "top1": round(report.top1, 4), "top3": round(report.top3, 4),
            "reject": round(report.reject, 4), "mean_ms": round(report.mean_ms, 3),
            "p95_ms": round(report.p95_ms, 3), "cases": report.cases,
            "in_scope": report.in_scope, "out_of_scope": report.out_of_scope,
            "referral_cases": report.referral_cases, "referred": report.referred,
            "by_tag": {tag: round(r / t, 4) for tag, (r, t) in sorted(report.by_tag.items())},
            "misses": report.misses,
        }, ensure_ascii=False))
        return EXIT_OK
    print(f"cases: {report.cases} (in scope {report.in_scope}, out of scope {report.out_of_scope})")
    print(f"top-1: {report.top1:.3f} ({report.top1_hits}/{report.in_scope}, confident only)")
    print(f"top-3: {report.top3:.3f} ({report.top3_hits}/{report.in_scope})")
    print(f"reject: {report.reject:.3f} ({report.rejected}/{report.out_of_scope})")
    if report.referral_cases:
        print(f"referrals: {report.referred}/{report.referral_cases} cases answered with the"
              " expected referral (counted in reject)")
    print(f"latency: mean {report.mean_ms:.2f} ms, p95 {report.p95_ms:.2f} ms")
    tags = "  ".join(f"{tag} {r}/{t}" for tag, (r, t) in sorted(report.by_tag.items()))
    print(f"by tag (right/total): {tags}")
    print(f"misses: {len(report.misses)}")
    for miss in report.misses:
        got = ", ".join(f"{i} {s:.2f}" for i, s in zip(miss["got"], miss["scores"], strict=True))
        confident = "confident" if miss["confident"] else (
            f"referral {miss['referral']}" if miss["referral"] else "not confident")
        print(f"  line {miss['line']}: expect {miss['expect']} | {confident}: {got or '-'}"
              f" | {miss['q']}")
    print(report.summary_line())
    return EXIT_OK
