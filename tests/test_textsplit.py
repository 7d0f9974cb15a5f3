"""Splitting long Telegram-HTML messages: clean breaks, tags balanced in every chunk."""

from __future__ import annotations

import re

import pytest

from bot.textsplit import plain_text, split_message, visible_length

_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")


def balanced(chunk: str) -> bool:
    stack: list[str] = []
    for closing, name in _TAG.findall(chunk):
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def test_short_text_is_unchanged():
    assert split_message("<b>你好</b> &amp; 再见") == ["<b>你好</b> &amp; 再见"]
    assert split_message("") == []


def test_visible_length_counts_text_not_tags_and_entities_as_one():
    assert visible_length('<a href="https://example.org/x">链接</a> &lt;b&gt;') == 2 + 1 + 3
    assert visible_length("👍") == 2  # Telegram counts UTF-16 code units


def test_splits_at_paragraph_breaks_first():
    paras = [f"第{i}段。" + "办" * 30 for i in range(10)]
    text = "\n\n".join(paras)
    chunks = split_message(text, limit=100)
    assert all(visible_length(c) <= 100 for c in chunks)
    # every chunk is made of whole paragraphs
    for c in chunks:
        for part in c.split("\n\n"):
            assert part in paras
    assert "\n\n".join(chunks) == text


def test_falls_back_to_lines_then_spaces_then_anywhere():
    lines = "\n".join("行" * 30 for _ in range(8))
    assert all(c.split("\n") and all(len(x) == 30 for x in c.split("\n"))
               for c in split_message(lines, limit=70))
    words = " ".join(["word"] * 50)
    chunks = split_message(words, limit=42)
    assert all(visible_length(c) <= 42 for c in chunks)
    assert all(not c.startswith(" ") and not c.endswith(" ") for c in chunks)
    assert " ".join(chunks) == words
    solid = "字" * 250
    chunks = split_message(solid, limit=100)
    assert [len(c) for c in chunks] == [100, 100, 50]


def test_tags_open_across_a_cut_are_closed_and_reopened():
    text = '<b>粗体开始 ' + "很长的内容 " * 40 + '<a href="https://x.org/?a=1&amp;b=2">链接' \
           + "文字" * 40 + "</a> 结束</b>"
    chunks = split_message(text, limit=60)
    assert len(chunks) > 3
    for c in chunks:
        assert balanced(c), c
        assert visible_length(c) <= 60
        assert c.startswith("<b>")
    assert any('<a href="https://x.org/?a=1&amp;b=2">' in c for c in chunks[1:])
    joined = "".join(plain_text(c) for c in chunks).replace(" ", "")
    assert joined == plain_text(text).replace(" ", "")


def test_never_cuts_inside_an_entity_or_tag():
    text = ("&amp;" * 30) + "<i>" + ("&lt;" * 30) + "</i>"
    for limit in (7, 13, 29):
        chunks = split_message(text, limit=limit)
        for c in chunks:
            assert balanced(c)
            assert re.sub(r"&(amp|lt);|<[^>]+>", "", c) == "", c
            assert visible_length(c) <= limit
        assert "".join(plain_text(c) for c in chunks) == plain_text(text)


def test_no_empty_tag_pairs_or_blank_chunks():
    text = "a" * 10 + "\n\n" + "<b>" + "b" * 10 + "</b>"
    chunks = split_message(text, limit=12)
    assert chunks == ["a" * 10, "<b>" + "b" * 10 + "</b>"]


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_tiny_limits_terminate(limit):
    chunks = split_message("👍ab👍", limit=limit)
    assert "".join(chunks) == "👍ab👍"


def test_telegram_size_message():
    text = "\n".join(f"{i}. <b>材料</b> 原件及复印件 &amp; 说明" * 3 for i in range(400))
    chunks = split_message(text)
    assert len(chunks) >= 2
    assert all(visible_length(c) <= 4096 and balanced(c) for c in chunks)
    assert "\n".join(chunks) == text
