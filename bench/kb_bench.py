"""Benchmark of the knowledge-base matcher against two baselines, and at scale.

    python bench/kb_bench.py [--kb PATH] [--cases CASES.jsonl] [--items 5000]

Prints one table: top-1 (confident only), top-3, reject rate and p50/p95 latency for
(a) the product matcher, (b) plain rapidfuzz WRatio over name + aliases, (c) BM25 over
character bigrams — on the shipped KB with the public cases; then the product
matcher's latency on a generated knowledge base of 5,000 items, and load + index
build times. One core, no timing assertions: this is for reading, not for CI.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.cli import percentile, read_cases  # noqa: E402
from knowledge.loader import load_kb  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402
from knowledge.model import REFERRAL_PREFIX, Faq, Item, KnowledgeBase, Material  # noqa: E402
from knowledge.normalize import char_bigrams, clean_text, split_runs  # noqa: E402

# A ranker returns (confident, [item ids best first]).
Ranker = Callable[[str], tuple[bool, list[str]]]


def wratio_baseline(kb: KnowledgeBase, threshold: float = 60.0) -> Ranker:
    """Best WRatio of the question against each item's name and aliases."""
    choices = [(clean_text(n).replace(" ", ""), item.id)
               for item in kb.items for n in (item.name, *item.aliases)]
    names = [c[0] for c in choices]

    def rank(question: str) -> tuple[bool, list[str]]:
        query = clean_text(question).replace(" ", "")
        best: dict[str, float] = {}
        for _, score, index in process.extract(query, names, scorer=fuzz.WRatio, limit=30):
            item_id = choices[index][1]
            best[item_id] = max(best.get(item_id, 0.0), score)
        ranked = sorted(best, key=best.get, reverse=True)
        return bool(ranked) and best[ranked[0]] >= threshold, ranked[:3]

    return rank


def bm25_baseline(kb: KnowledgeBase, threshold: float = 0.2) -> Ranker:
    """Okapi BM25 over character bigrams of all of an item's text; score normalised by
    the query's own maximum (sum of IDFs) to get a rejectable number."""
    docs = []
    for item in kb.items:
        text = " ".join([item.name, *item.aliases, *item.keywords, item.category or "",
                         *item.conditions, *(m.name for m in item.materials),
                         *(f.q for f in item.faq)])
        docs.append(Counter(_bigrams(text)))
    n = len(docs)
    avg_len = sum(sum(d.values()) for d in docs) / n
    df: Counter[str] = Counter(g for d in docs for g in d)
    idf = {g: math.log(1 + (n - c + 0.5) / (c + 0.5)) for g, c in df.items()}
    k1, b = 1.2, 0.75

    def rank(question: str) -> tuple[bool, list[str]]:
        grams = set(_bigrams(question))
        if not grams:
            return False, []
        scores = []
        for index, doc in enumerate(docs):
            length = sum(doc.values())
            score = 0.0
            for g in grams:
                tf = doc.get(g, 0)
                if tf:
                    score += idf[g] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_len))
            scores.append((score, index))
        scores.sort(reverse=True)
        ceiling = sum(idf.get(g, math.log(1 + n / 0.5)) for g in grams) * (k1 + 1)
        confident = scores[0][0] / ceiling >= threshold
        return confident, [kb.items[i].id for s, i in scores[:3] if s > 0]

    return rank


def _bigrams(text: str) -> list[str]:
    return [g for run in split_runs(clean_text(text)) for g in char_bigrams(run)]


def product(matcher: Matcher) -> Ranker:
    def rank(question: str) -> tuple[bool, list[str]]:
        result = matcher.match(question, top=3)
        ids = [m.item.id for m in result.matches]
        if result.referral:  # offered only when no item is claimed; named as in case files
            ids.append(REFERRAL_PREFIX + result.referral.referral.id)
        return result.confident, ids

    return rank


def run_cases(rank: Ranker, cases) -> dict[str, float]:
    top1 = top3 = rejected = in_scope = out_of_scope = 0
    latencies = []
    for case in cases:
        started = time.perf_counter()
        confident, ids = rank(case.q)
        latencies.append((time.perf_counter() - started) * 1000)
        if case.expect is None:
            out_of_scope += 1
            rejected += not confident
        elif case.expect.startswith(REFERRAL_PREFIX):  # out of scope, answered by a referral
            out_of_scope += 1
            rejected += not confident and case.expect in ids
        else:
            in_scope += 1
            top1 += confident and ids[:1] == [case.expect]
            top3 += case.expect in ids[:3]
    return {
        "top1": top1 / max(in_scope, 1), "top3": top3 / max(in_scope, 1),
        "reject": rejected / max(out_of_scope, 1),
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
    }


