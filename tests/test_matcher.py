"""The matcher's API, robustness on bad input, and generality on a second knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.loader import load_kb
from knowledge.matcher import Match, Matcher, MatchResult
from knowledge.pinyin import split_pinyin

DATA = Path(__file__).resolve().parent / "data"
ALT_KB = DATA / "kb_alt"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_kb())


@pytest.fixture(scope="module")
def alt_matcher() -> Matcher:
    return Matcher(load_kb(ALT_KB))


def top_id(result: MatchResult) -> str | None:
    return result.matches[0].item.id if result.matches else None


def test_result_shape(matcher: Matcher) -> None:
    result = matcher.match("低保怎么申请", top=5)
    assert isinstance(result, MatchResult) and result.query == "低保怎么申请"
    assert result.confident and top_id(result) == "dibao"
    assert 1 <= len(result.matches) <= 5
    assert all(isinstance(m, Match) and 0.0 <= m.score <= 1.0 for m in result.matches)
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)
    assert matcher.match("低保怎么申请", top=0).matches == ()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("孩子刚出生要上户口带什么", "birth-registration"),  # colloquial, never names the item
        ("户口签移", "hukou-transfer"),  # homophone typo
        ("底保", "dibao"),
        ("dibao", "dibao"),  # pinyin without spaces
        ("hukou qianyi", "hukou-transfer"),  # pinyin with spaces
        ("hukouqianyi", "hukou-transfer"),
        ("戶口遷移要帶什麼", "hukou-transfer"),  # traditional characters
        ("How do I apply for the minimum living allowance?", "dibao"),  # English
        ("我想申请dibao", "dibao"),  # mixed scripts
    ],
)
def test_understands_the_ways_residents_ask(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.match(question)
    assert result.confident and top_id(result) == expected, result


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "\x00\x01\x02\x1b[31m\x7f",
        "😀😀😀🎉",
        "？？？！！！。。。",
        "......",
        "asdfghjkl",
        "12345678",
        "你好",
        "今天天气怎么样",
        "帮我买一张去北京的火车票",
        "护照怎么办理",
        "What's the weather like today?",
        "ありがとう привет 😀",
    ],
)
def test_bad_or_off_topic_input_is_refused_without_error(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.confident is False
    assert all(0.0 <= m.score <= 1.0 for m in result.matches)


def test_very_long_input_is_handled(matcher: Matcher) -> None:
    result = matcher.match("啊" * 10_000)
    assert result.confident is False
    long_question = "我想问一下低保怎么申请" + "，" * 5000 + "谢谢" * 2000
    assert top_id(matcher.match(long_question)) == "dibao"


def test_need_among_noise_and_control_characters(matcher: Matcher) -> None:
    result = matcher.match("\t低保\u200b怎么\x00申请😀？？")
    assert result.confident and top_id(result) == "dibao"


def test_non_string_input_does_not_crash(matcher: Matcher) -> None:
    assert matcher.match(None).confident is False  # type: ignore[arg-type]


def test_answer_faq_picks_the_follow_up(alt_matcher: Matcher) -> None:
    passport = alt_matcher.kb.get("passport")
    assert passport is not None
    faq = alt_matcher.answer_faq(passport, "护照弄丢了咋办")
    assert faq is not None and faq.q == "护照丢了怎么办"
    assert alt_matcher.answer_faq(passport, "今天天气怎么样") is None
    assert alt_matcher.answer_faq(passport, "") is None
    no_faq = alt_matcher.kb.get("tax-invoice")
    assert no_faq is not None and alt_matcher.answer_faq(no_faq, "发票") is None


def test_answer_faq_on_shipped_items(matcher: Matcher) -> None:
    for item in matcher.kb.items:
        for faq in item.faq:
            assert matcher.answer_faq(item, faq.q) == faq, (item.id, faq.q)


def test_generalises_to_a_different_knowledge_base(alt_matcher: Matcher) -> None:
    """Nothing in the matcher knows the alternative KB: everything comes from its fields."""
    cases = [json.loads(line) for line in (ALT_KB / "cases.jsonl").read_text("utf-8").splitlines()]
    in_scope = [c for c in cases if c["expect"]]
    out_of_scope = [c for c in cases if not c["expect"]]
    results = {c["q"]: alt_matcher.match(c["q"]) for c in cases}
    top1 = sum(results[c["q"]].confident and top_id(results[c["q"]]) == c["expect"]
               for c in in_scope) / len(in_scope)
    top3 = sum(c["expect"] in [m.item.id for m in results[c["q"]].matches]
               for c in in_scope) / len(in_scope)
    reject = sum(not results[c["q"]].confident for c in out_of_scope) / len(out_of_scope)
    assert top1 >= 0.9 and top3 >= 0.95 and reject >= 0.9, (top1, top3, reject)


def test_services_of_another_center_are_in_scope_there(
    matcher: Matcher, alt_matcher: Matcher
) -> None:
    """Passports are off-topic for the township center, but the county center offers them."""
    assert matcher.match("办护照要带什么").confident is False
    result = alt_matcher.match("办护照要带什么")
    assert result.confident and top_id(result) == "passport"


@pytest.mark.parametrize(
    ("word", "syllables"),
    [("dibao", ("di", "bao")), ("hukouqianyi", ("hu", "kou", "qian", "yi")),
     ("xian", ("xian",)), ("hello", None), ("", None)],
)
def test_split_pinyin(word: str, syllables: tuple[str, ...] | None) -> None:
    assert split_pinyin(word) == syllables
