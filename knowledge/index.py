"""The search index over a knowledge base, built once per loaded knowledge base.

Every item is cut into features — character bigrams (and single characters), pinyin
syllable bigrams, Latin words — each remembered with the weight of the most telling
field it occurs in (the name says more than an FAQ answer). Inverted postings map a
feature to the items that have it; an IDF over items says how specific it is.

The index also collects the knowledge base's own vocabulary — names, aliases,
keywords and their pieces — which the question analyser uses as its dictionary, so
no general-purpose segmenter (and its one-second dictionary load) is needed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from knowledge.dictionary import word_ranks
from knowledge.lexicon import lexicon
from knowledge.model import Item, KnowledgeBase
from knowledge.normalize import char_bigrams, clean_text, is_han, is_latin, split_runs
from knowledge.pinyin import han_syllables

# How much an occurrence in each field says about the item being meant.
NAME_WEIGHT = 1.0
FIELD_WEIGHTS = {
    "aliases": 1.0,
    "keywords": 0.9,
    "category": 0.55,
    "faq_q": 0.55,
    "conditions": 0.45,
    "materials": 0.4,
    "department": 0.35,
    "steps": 0.3,
    "faq_a": 0.3,
    "fee": 0.2,
    "basis": 0.2,
}
NAMING_FIELD = 0.9  # name, aliases, keywords: the fields that say what an item is
NAMING_IDF_SHARE = 0.8  # how much of its naming IDF a word keeps when it is everywhere else
# Fields whose sound is indexed too, for homophone typos and pinyin input. Long prose
# fields are left out: typos in questions aim at what an item is called.
PINYIN_FIELDS = ("name", "aliases", "keywords", "category", "faq_q")
# Vocabulary pieces: substrings of names/aliases/keywords up to this length.
MAX_PIECE = 4
MAX_PHRASE = 12

UNIGRAM = "#"  # feature prefix: one Han character
PINYIN = "~"  # feature prefix: a pinyin syllable bigram
LATIN = "@"  # feature prefix: a Latin word


def pinyin_bigrams(syllables: Iterable[str]) -> list[str]:
    return [f"{PINYIN}{a} {b}" for a, b in pairwise(syllables) if a != "?" and b != "?"]


@lru_cache(maxsize=65536)
def text_features(text: str) -> tuple[str, ...]:
    """Character features of already-cleaned text: Han bigrams (or the lone char), Latin words."""
    features: list[str] = []
    for run in split_runs(text):
        if is_han(run):
            features.extend(char_bigrams(run) if len(run) > 1 else [UNIGRAM + run])
        elif is_latin(run):
            features.append(LATIN + run)
    return tuple(features)


def _han_unigrams(text: str) -> list[str]:
    return [UNIGRAM + ch for run in split_runs(text) if is_han(run) for ch in run]


def _sound_features(text: str) -> list[str]:
    return [f for run in split_runs(text) if is_han(run) for f in pinyin_bigrams(han_syllables(run))]


def item_fields(item: Item) -> dict[str, list[str]]:
    """The searchable text of an item, by field, cleaned."""
    raw = {
        "name": [item.name],
        "aliases": list(item.aliases),
        "keywords": list(item.keywords),
        "category": [item.category or ""],
        "department": [item.department or ""],
        "conditions": list(item.conditions),
        "materials": [t for m in item.materials for t in (m.name, m.when or "", m.note or "")],
        "steps": list(item.steps),
        "faq_q": [f.q for f in item.faq],
        "faq_a": [f.a for f in item.faq],
        "fee": [item.fee or ""],
        "basis": list(item.basis),
    }
    return {field: [c for t in texts if (c := clean_text(t).strip())] for field, texts in raw.items()}


class ItemIndex:
    """Inverted index and vocabulary of one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.items: tuple[Item, ...] = kb.items
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        # Whole names/aliases/keywords (2) and their pieces (1): the analyser's dictionary.
        self.vocabulary: dict[str, int] = {}
        self.vocabulary_sounds: dict[str, tuple[str, ...]] = {}  # word -> its syllables
        self.names: list[list[str]] = []  # cleaned name + aliases, per item
        for index, item in enumerate(self.items):
            self._add_item(index, item)
        self.postings = dict(self.postings)
        n = max(len(self.items), 1)
        # Document frequency weighted by field: a word that *names* one item and is only
        # mentioned in passing by others (低保 in many conditions) stays specific.
        self.idf = {f: _idf(n, sum(p.values())) for f, p in self.postings.items()}
        # A word that names an item (身份证) stays telling even when many items list it
        # among their materials: its IDF over the naming fields bounds it from below.
        for f, p in self.postings.items():
            naming = sum(w for w in p.values() if w >= NAMING_FIELD)
            if naming:
                self.idf[f] = max(self.idf[f], NAMING_IDF_SHARE * _idf(n, naming))
        self.idf_unknown = _idf(n, 0)
        self.max_word = max((len(w) for w in self.vocabulary), default=2)

    def _add_item(self, index: int, item: Item) -> None:
        fields = item_fields(item)
        best: dict[str, float] = {}
        for field, texts in fields.items():
            weight = NAME_WEIGHT if field == "name" else FIELD_WEIGHTS[field]
            for text in texts:
                features = list(text_features(text))
                # Single characters count at half weight: they are weak, ambiguous evidence.
                features += [(u, 0.5) for u in _han_unigrams(text)]
                if field in PINYIN_FIELDS:
                    features += _sound_features(text)
                for feature in features:
                    f, w = feature if isinstance(feature, tuple) else (feature, 1.0)
                    if w * weight > best.get(f, 0.0):
                        best[f] = w * weight
        for feature, weight in best.items():
            self.postings[feature][index] = weight
        self.names.append(fields["name"] + fields["aliases"])
        for field in ("name", "aliases", "keywords", "category"):
            for phrase in fields[field]:
                for run in split_runs(phrase):
                    if is_han(run):
                        self._add_vocabulary(run)

    def _add_vocabulary(self, run: str) -> None:
        # One pinyin conversion per phrase (in context, so 银行 is yin hang); pieces slice it.
        syllables = tuple(han_syllables(run))
        stopwords = lexicon().stopwords
        if 2 <= len(run) <= MAX_PHRASE:
            self.vocabulary[run] = 2
            self.vocabulary_sounds[run] = syllables
        for size in range(2, min(MAX_PIECE, len(run) - 1) + 1):
            for start in range(len(run) - size + 1):
                piece = run[start : start + size]
                if all(ch in stopwords for ch in piece) and piece not in word_ranks():
                    continue  # 在这 of 住在这个小区 is no word of the KB's (回来 is a word)
                self.vocabulary.setdefault(piece, 1)
                self.vocabulary_sounds.setdefault(piece, syllables[start : start + size])

    def df(self, feature: str) -> int:
        return len(self.postings.get(feature, ()))

    def feature_idf(self, feature: str) -> float:
        return self.idf.get(feature, self.idf_unknown)


def _idf(n: int, df: float) -> float:
    """BM25's IDF, kept positive."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))
