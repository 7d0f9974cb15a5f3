"""The matcher's lexicon (knowledge/lexicon/*.yaml): one format, one loader, checked by
`servicebot kb check`; the general dictionary from jieba; English forms; Chinese ages."""

from __future__ import annotations

import shutil
from pathlib import Path

import cn2an
import pytest

from knowledge import dictionary
from knowledge.ages import han_number
from knowledge.cli import main
from knowledge.english import lemma
from knowledge.lexicon import LEXICON_DIR, lexicon, read_lexicon
from knowledge.loader import load_kb
from knowledge.matcher import Matcher


def broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """The shipped lexicon with one edit in one file."""
    folder = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def line_of(folder: Path, file: str, needle: str) -> int:
    lines = (folder / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_shipped_lexicon_is_valid_and_kb_check_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert read_lexicon()[1] == []
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_kb_check_reports_lexicon_problems_with_file_and_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = broken_copy(tmp_path, "synonyms.yaml", "  - say: [照顾, 照看, 看护, 伺候, 照料]\n",
                         "  - say: [照顾, 照看, 照看]\n    means: [照料, care]\n"
                         "  - say: []\n    means: [护理]\n"
                         "  - say: [孩子]\n    meaning: [子女]\n")
    monkeypatch.setattr("knowledge.lexicon.LEXICON_DIR", folder)
    assert main(["check"]) == 1
    out = capsys.readouterr().out.splitlines()
    where = f"{folder / 'synonyms.yaml'}:{line_of(folder, 'synonyms.yaml', '[照顾, 照看, 照看]')}"
    assert f"{where}: synonyms: '照看' is listed twice in one group" in out
    assert any(line.startswith(f"{where}: synonyms: unknown target 'care'") for line in out)
    empty = line_of(folder, "synonyms.yaml", "say: []")
    assert any(line.startswith(f"{folder / 'synonyms.yaml'}:{empty}: synonyms: empty group") for line in out)
    field = line_of(folder, "synonyms.yaml", "meaning: [子女]")
    assert any(line.startswith(f"{folder / 'synonyms.yaml'}:{field}: synonyms: unknown field 'meaning'")
               for line in out)
    assert out[-1] == f"lexicon invalid: {len(out) - 1} error(s)"
    assert not any(line.startswith("OK") for line in out)


def test_a_group_that_adds_nothing_and_a_number_are_reported(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "offtopic.yaml", "off_topic: [", 'off_topic: [12306, 天气, ')
    shutil.copy(folder / "synonyms.yaml", folder / "synonyms_more.yaml")
    text = (folder / "synonyms_more.yaml").read_text(encoding="utf-8")
    (folder / "synonyms_more.yaml").write_text(
        text[: text.index("  - say:", text.index("synonyms:"))].replace("synonyms:", "synonyms:")
        + "  - say: [小孩]\n    means: [儿童]\n", encoding="utf-8")
    messages = [str(i) for i in read_lexicon(folder)[1]]
    assert any(m.startswith(f"{folder / 'offtopic.yaml'}:") and "12306" in m and "not text" in m
               for m in messages)
    assert any(m.startswith(f"{folder / 'offtopic.yaml'}:") and "'天气' is listed twice" in m
               for m in messages)
    assert any(m.startswith(f"{folder / 'synonyms_more.yaml'}:") and "'小孩' already means all" in m
               for m in messages)


def test_a_synonym_added_in_the_yaml_reaches_the_matcher(tmp_path: Path) -> None:
    """A maintainer's new group is read by the one loader into the matcher's table."""
    folder = broken_copy(tmp_path, "synonyms.yaml", "synonyms:\n",
                         "synonyms:\n  - say: [崽崽]\n    means: [子女, 新生儿]\n")
    tables, issues = read_lexicon(folder)
    assert issues == []
    assert tables.colloquial["崽崽"] == ("子女", "新生儿")
    assert "崽崽" not in lexicon().colloquial  # the shipped tables are untouched


def test_general_words_are_jiebas_most_frequent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ranks = dictionary.word_ranks.__wrapped__  # without the in-process memo
    fresh = ranks()
    assert len(fresh) == dictionary.GENERAL_WORDS
    assert sorted(fresh, key=fresh.get)[:3] == ["一个", "中国", "我们"]  # jieba's frequency order
    assert all(2 <= len(w) <= 4 for w in fresh)
    (cache,) = (tmp_path / "servicebot").iterdir()
    assert ranks() == fresh  # read back from the cache
    cache.write_bytes(b"damaged")
    assert ranks() == fresh  # rebuilt, not trusted


def test_english_word_forms_come_from_the_lemmatizer() -> None:
    assert lemma("took") == "take"  # irregular forms the suffix list never knew
    assert lemma("lives") == "life"
    assert lemma("card") == "card"  # not "car"


def test_an_irregular_english_form_is_read_as_the_tables_phrase() -> None:
    reading = Matcher(load_kb()).analyzer.read("we bought a house")
    assert [c.surface for c in reading.concepts] == ["buy a house"]  # not bought + house
    assert "买房" in reading.concepts[0].spelled


def test_every_chinese_numeral_of_an_age_reads_as_cn2an_reads_it() -> None:
    for age in range(1, 121):  # all of them: the guarantee is about every age
        assert han_number(cn2an.an2cn(age), False) == cn2an.cn2an(cn2an.an2cn(age), "smart")
        for more in (False, True):  # 七十多 is about 75
            expected = age + (5 if more and age % 10 == 0 else 0)
            assert han_number(cn2an.an2cn(age), more) == expected, (age, more)


def test_age_ranges_read_their_upper_end() -> None:
    assert han_number("七八十", False) == 80
    assert han_number("两三", False) == 3
    assert han_number("十七八", False) == 18
    assert han_number("百", False) == 100


def test_an_age_in_chinese_numerals_reads_as_its_age_group() -> None:
    reading = Matcher(load_kb()).analyzer.read("我爸一百零五岁了有什么补贴")
    assert "八十多" in [c.surface for c in reading.concepts]  # 105: the oldest group, not 五岁
