"""Referrals (转介) and English text in the knowledge base: the format, `kb check`, the
matcher's referral answer and `kb eval`'s `ref:ID` cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.cli import main
from knowledge.loader import load_kb
from knowledge.localize import Localizer
from knowledge.matcher import Matcher
from tests.factories import shipped_kb
from tests.test_kb_loader import issues_of
from tests.test_kb_loader import write as write_file

ITEM = """\
items:
  - id: dibao
    name: 最低生活保障
    aliases: [低保]
    category: 社会救助
    kind: 承诺件
    time_limit_workdays: 30
    conditions: [家庭人均收入低于低保标准]
    materials:
      - name: 居民户口簿
      - name: 残疾人证
        when: 家庭成员有残疾
    faq:
      - q: 要多久
        a: 30 个工作日
"""
REFERRAL = """\
referrals:
  - id: passport
    name: 护照办理
    aliases: [办护照]
    keywords: [护照]
    office: 县公安局出入境管理大队
    phone: 0000-0000（示例）
    bring: [居民身份证]
    example: true
"""


def write(tmp_path: Path, text: str, name: str = "kb.yaml") -> Path:
    return write_file(tmp_path, name, text)


# -- the shipped knowledge base -------------------------------------------------------------

def test_shipped_referrals_are_many_complete_and_marked_as_examples() -> None:
    kb = shipped_kb()
    assert len(kb.referrals) >= 25
    ids = {r.id for r in kb.referrals}
    for wanted in ("passport", "travel-permit", "vehicle-inspection", "driving-licence",
                   "provident-fund", "income-tax", "marriage-registration", "notary",
                   "school-enrolment", "medical-records"):
        assert wanted in ids
    assert not ids & {it.id for it in kb.items}
    for ref in kb.referrals:
        assert ref.office and (ref.address or ref.phone or ref.online) and ref.aliases
        assert ref.example and "示例" in f"{ref.address}{ref.phone}"  # like the center block
        assert ref.en and ref.en.name and ref.en.office and len(ref.en.bring or ()) == len(ref.bring)


def test_every_shipped_item_has_english_for_every_field() -> None:
    for item in shipped_kb().items:
        en = item.en
        assert en and en.name and en.category and en.fee, item.id
        assert bool(en.window) == bool(item.window), item.id
        assert len(en.conditions or ()) == len(item.conditions), item.id
        assert len(en.steps or ()) == len(item.steps), item.id
        assert len(en.faq or ()) == len(item.faq), item.id
        assert len(en.materials or ()) == len(item.materials), item.id
        for text, material in zip(en.materials or (), item.materials, strict=True):
            assert bool(text.note) == bool(material.note) and bool(text.when) == bool(material.when)
        # English is English: no Chinese left in the name (the card title)
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.name), en.name


def test_kb_check_counts_referrals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 50 items and 27 referrals in 8 file(s)")


# -- validation -------------------------------------------------------------------------------

def test_referral_and_english_blocks_load(tmp_path: Path) -> None:
    path = write(tmp_path, ITEM + """\
    en:
      name: Minimum living allowance
      category: Social assistance
      conditions: [Income below the standard]
      materials:
        - name: Household register
        - name: Disability certificate
          when: A family member has a disability
      faq:
        - q: How long?
          a: 30 working days
""" + REFERRAL + """\
    en:
      name: Passports
      office: Exit-Entry Administration
      bring: [ID card]
