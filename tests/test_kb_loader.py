"""Knowledge-base loading and validation: every error names file, item id and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loader import KBError, KBIssue, default_kb_path, load_kb
from knowledge.model import KINDS, KINDS_NEEDING_TIME_LIMIT

GOOD_ITEM = """\
  - id: good-item
    name: 好的事项
    kind: 即办件
    time_limit_workdays: 0
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def issues_of(path: Path) -> list[KBIssue]:
    with pytest.raises(KBError) as caught:
        load_kb(path)
    return caught.value.issues


def only_issue(path: Path) -> KBIssue:
    issues = issues_of(path)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def test_shipped_kb_loads_and_every_item_is_valid() -> None:
    kb = load_kb()
    assert len(kb.items) >= 40
    assert load_kb(default_kb_path()).items == kb.items
    ids = [item.id for item in kb.items]
    assert len(ids) == len(set(ids))
    for item in kb.items:
        assert item.name and item.kind in KINDS
        if item.kind in KINDS_NEEDING_TIME_LIMIT:
            assert isinstance(item.time_limit_workdays, int) and item.time_limit_workdays >= 0
        assert all(m.name for m in item.materials)
        assert item.source.endswith(".yaml")


def test_full_example_of_the_format_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "kb.yaml", """\
center:
  name: 某某镇便民服务中心
  phone: 0731-0000000
items:
  - id: hukou-transfer
    name: 户口迁移
    aliases: [迁户口, 户籍迁移]
    keywords: [落户, 投靠]
    category: 户籍
    window: 3
    kind: 承诺件
    time_limit_workdays: 5
    basis: [《中华人民共和国户口登记条例》]
    conditions: [本人或直系亲属申请]
    materials:
      - name: 居民户口簿
        form: 原件
        copies: 1
        when: 夫妻投靠落户
    steps: [窗口提交材料, 审核]
    faq:
      - q: 可以委托他人办理吗
        a: 可以
    appointment: false
""")
    kb = load_kb(path)
    item = kb.get("hukou-transfer")
    assert kb.center is not None and kb.center.name == "某某镇便民服务中心"
    assert item is not None and item.window == "3" and item.fee == "免费"
    assert item.materials[0].copies == 1 and item.situations == ("夫妻投靠落户",)
    assert item.appointment is False and item.faq[0].q == "可以委托他人办理吗"


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "items:\n  - id: a\n    name: [unclosed\n    kind: 咨询\n")
    issue = only_issue(path)
    assert issue.file == str(path) and issue.line is not None
    assert "YAML syntax error" in issue.message
    assert str(issue).startswith(f"{path}:{issue.line}: ")


@pytest.mark.parametrize(
    ("item_text", "line", "needle"),
    [
        ("    colour: red\n", 5, "unknown field 'colour'"),
        ("    materials:\n      - name: 身份证\n        colour: red\n", 7, "unknown field 'colour'"),
        ("    faq:\n      - q: 问\n        a: 答\n        extra: 1\n", 8, "unknown field 'extra'"),
        ("    materials:\n      - name: 身份证\n        form: 扫描件\n", 7, "form"),
        ("    materials:\n      - name: 身份证\n        copies: 0\n", 7, "copies"),
        ("    materials:\n      - name: 身份证\n        copies: two\n", 7, "copies"),
        ("    materials:\n      - form: 原件\n", 6, "missing required field 'name'"),
        ("    faq:\n      - q: 只有问题\n", 6, "missing required field 'a'"),
        ("    aliases: 迁户口\n", 5, "aliases must be a list"),
        ("    aliases: [[a, b]]\n", 5, "aliases entry must be a string"),
        ("    appointment: maybe\n", 5, "appointment"),
        ("    materials: 身份证\n", 5, "materials must be a list"),
    ],
)
def test_item_field_errors_name_file_item_and_line(
    tmp_path: Path, item_text: str, line: int, needle: str
) -> None:
    text = "items:\n  - id: some-item\n    name: 某事项\n    kind: 即办件\n" + item_text
    path = write(tmp_path, "kb.yaml", text)
    issue = only_issue(path)
    assert (issue.file, issue.item_id, issue.line) == (str(path), "some-item", line)
    assert needle in issue.message


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ("    name: 缺类型\n", "missing required field 'kind'"),
        ("    kind: 即办件\n", "missing required field 'name'"),
        ("    name: 类型错\n    kind: 急件\n", "kind '急件'"),
        ("    name: 无时限\n    kind: 承诺件\n", "time_limit_workdays is required for kind 承诺件"),
        ("    name: 负时限\n    kind: 上报件\n    time_limit_workdays: -1\n", "must not be negative"),
        ("    name: 小数\n    kind: 联办件\n    time_limit_workdays: 2.5\n", "whole number"),
        ("    name: 文字\n    kind: 承诺件\n    time_limit_workdays: 五天\n", "whole number"),
    ],
)
def test_item_level_errors(tmp_path: Path, fields: str, needle: str) -> None:
    path = write(tmp_path, "kb.yaml", "items:\n  - id: some-item\n" + fields)
    issue = only_issue(path)
    assert issue.item_id == "some-item" and issue.line is not None
    assert needle in issue.message


