"""Ages in a question: 68岁, 八十多岁, "my dad is 68" — how old says who is asking.

An age becomes the everyday word for its age group (a key of the synonym table), so
"68岁" reads like 老年 and "八十岁" like 八十多 (高龄).

Chinese numerals are read here rather than by cn2an: an age needs numbers up to about
120 only, residents write ranges cn2an refuses or misreads (两三岁 → 23, 七八十岁), and
importing cn2an builds all its converters (80 ms), more than the matcher's whole index
build. The tests check this reader against cn2an for every age.
"""

from __future__ import annotations

import re

from knowledge.normalize import is_latin

CHILD_AGES = ("宝宝", "未成年")  # age words of children: the child is already the subject
# 八十岁, 七十多岁, 十几周岁: a Chinese numeral, maybe "more" (多/几), then 岁.
HAN_AGE = re.compile(r"([零一二两三四五六七八九十百]+)(多|几)?周?岁")
_ENGLISH_AGE_BEFORE = frozenset(("is", "aged", "age", "turned", "turning", "turn", "am", "reached",
                                 "reaching", "over", "past"))
_ENGLISH_AGE_AFTER = frozenset(("year", "years", "yrs", "yo"))
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}
OLDEST_AGE_ALONE = range(60, 111)  # a bare number in English read as an age ("pension 60")


def english_age(number: str, before: list[str], after: str) -> bool:
    """In English, is this number an age? "is 68", "aged 82", "68 years old", "pension 60"."""
    if before and before[0] in _ENGLISH_AGE_BEFORE:
        return True
    if after in _ENGLISH_AGE_AFTER or (not after and before):
        return True
    return number.isdigit() and int(number) in OLDEST_AGE_ALONE and bool(before or is_latin(after))


def han_number(text: str, more: bool) -> int:
    """八十 → 80, 六十五 → 65, 十 → 10, 一百零五 → 105; 七十多 (more) → 75, 十几 → 15. In a
    range the later digit wins, so a range reads as its upper end: 七八十 → 80, 两三 → 3."""
    value = digit = 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            value += (digit or 1) * _UNITS[char]
            digit = 0
    value += digit
    return value + (5 if more and value % 10 == 0 else 0)


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
