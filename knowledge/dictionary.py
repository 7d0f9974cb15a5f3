"""General Chinese vocabulary: the dictionary of the jieba segmenter, used as a dependency.

The matcher segments the everyday words residents write around their need (车祸, 积蓄,
挖掘机) with these words instead of cutting them into meaningless pieces, and uses a
word's frequency rank as a background measure of how telling it is (时候 says little,
护照 a lot). It takes jieba's most frequent words of two to four characters, in
jieba's frequency order.

Reading jieba's 5 MB dictionary takes a third of a second, so the ranks are kept in the
matcher's cache (knowledge/cache.py, like jieba's own cache), rebuilt whenever the
installed dictionary or the selection below changes.
"""

from __future__ import annotations

import heapq
from functools import lru_cache
from pathlib import Path

from knowledge.cache import cached, package_file

GENERAL_WORDS = 50_000  # how many of jieba's words the matcher knows (most frequent first)
MIN_CHARS, MAX_CHARS = 2, 4  # single characters and long set phrases are not everyday words


def dictionary_file() -> Path:
    """jieba's main dictionary: one `word frequency tag` line per word. Found without
    importing jieba, whose import loads its HMM tables (80 ms) the matcher does not use."""
    return package_file("jieba").parent / "dict.txt"


@lru_cache(maxsize=1)
def word_ranks() -> dict[str, int]:
    """Word → frequency rank (0 is the most frequent)."""
    selection = f"word→rank|{GENERAL_WORDS}|{MIN_CHARS}|{MAX_CHARS}"  # what is cached, of what
    source = dictionary_file()
    return cached("general-words", [source], selection, lambda: _ranks(source))


def _ranks(source: Path) -> dict[str, int]:
    return {word: rank for rank, word in enumerate(_read_dictionary(source))}


def _read_dictionary(source: Path) -> list[str]:
    parts = source.read_text(encoding="utf-8").split()
    words, counts = parts[0::3], parts[1::3]
    candidates = [(int(count), -position)
                  for position, (word, count) in enumerate(zip(words, counts, strict=True))
                  if MIN_CHARS <= len(word) <= MAX_CHARS]
    # Most frequent first; on equal frequency, the dictionary's own order.
    return [words[-position] for _, position in heapq.nlargest(GENERAL_WORDS, candidates)]