# -- a generated knowledge base -----------------------------------------------
_PLACES = "东西南北上下前后新老大小"
_WHO = ["老年人", "残疾人", "退役军人", "低收入家庭", "新生儿", "农村居民", "城镇职工", "学生",
        "个体户", "务工人员", "独生子女家庭", "失业人员", "脱贫户", "妇女", "儿童", "党员"]
_WHAT = ["补贴", "津贴", "救助", "登记", "证明", "审批", "备案", "认定", "许可", "申领", "换领",
         "注销", "变更", "查询", "报销", "奖励", "贷款", "培训", "调解", "咨询"]
_TOPICS = ["医疗", "养老", "住房", "教育", "就业", "户籍", "土地", "林业", "农机", "水利", "交通",
           "殡葬", "婚育", "供电", "供水", "燃气", "宅基地", "危房", "耕地", "渔业", "畜牧", "社保",
           "公积金", "护照", "驾驶证", "营业执照", "食品经营", "排污", "消防", "广告", "文物", "档案"]
_MATERIALS = ["居民身份证", "户口簿", "申请表", "收入证明", "医院诊断证明", "不动产权证书", "结婚证",
              "出生医学证明", "营业执照", "银行卡", "近期照片", "村委会证明", "委托书", "合同"]


def generated_kb(size: int, seed: int = 7) -> KnowledgeBase:
    """Plausible, varied items: names combine who, topic and act; text is drawn alike."""
    rng = random.Random(seed)
    items = []
    for n in range(size):
        who, what, topic = rng.choice(_WHO), rng.choice(_WHAT), rng.choice(_TOPICS)
        place = rng.choice(_PLACES) + rng.choice(_PLACES)
        name = f"{place}{topic}{who}{what}"
        items.append(Item(
            id=f"gen-{n}", name=name, kind=rng.choice(["即办件", "承诺件", "咨询"]),
            time_limit_workdays=rng.randint(0, 20),
            aliases=(f"{topic}{what}", f"{who}{topic}"),
            keywords=(*rng.sample(_TOPICS, 2), f"办{topic}"),
            category=topic, department=f"{topic}办公室",
            conditions=(f"本镇{who}", f"符合{topic}{what}条件的申请人"),
            materials=tuple(Material(m) for m in rng.sample(_MATERIALS, 4)),
            steps=("提交申请", "受理审核", f"{what}办结"),
            faq=(Faq(f"{who}办理{topic}{what}需要多久", f"一般{rng.randint(1, 20)}个工作日"),),
        ))
    return KnowledgeBase(items=tuple(items))


def timed(action: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", default=None, help="knowledge base (default: shipped)")
    parser.add_argument("--cases", default=str(ROOT / "tests" / "data" / "kb_cases.jsonl"))
    parser.add_argument("--items", type=int, default=5000, help="size of the generated KB")
    args = parser.parse_args()

    kb, load_s = timed(lambda: load_kb(args.kb))
    matcher, build_s = timed(lambda: Matcher(kb))
    cases = read_cases(Path(args.cases))
    rows = [
        ("product matcher", run_cases(product(matcher), cases)),
        ("rapidfuzz WRatio name+aliases", run_cases(wratio_baseline(kb), cases)),
        ("BM25 char bigrams", run_cases(bm25_baseline(kb), cases)),
    ]
    print(f"shipped KB: {len(kb.items)} items; {len(cases)} cases from {args.cases}")
    print(f"{'ranker':32s} {'top-1':>6s} {'top-3':>6s} {'reject':>6s} {'p50 ms':>7s} {'p95 ms':>7s}")
    for name, r in rows:
        print(f"{name:32s} {r['top1']:6.3f} {r['top3']:6.3f} {r['reject']:6.3f} "
              f"{r['p50']:7.2f} {r['p95']:7.2f}")

    big_kb, gen_s = timed(lambda: generated_kb(args.items))
    big_matcher, big_build_s = timed(lambda: Matcher(big_kb))
    questions = [c.q for c in cases]
    big = run_cases(product(big_matcher), read_cases(Path(args.cases)))
    print(f"{'product, ' + str(args.items) + ' generated items':32s} {'-':>6s} {'-':>6s} "
          f"{'-':>6s} {big['p50']:7.2f} {big['p95']:7.2f}   ({len(questions)} questions)")
    print(f"shipped KB load {load_s * 1000:.0f} ms + index build {build_s * 1000:.0f} ms "
          f"= {(load_s + build_s) * 1000:.0f} ms")
    print(f"generated KB ({args.items} items) index build {big_build_s * 1000:.0f} ms "
          f"(generation {gen_s * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