""")
    kb = load_kb(path)
    assert kb.get("dibao").en.materials[1].when == "A family member has a disability"
    ref = kb.referral("ref:passport")
    assert ref is not None and ref.office == "县公安局出入境管理大队" and ref.bring == ("居民身份证",)
    assert ref.en.bring == ("ID card",) and ref.example is True
    assert kb.names["ref:passport"] == "护照办理"


@pytest.mark.parametrize(("extra", "needle", "line"), [
    ("    en:\n      conditions: [a, b]\n", "en conditions has 2 entries, the original has 1", 17),
    ("    en:\n      materials:\n        - name: A\n", "en materials has 1 entries", 18),
    ("    en:\n      materials:\n        - name: A\n          note: n\n        - name: B\n"
     "          when: W\n", "has a note but material '居民户口簿' has none", 18),
    ("    en:\n      colour: red\n", "unknown field 'colour' in en", 17),
    ("    en:\n      faq:\n        - q: only a question\n", "missing required field 'a'", 18),
])
def test_english_block_errors_name_file_line_and_item(
        tmp_path: Path, extra: str, needle: str, line: int) -> None:
    path = write(tmp_path, ITEM + extra)
    issues = issues_of(path)
    assert any(needle in i.message for i in issues), [str(i) for i in issues]
    issue = next(i for i in issues if needle in i.message)
    assert issue.item_id == "dibao" and issue.line == line
    assert str(issue).startswith(f"{path}:{line}: dibao: ")


def test_one_situation_one_translation_and_one_category_one_translation(tmp_path: Path) -> None:
    two = ITEM.replace("""      - name: 残疾人证
        when: 家庭成员有残疾
""", """      - name: 残疾人证
        when: 家庭成员有残疾
      - name: 病历
        when: 家庭成员有残疾
""")
    path = write(tmp_path, two + """\
    en:
      category: Social assistance
      materials:
        - name: Household register
        - name: Disability certificate
          when: Disabled member
        - name: Medical records
          when: Someone disabled
""")
    issues = issues_of(path)
    assert any("translated both 'Disabled member' and 'Someone disabled'" in i.message
               for i in issues)
    folder = tmp_path / "two"
    folder.mkdir()
    write(folder, ITEM + "    en:\n      category: Social assistance\n", "a.yaml")
    other = write(folder, ITEM.replace("id: dibao", "id: tekun") + """\
    en:
      category: Welfare
