"""Ages in a question: 68岁, 八十多岁, "my dad is 68" — how old says who is asking.

An age becomes the everyday word for its age group (a key of the synonym table), so
"68岁" reads like 老年 and "八十岁" like 八十多 (高龄). Chinese numerals are read by
cn2an.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.normalize import is_latin

CHILD_AGES = ("宝宝", "未成年")  # age words of children: the child is already the subject
# 八十岁, 七十多岁, 十几周岁: a Chinese numeral, maybe "more" (多/几), then 岁.
HAN_AGE = re.compile(r"([一二两三四五六七八九十百]+)(多|几)?周?岁")
_ENGLISH_AGE_BEFORE = frozenset(("is", "aged", "age", "turned", "turning", "turn", "am", "reached",
                                 "reaching", "over", "past"))
_ENGLISH_AGE_AFTER = frozenset(("year", "years", "yrs", "yo"))
# 两三岁, 七八十岁, 十七八岁: a range of two neighbouring digits; its upper end is read.
_RANGE = re.compile(r"[一二两三四五六七八](?=[二三四五六七八九])")
_DIGITS = "一二三四五六七八九"
OLDEST_AGE_ALONE = range(60, 111)  # a bare number in English read as an age ("pension 60")


def english_age(number: str, before: list[str], after: str) -> bool:
    """In English, is this number an age? "is 68", "aged 82", "68 years old", "pension 60"."""
    if before and before[0] in _ENGLISH_AGE_BEFORE:
        return True
    if after in _ENGLISH_AGE_AFTER or (not after and before):
        return True
    return number.isdigit() and int(number) in OLDEST_AGE_ALONE and bool(before or is_latin(after))


def han_number(text: str, more: bool) -> int | None:
    """八十 → 80, 六十五 → 65, 十 → 10, 百 → 100; 七十多 (more) → 75, 十几 → 15;
    七八十 → 80, 两三 → 3."""
    text = _RANGE.sub(lambda m: "" if _neighbours(m.group(), text[m.end()]) else m.group(), text)
    try:
        value = int(_cn2an()("一" + text if text.startswith("百") else text, "smart"))
    except (ValueError, KeyError, IndexError):  # cn2an's ways of refusing a string
        return None  # not a numeral after all (三五, 二两)
    return value + (5 if more and value % 10 == 0 else 0)


def _neighbours(first: str, second: str) -> bool:
    return _DIGITS.find(first.replace("两", "二")) + 1 == _DIGITS.find(second)


def age_word(number: str) -> str | None:
    """An age as the everyday word for that age group (a key of the synonym table)."""
    try:
        age = float(number)
    except ValueError:
        return None
    if 80 <= age <= 120:
        return "八十多"
    if 65 <= age < 80:
        return "老年"
    if 60 <= age < 65:
        return "六十岁"  # the age pensions start and senior cards begin
    if 0 <= age < 3:
        return "宝宝"
    if 3 <= age < 18:
        return "未成年"
    return None


@lru_cache(maxsize=1)
def _cn2an():
    """cn2an's converter, imported on the first age written in Chinese numerals: its
    import builds all its converters (80 ms), which start-up need not pay."""
    from cn2an import cn2an

    return cn2an
