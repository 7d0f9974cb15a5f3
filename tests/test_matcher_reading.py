"""How the matcher reads questions: clauses, intent, English, initials, off-topic, confidence."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from knowledge import confidence
from knowledge.english import lemma
from knowledge.loader import load_kb
from knowledge.matcher import Matcher, MatchResult
from knowledge.model import Item, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_kb())


@pytest.fixture(scope="module")
def alt_matcher() -> Matcher:
    return Matcher(load_kb(DATA / "kb_alt"))


@pytest.fixture(scope="module")
def township() -> Matcher:
    return Matcher(load_kb(DATA / "kb_alt_township"))


def top(result: MatchResult) -> str | None:
    return result.matches[0].item.id if result.confident and result.matches else None


def test_pinyin_initials_stand_for_words(matcher: Matcher) -> None:
    assert top(matcher.match("sfz掉了去哪补")) == "id-card"


def test_english_is_lemmatised() -> None:
    assert lemma("fixing") == "fix"
    assert lemma("transfers") == "transfer"
    assert lemma("died") == "die"
    assert lemma("children") == "children"  # a key of its own


def test_intent_words_separate_drawing_a_pension_from_joining(township: Matcher) -> None:
    assert top(township.match("到了六十岁 养老金每个月怎么领")) == "pension-benefit"
    assert top(township.match("年轻人想交城乡居民养老保险 一年交几档")) == "rural-pension-insurance"


def test_long_message_is_read_by_its_request(matcher: Matcher) -> None:
    reading = matcher.analyzer.read(
        "我家里三口人，老公前年在工地上摔伤了腰，一直干不了重活，孩子还在读初中，"
        "村里的人都说我们家可以去申请低保，请问要带什么材料？")
    story = [c.surface for c in reading.concepts if not c.request]
    asked = [c.surface for c in reading.concepts if c.request]
    assert "低保" in asked and story  # the story is read, at half weight
    assert "低保" in reading.request and "工地" in reading.narrative


def test_ages_say_who_is_asking(matcher: Matcher) -> None:
    surfaces = [c.surface for c in matcher.analyzer.analyse("我爸82岁了有什么补贴")]
    assert "八十多" in surfaces


def test_another_offices_procedure_is_refused_unless_the_kb_names_it(
    matcher: Matcher, alt_matcher: Matcher
) -> None:
    # The shipped KB mentions 离婚 only as a keyword of legal advice: not a registry.
    assert matcher.match("想办离婚要准备啥").confident is False
    # The county center names 离婚登记 as an item: there it is in scope.
    assert top(alt_matcher.match("想办离婚要准备啥")) == "divorce-registration"


def test_a_center_that_offers_an_everyday_subject_is_matched_on_it() -> None:
    """Off-topic for the shipped center, vaccination is in scope where an item serves it."""
    kb = KnowledgeBase(items=(
        Item(id="vaccination", name="儿童预防接种证办理", kind="即办件", time_limit_workdays=0,
             keywords=("打疫苗", "接种本")),
        Item(id="dibao", name="最低生活保障", kind="上报件", time_limit_workdays=30,
             aliases=("低保",)),
    ))
    assert top(Matcher(kb).match("孩子打疫苗要带什么")) == "vaccination"
    assert Matcher(load_kb()).match("孩子打疫苗要带什么").confident is False


def test_a_service_the_kb_has_no_words_for_is_refused(township: Matcher) -> None:
    # The township KB has no residence-permit or training items; 居住 and 补贴 alone
    # must not pull these questions onto other items.
    for question in ("暂住的那个居住证去哪办", "学电焊的技能培训补贴怎么领"):
        assert township.match(question).confident is False, question


def test_everyday_off_topic_questions_are_refused(matcher: Matcher, township: Matcher) -> None:
    for question in ("手机欠费停机了怎么办", "明天去县城的班车几点", "感冒发烧吃什么药",
                     "How do I book a train ticket?"):
        assert matcher.match(question).confident is False, question
        assert township.match(question).confident is False, question


def test_the_fitted_confidence_model_has_sensible_signs() -> None:
    weights = confidence.WEIGHTS
    assert weights["off_topic"] < 0 and weights["gap"] < 0
    assert weights["margin"] > 0 and weights["score"] > 0 and weights["coverage"] > 0
    assert 0.2 <= confidence.THRESHOLD <= 0.8


def test_the_confidence_model_is_never_fitted_on_the_public_cases() -> None:
    spec = importlib.util.spec_from_file_location("fit_confidence", ROOT / "bench" / "fit_confidence.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    used = {cases.name for _, cases in module.SETS.values()}
    assert "kb_cases.jsonl" not in used and "kb_cases_holdout.jsonl" not in used
    assert all("kb_alt_street" not in str(cases) for _, cases in module.SETS.values())


@pytest.fixture(scope="module")
def newtown() -> Matcher:
    return Matcher(load_kb(DATA / "kb_alt_newtown"))


def _surfaces(m: Matcher, question: str) -> list[str]:
    return [c.surface for c in m.analyzer.analyse(question)]


def test_an_english_phrase_the_kb_cannot_read_is_read_word_by_word(newtown: Matcher) -> None:
    # "roof leaks" means 危房 to a township KB; a city KB knows 屋顶 and 漏水 instead.
    assert "roof leaks" not in _surfaces(newtown, "the roof leaks, can we use the maintenance fund")
    # A phrase naming a service the KB lacks stays whole: it is a gap, and refused.
    township = Matcher(load_kb(DATA / "kb_alt_township"))
    concepts = township.analyzer.analyse("can I apply for public rental housing")
    assert any(c.gap for c in concepts)
    assert not township.match("can I apply for public rental housing").confident


def test_english_ask_words_are_never_gaps(newtown: Matcher) -> None:
    concepts = newtown.analyzer.analyse("where do I register my dog")
    where = next(c for c in concepts if c.surface == "where")
    assert not where.gap
    assert top(newtown.match("where do I register my dog")) == "dog-license"


def test_ages_in_chinese_numerals_are_ages(township: Matcher) -> None:
    assert "八十多" in _surfaces(township, "满了八十岁的老人补贴去哪领")
    assert top(township.match("满了八十岁的老人补贴去哪领")) == "elderly-subsidy"
    assert "岁" not in _surfaces(township, "孩子12岁能办身份证吗")


def test_a_long_message_whose_ask_names_nothing_is_read_by_the_clause_before(newtown: Matcher) -> None:
    question = ("我是前年从外省考研过来的，现在在这边一家公司上班，也交了两年社保了，最近听同事说"
                "像我这种硕士可以直接把户口落到这里，不知道具体要什么条件，要准备哪些材料")
    assert top(newtown.match(question)) == "hukou-settle-in"


def test_everyday_city_english(newtown: Matcher) -> None:
    assert top(newtown.match("do I need a license for my dog")) == "dog-license"
    assert top(newtown.match("how do I get rid of an old sofa")) == "bulky-waste-pickup"
    assert top(newtown.match("the construction site is noisy all night")) == "noise-complaint"
    assert top(newtown.match("I want to volunteer in my community")) == "volunteer-service"
    assert not newtown.match("where can I fix my laptop").confident