""", "other.yaml")
    issues = issues_of(folder)
    assert any(i.file == str(other) and i.item_id == "tekun"
               and "category '社会救助' is translated 'Welfare'" in i.message for i in issues)


@pytest.mark.parametrize(("text", "needle"), [
    (REFERRAL.replace("    office: 县公安局出入境管理大队\n", ""), "missing required field 'office'"),
    (REFERRAL.replace("    phone: 0000-0000（示例）\n", ""), "how to reach the office"),
    (REFERRAL.replace("example: true", "example: maybe"), "example must be true or false"),
    (REFERRAL.replace("id: passport", "id: Pass Port"), "must be lowercase letters"),
    (REFERRAL + "    hotline: 12345\n", "unknown field 'hotline' in referral"),
    (REFERRAL + "    en:\n      bring: [a, b]\n", "en bring has 2 entries"),
    (REFERRAL + "    en:\n      hours: 9-5\n", "en hours given but the referral has no hours"),
    (REFERRAL.replace("id: passport", "id: dibao"), "duplicate id"),
])
def test_referral_errors(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, ITEM + text)
    issues = issues_of(path)
    assert any(needle in i.message for i in issues), [str(i) for i in issues]
    assert all(i.line for i in issues if needle in i.message)


def test_center_english_is_validated_and_shown(tmp_path: Path) -> None:
    center = "center:\n  name: 某镇中心\n  hours: 周一至周五\n  en:\n    name: Some Town Center\n"
    kb = load_kb(write(tmp_path, center + ITEM))
    viewed = Localizer(kb, lambda locale: "(中文)").view("en", kb.center)
    assert viewed.name == "Some Town Center" and viewed.hours == "周一至周五 (中文)"
    issues = issues_of(write(tmp_path, center + "    motto: hi\n" + ITEM, "bad.yaml"))
    assert any(i.item_id == "center" and i.line == 6 and "unknown field 'motto' in en" in i.message
               for i in issues)


def test_kb_check_prints_referral_errors_one_per_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ITEM + REFERRAL.replace("    office: 县公安局出入境管理大队\n", ""))
    assert main(["check", "--kb", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path}:") and ": passport: missing required field 'office'" in lines[0]
    assert lines[-1] == "knowledge base invalid: 1 error(s)"


# -- English views ----------------------------------------------------------------------------

def test_english_view_falls_back_to_chinese_marked_and_never_marks_twice(tmp_path: Path) -> None:
    kb = load_kb(write(tmp_path, ITEM + "    en:\n      name: Minimum living allowance\n"))
    localizer = Localizer(kb, lambda locale: "(中文)")
    item = localizer.view("en", kb.get("dibao"))
    assert item.name == "Minimum living allowance"
    assert item.category == "社会救助 (中文)" and item.conditions == ("家庭人均收入低于低保标准 (中文)",)
    assert item.materials[1].when == "家庭成员有残疾 (中文)"
    assert item.situations == ("家庭成员有残疾 (中文)",)
    assert localizer.view("en", item) is item  # a view viewed again is itself
    assert localizer.view("en", [item, kb.get("dibao")]) == [item, item]
    assert localizer.view("zh", kb.get("dibao")) is kb.get("dibao")
    assert item.id == "dibao" and item.kind == "承诺件"  # what routing and ticks use is kept


# -- the matcher and kb eval ------------------------------------------------------------------

@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(shipped_kb())


@pytest.mark.parametrize(("question", "referral"), [
    ("我想办护照需要什么", "passport"), ("公积金怎么取", "provident-fund"),
    ("车辆年检在哪里", "vehicle-inspection"), ("驾照到期了怎么换", "driving-licence"),
    ("怎么结婚登记", "marriage-registration"), ("办公证", "notary"),
    ("孩子上小学报名", "school-enrolment"), ("复印病历", "medical-records"),
    ("how do I get a passport", "passport"), ("housing provident fund withdrawal", "provident-fund"),
])
def test_questions_for_other_offices_get_the_referral(matcher: Matcher, question: str,
                                                      referral: str) -> None:
    result = matcher.match(question)
    assert not result.confident  # no item of the center is claimed
    assert result.referral is not None and result.referral.referral.id == referral


@pytest.mark.parametrize("question", ["孩子刚出生要上户口带什么", "低保怎么申请", "身份证丢了怎么办",
                                      "今天天气怎么样", "你叫什么名字"])
def test_center_questions_and_small_talk_get_no_referral(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).referral is None


QUESTIONS = [json.loads(line)["q"] for line in
             Path("tests/data/kb_cases.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(QUESTIONS), st.text(max_size=12))
def test_a_referral_never_replaces_an_item_and_is_always_named(question: str, noise: str) -> None:
    """Whatever is asked: a referral comes only when no item is meant, and only when the
    question names it (one of its names, aliases or keywords, in any language)."""
    m = _MATCHER.get("m") or _MATCHER.setdefault("m", Matcher(shipped_kb()))
    for text in (question, question + noise, noise):
        result = m.match(text)
        if result.referral is not None:
            assert not result.confident
            assert m.referrals.named(result.referral.referral, text)


_MATCHER: dict[str, Matcher] = {}


def test_kb_eval_counts_referral_cases_and_keeps_the_summary_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = write(tmp_path, "\n".join(json.dumps(c, ensure_ascii=False) for c in [
        {"q": "我想办护照", "expect": "ref:passport"},        # right: the referral
        {"q": "公积金怎么取", "expect": "ref:passport"},      # wrong referral
        {"q": "低保怎么申请", "expect": "ref:provident-fund"},  # an item claimed: wrong
        {"q": "护照怎么办理", "expect": None},                # names the referral offered: right
        {"q": "今天天气怎么样", "expect": None},               # rejected: right
        {"q": "低保怎么申请", "expect": "dibao"},
    ]), "cases.jsonl")
    assert main(["eval", str(cases)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "referrals: 1/3 cases answered with the expected referral (counted in reject)" in out
    assert any("expect ref:passport | referral ref:provident-fund" in line for line in out)
    last = out[-1]
    assert last.startswith("top1=1.000 top3=1.000 reject=0.600 p95_ms=") and last.endswith(" cases=6")
    assert main(["eval", "--json", str(cases)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["referral_cases"] == 3 and report["referred"] == 1
    assert report["out_of_scope"] == 5 and report["in_scope"] == 1


def test_kb_ask_json_adds_the_referral_only_when_one_is_offered(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "我想办护照"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["confident"] is False and answer["referral"]["id"] == "ref:passport"
    assert answer["referral"]["office"] == "县公安局出入境管理大队"
    assert main(["ask", "--json", "低保怎么申请"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"query", "confident", "matches"}
