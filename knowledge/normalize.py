"""Text normalisation shared by the knowledge-base index and residents' questions.

Both sides go through the same steps so that they meet: Unicode NFKC (full-width
letters and digits become ASCII), traditional → simplified Chinese (OpenCC t2s),
lower case, and control characters, emoji and punctuation reduced to spaces.
`split_runs` then cuts the result into runs of Han characters, Latin letters and
digits, the three scripts residents mix in one message.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_HAN}]+|[a-z]+|[0-9]+(?:\.[0-9]+)?")
_IS_HAN = re.compile(rf"[{_HAN}]")

# Longest input we look at: a rambling message states its need early, and capping
# keeps one pathological 10,000-character message from costing more than a normal one.
MAX_QUERY_CHARS = 400


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def clean_text(text: str, limit: int | None = None) -> str:
    """NFKC, simplified Chinese, lower case; anything that is not a letter or digit → space."""
    if limit is not None:
        text = text[:limit]
    text = unicodedata.normalize("NFKC", text)
    if _IS_HAN.search(text):
        text = _t2s().convert(text)
    text = text.lower()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        # Letters (L*) and digits (Nd) carry meaning; emoji (So), punctuation (P*),
        # controls (Cc/Cf) and spacing marks do not.
        kept.append(char if category[0] == "L" or category == "Nd" else " ")
    return "".join(kept)


def split_runs(text: str) -> list[str]:
    """Cut cleaned text into runs of one script: Han characters, Latin letters, digits."""
    return _RUN.findall(text)


def is_han(run: str) -> bool:
    return bool(run) and bool(_IS_HAN.match(run[0]))


def is_latin(run: str) -> bool:
    return bool(run) and "a" <= run[0] <= "z"


def char_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams; a single character stands for itself."""
    if len(text) < 2:
        return [text] if text else []
    return [text[i : i + 2] for i in range(len(text) - 1)]
