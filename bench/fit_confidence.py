"""Fit the matcher's confidence model (knowledge/confidence.py) on development cases.

    python bench/fit_confidence.py            # fit, print coefficients and figures
    python bench/fit_confidence.py --cv       # leave one case set out: honest figures
    python bench/fit_confidence.py --write    # fit and write the coefficients into the module

Training data — never the public case file tests/data/kb_cases.jsonl, the holdout
tests/data/kb_cases_holdout.jsonl or the street KB's cases tests/data/kb_alt_street/:
- tests/data/kb_cases_dev.jsonl on the shipped KB, minus any case that is a near copy
  of a public case (similarity ≥ 75, so nothing public leaks in through the dev set);
- tests/data/kb_alt/, kb_alt_township/ and kb_alt_newtown/ cases.jsonl, each on its
  own knowledge base.

A case is a positive example when it is in scope and the matcher's top item is the
expected one; everything else (out of scope, or a wrong top item) is negative. The
model is an L2-regularised logistic regression on standardised features, solved by
Newton's method; the threshold maximises top-1 rate + rejection rate on the data.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import confidence  # noqa: E402
from knowledge.confidence import FEATURES, features  # noqa: E402
from knowledge.loader import load_kb  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402

DATA = ROOT / "tests" / "data"
PUBLIC = DATA / "kb_cases.jsonl"
SETS = {
    "dev": (None, DATA / "kb_cases_dev.jsonl"),
    "alt": (DATA / "kb_alt", DATA / "kb_alt" / "cases.jsonl"),
    "township": (DATA / "kb_alt_township", DATA / "kb_alt_township" / "cases.jsonl"),
    "newtown": (DATA / "kb_alt_newtown", DATA / "kb_alt_newtown" / "cases.jsonl"),
}
NEAR_COPY = 75
L2 = 10.0

Row = tuple[list[float], int, bool]  # features, label, in scope


def _norm(text: str) -> str:
    return re.sub(r"\W", "", text.lower())


def load_rows() -> dict[str, list[Row]]:
    """Feature rows per case set (questions with no candidate at all are left out)."""
    public = [_norm(json.loads(line)["q"]) for line in PUBLIC.open(encoding="utf-8") if line.strip()]
    rows: dict[str, list[Row]] = {}
    for name, (kb_path, cases_path) in SETS.items():
        matcher = Matcher(load_kb(kb_path))
        rows[name] = []
        skipped = 0
        for line in cases_path.open(encoding="utf-8"):
            if not line.strip():
                continue
            case = json.loads(line)
            if kb_path is None and any(fuzz.ratio(_norm(case["q"]), p) >= NEAR_COPY for p in public):
                skipped += 1
                continue
            result, evidence = matcher.explain(case["q"])
            # `ref:ID` cases are out of scope for the items (a referral is not an item).
            in_scope = case["expect"] is not None and not case["expect"].startswith("ref:")
            if evidence is None:
                rows[name].append(([], 0, in_scope))
                continue
            right = in_scope and result.matches[0].item.id == case["expect"]
            rows[name].append((features(evidence), int(right), in_scope))
        if skipped:
            print(f"{name}: {skipped} near copies of public cases left out", file=sys.stderr)
    return rows


def fit(rows: list[Row], used: list[int] | None = None) -> tuple[float, list[float]]:
    """Intercept and raw-scale weights of an L2 logistic regression (Newton's method),
    over the features whose positions are `used` (all by default; the others get 0)."""
    if used is not None:
        sub = [([x[j] for j in used], y, s) for x, y, s in rows if x]
        intercept, weights = fit(sub)
        full = [0.0] * len(FEATURES)
        for j, w in zip(used, weights, strict=True):
            full[j] = w
        return intercept, full
    data = [(x, y) for x, y, _ in rows if x]
    k = len(data[0][0])
    mean = [sum(x[j] for x, _ in data) / len(data) for j in range(k)]
    std = [math.sqrt(sum((x[j] - mean[j]) ** 2 for x, _ in data) / len(data)) or 1.0 for j in range(k)]
    z = [([1.0] + [(x[j] - mean[j]) / std[j] for j in range(k)], y) for x, y in data]
    w = [0.0] * (k + 1)
    for _ in range(50):
        grad = [0.0] * (k + 1)
        hess = [[0.0] * (k + 1) for _ in range(k + 1)]
        for x, y in z:
            p = 1 / (1 + math.exp(-max(-30, min(30, sum(a * b for a, b in zip(w, x, strict=True))))))
            for i in range(k + 1):
                grad[i] += (p - y) * x[i]
                for j in range(k + 1):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(1, k + 1):
            grad[i] += L2 * w[i]
            hess[i][i] += L2
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-8:
            break
    weights = [w[j + 1] / std[j] for j in range(k)]
    intercept = w[0] - sum(w[j + 1] * mean[j] / std[j] for j in range(k))
    return intercept, weights


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _prob(intercept: float, weights: list[float], x: list[float]) -> float:
    if not x:
        return 0.0
    z = intercept + sum(w * v for w, v in zip(weights, x, strict=True))
    return 1 / (1 + math.exp(-max(-30, min(30, z))))


def rates(rows: list[Row], intercept: float, weights: list[float], threshold: float) -> tuple[float, float]:
    """top-1 rate over in-scope rows and rejection rate over out-of-scope rows."""
    ins = [r for r in rows if r[2]]
    oos = [r for r in rows if not r[2]]
    top1 = sum(y and _prob(intercept, weights, x) >= threshold for x, y, _ in ins) / max(len(ins), 1)
    reject = sum(_prob(intercept, weights, x) < threshold for x, _, _ in oos) / max(len(oos), 1)
    return top1, reject


def best_threshold(rows: list[Row], intercept: float, weights: list[float]) -> float:
    candidates = [t / 100 for t in range(20, 81)]
    return max(candidates, key=lambda t: (sum(rates(rows, intercept, weights, t)), -abs(t - 0.5)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="leave-one-set-out figures")
    parser.add_argument("--write", action="store_true", help="write the fit into knowledge/confidence.py")
    parser.add_argument("--only", default="", help="comma-separated features to use (default: all)")
    args = parser.parse_args()
    used = [FEATURES.index(f) for f in args.only.split(",")] if args.only else None
    rows = load_rows()
    current = (confidence.INTERCEPT, [confidence.WEIGHTS[f] for f in FEATURES], confidence.THRESHOLD)
    for name, data in rows.items():
        top1, reject = rates(data, *current)
        print(f"current model  {name:9s} top1={top1:.3f} reject={reject:.3f} n={len(data)}")
    if args.cv:
        for held in rows:
            train = [r for name, data in rows.items() if name != held for r in data]
            intercept, weights = fit(train, used)
            threshold = best_threshold(train, intercept, weights)
            top1, reject = rates(rows[held], intercept, weights, threshold)
            print(f"held out       {held:9s} top1={top1:.3f} reject={reject:.3f} (threshold {threshold:.2f})")
    everything = [r for data in rows.values() for r in data]
    intercept, weights = fit(everything, used)
    threshold = best_threshold(everything, intercept, weights)
    for name, data in rows.items():
        top1, reject = rates(data, intercept, weights, threshold)
        print(f"refitted       {name:9s} top1={top1:.3f} reject={reject:.3f}")
    print(f"INTERCEPT = {intercept:.4f}; THRESHOLD = {threshold:.2f}")
    for f, w in zip(FEATURES, weights, strict=True):
        print(f"  {f:16s} {w:+.4f}")
    if args.write:
        _write(intercept, dict(zip(FEATURES, weights, strict=True)), threshold)
    return 0


def _write(intercept: float, weights: dict[str, float], threshold: float) -> None:
    path = ROOT / "knowledge" / "confidence.py"
    text = path.read_text(encoding="utf-8")
    start = text.index("INTERCEPT = ")
    end = text.index("THRESHOLD = ")
    end = text.index("\n", end) + 1
    body = ", ".join(f'"{f}": {w:.4f}' for f, w in weights.items())
    lines = [f"INTERCEPT = {intercept:.4f}", "WEIGHTS = {"]
    line = "   "
    for part in body.split(", "):
        if len(line) + len(part) + 2 > 100:
            lines.append(line.rstrip())
            line = "   "
        line += " " + part + ","
    lines += [line.rstrip(), "}", f"THRESHOLD = {threshold:.2f}", ""]
    path.write_text(text[:start] + "\n".join(lines) + text[end:], encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
