"""Clauses of a question: which ask, and which only tell the story.

A long message (LONG_MESSAGE_CHARS letters or more, several clauses) is read clause by
clause: the clauses that ask — a question mark, a question word, an ask (怎么, 能不能,
去哪, what, how …) — weigh in full, the others (NARRATIVE_CLAUSE) tell the story. When
the asking clause names nothing (要带什么东西), the clause before it carries the need.
"""

from __future__ import annotations

import re

from knowledge.lexicon import lexicon
from knowledge.normalize import is_han, split_runs
from knowledge.segment import STOP, Token
from knowledge.tunables import LATIN_WORD_LETTERS

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Clause breaks: punctuation, line breaks, and spaces between Chinese characters.
CLAUSE_BREAK = re.compile(rf"[，。！？；：、,!?;:\n\r\t…~～]+|\.(?:\s|$)+|(?<=[{_HAN}])\s+(?=[{_HAN}])")

# A clause as read: its cleaned text, its tokens, and whether it asks.
Clause = tuple[str, list[Token], bool]


def asks(text: str, raw: str) -> bool:
    """Does this clause carry the request (a question word, a question mark, an ask)?"""
    if "?" in raw or "？" in raw:
        return True
    tables = lexicon()
    if any(marker in text for marker in tables.request_markers):
        return True
    return any(w in tables.english_question_words for w in text.split())


def promote_needs(clauses: list[Clause]) -> list[Clause]:
    """When no asking clause names anything (要带什么东西, 去哪里办, what do I need), the
    need is the clause just before it (…想把户口落到这里，要准备哪些材料): that one asks too."""
    if any(asking and _has_content(tokens) for _, tokens, asking in clauses):
        return clauses
    promoted = list(clauses)
    for i, (_, _, asking) in enumerate(clauses):
        if not asking:
            continue
        for j in range(i - 1, -1, -1):
            text, before, _ = promoted[j]
            if _has_content(before):
                promoted[j] = (text, before, True)
                break
    return promoted


def letters(text: str) -> float:
    """Length of a clause in Chinese characters; an English word counts as one and a half
    (a two-clause English question of a dozen words is not yet a rambling message)."""
    return sum(len(r) if is_han(r) else LATIN_WORD_LETTERS for r in split_runs(text)
               if not r[0].isdigit())


def _has_content(tokens: list[Token]) -> bool:
    """Does a clause say what it is about (beyond how, where and when)?"""
    tables = lexicon()
    return any(t.kind != STOP and t.text not in tables.ask_words
               and t.text not in tables.english_asks for t in tokens)