def test_bad_id_and_missing_id(tmp_path: Path) -> None:
    path = write(tmp_path, "kb.yaml", """\
items:
  - id: Bad_ID
    name: 坏编号
    kind: 咨询
  - name: 没编号
    kind: 咨询
""")
    issues = issues_of(path)
    assert [(i.item_id, i.line) for i in issues] == [("Bad_ID", 2), ("items[1]", 5)]
    assert "[a-z0-9-]+" in issues[0].message and "'id'" in issues[1].message


def test_unknown_top_level_and_center_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "kb.yaml", "center:\n  name: 中心\n  fax: 123\nitem:\n  - id: x\n")
    issues = issues_of(path)
    assert [(i.item_id, i.line) for i in issues] == [("center", 3), ("-", 4)]
    assert "unknown field 'fax'" in issues[0].message
    assert "unknown field 'item'" in issues[1].message


def test_all_errors_reported_not_just_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, "kb.yaml", """\
items:
  - id: one
    name: 一
    kind: 承诺件
  - id: two
    name: 二
    kind: 即办件
    typo_field: 1
    materials:
      - name: 身份证
        copies: -2
""")
    issues = issues_of(path)
    assert {(i.item_id, i.line) for i in issues} == {("one", 4), ("two", 8), ("two", 11)}


def test_directory_merges_files_and_reports_duplicates_with_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "center:\n  name: 甲中心\nitems:\n" + GOOD_ITEM)
    write(tmp_path, "b.yaml", "items:\n  - id: other\n    name: 其他\n    kind: 咨询\n" + GOOD_ITEM)
    write(tmp_path, "c.yaml", "center:\n  name: 乙中心\n")
    write(tmp_path, "notes.txt", "not yaml: [")
    issues = issues_of(tmp_path)
    by_message = {i.message.split(" (")[0]: i for i in issues}
    duplicate = by_message["duplicate id"]
    assert duplicate.file.endswith("b.yaml") and duplicate.item_id == "good-item"
    assert duplicate.line == 5 and "a.yaml:4" in duplicate.message
    center = by_message["center defined more than once"]
    assert center.file.endswith("c.yaml") and "a.yaml:1" in center.message


def test_directory_without_yaml_and_missing_path(tmp_path: Path) -> None:
    assert "no *.yaml files" in only_issue(tmp_path).message
    assert "no such file" in only_issue(tmp_path / "nope.yaml").message


def test_valid_directory_loads_in_file_order(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "items:\n  - id: second\n    name: 二\n    kind: 咨询\n")
    write(tmp_path, "a.yaml", "items:\n" + GOOD_ITEM)
    write(tmp_path, "empty.yaml", "")
    kb = load_kb(tmp_path)
    assert [i.id for i in kb.items] == ["good-item", "second"]
    assert kb.center is None


def test_error_line_format(tmp_path: Path) -> None:
    path = write(tmp_path, "kb.yaml", "items:\n  - id: x\n    name: 某\n    kind: 急件\n")
    expected = f"{path}:4: x: kind '急件' must be one of 即办件 | 承诺件 | 上报件 | 联办件 | 咨询"
    assert str(only_issue(path)) == expected
