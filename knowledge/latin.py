"""Latin letters in a question: English words and phrases, else pinyin or its initials.

English is read phrase by phrase against the lexicon's English table (longest phrase
first, as said, as lemmas, or with each word in its base form). A word that is not
English is pinyin when it splits into syllables — full (hukou qianyi), turned back into
the dictionary words with that sound — or, without vowels, pinyin initials (sfz →
身份证). In an English sentence a word is only taken as pinyin when its sound spells
known words (hukou, dibao): "buying" or "change" also split into syllables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from knowledge import pinyin
from knowledge.cache import cached, package_file
from knowledge.english import base_form, lemma, word_forms
from knowledge.index import ItemIndex, text_features
from knowledge.lexicon import lexicon, table_files
from knowledge.normalize import is_han
from knowledge.pinyin import han_syllables, latin_syllables
from knowledge.segment import ENGLISH, LATIN, SOUND, WORD, Segmenter, Token
from knowledge.tunables import (
    INITIALS_CHOICES,
    INITIALS_FACTOR,
    MAX_ENGLISH_PHRASE,
    MAX_INITIALS,
    MAX_PINYIN_WORD,
    PINYIN_INPUT_FACTOR,
)

_VOWELS = frozenset("aeiouv")


class LatinReader:
    """Reads runs of Latin words with the vocabulary of one index."""

    def __init__(self, index: ItemIndex, segmenter: Segmenter, off_topic: dict[str, bool]) -> None:
        self.lexicon = lexicon()
        self.index = index
        self.segmenter = segmenter
        self.off_topic = off_topic
        self._english_meant: dict[str, bool] = {}  # English phrase -> this KB can read it
        self._by_words: dict[str, bool] = {}  # English phrase -> read word by word instead
        self._sound_dictionary = self._sounds()  # built now, so no question pays for it
        self._initials = self._initial_words()
        word_forms()  # likewise (from the cache, or built once after an install)

    def read(self, words: list[str]) -> list[Token]:
        """English phrases first; other words are pinyin when they split into syllables."""
        english_table, stopwords = self.lexicon.english, self.lexicon.english_stopwords
        lemmas = [lemma(w) for w in words]
        bases = [base_form(w) for w in words]
        english = any(w in stopwords or w in english_table for w in (*words, *lemmas))
        tokens: list[Token] = []
        syllables: list[str] = []
        i = 0
        while i < len(words):
            phrase, size = self._phrase_at(words, lemmas, bases, i)
            word = words[i]
            sounds = latin_syllables(word) if not phrase and word not in stopwords else None
            if sounds and english and not self._is_word_sound(sounds):
                sounds = None
            if sounds:
                syllables += sounds
                i += 1
                continue
            if syllables:
                tokens += self.from_sound(syllables)
                syllables = []
            if phrase:
                tokens.append(Token(phrase, ENGLISH))
            elif word not in stopwords and not word[0].isdigit():
                tokens.append(self._from_initials(word) or Token(word, LATIN))
            i += size
        if syllables:
            tokens += self.from_sound(syllables)
        return tokens

    def _phrase_at(self, words: list[str], lemmas: list[str], bases: list[str],
                   i: int) -> tuple[str, int]:
        """The longest English phrase starting at word i — as said, as lemmas, or (for a
        phrase) in base forms — and its length in words; ("", 1) when there is none."""
        table = self.lexicon.english
        for size in range(min(MAX_ENGLISH_PHRASE, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if phrase in table and (size == 1 or not self._read_by_words(phrase)):
                return phrase, size
            phrase = " ".join(lemmas[i : i + size])
            if phrase in table and (size == 1 or not self._read_by_words(phrase)):
                return phrase, size
            phrase = " ".join(bases[i : i + size])
            if size > 1 and phrase in table and not self._read_by_words(phrase):
                return phrase, size
        return "", 1

    def _read_by_words(self, phrase: str) -> bool:
        """Should an English phrase be read word by word? When the KB knows none of its
        translations (nor holds them for a subject it does not serve) but knows a reading
        of every one of its words: "roof leaks" → 危房 means nothing to a city KB, while
        "roof" → 屋顶 and "leaks" → 漏水 do. A phrase naming a service the KB lacks
        ("public rental housing" in a township KB) stays whole: it is a gap."""
        by_words = self._by_words.get(phrase)
        if by_words is None:
            by_words = not self.english_readable(phrase) and all(
                w in self.lexicon.english_stopwords
                or any(x in self.lexicon.english and self.english_readable(x) for x in (w, lemma(w)))
                for w in phrase.split())
            self._by_words[phrase] = by_words
        return by_words

    def english_readable(self, phrase: str) -> bool:
        """Does this KB know one of the phrase's translations, or hold one for a subject
        it does not serve?"""
        readable = self._english_meant.get(phrase)
        if readable is None:
            readable = any(t in self.off_topic or self._known(t)
                           for t in self.lexicon.english[phrase])
            self._english_meant[phrase] = readable
        return readable

    def _known(self, chinese: str) -> bool:
        return all(self.index.df(f) > 0 for f in text_features(chinese))

    def _is_word_sound(self, syllables: list[str]) -> bool:
        """Does this sound spell out dictionary words from start to end?"""
        tokens = self.from_sound(syllables)
        return bool(tokens) and all(t.kind != SOUND for t in tokens)

    def from_sound(self, syllables: list[str]) -> list[Token]:
        """Pinyin → words of the dictionary with that sound (longest first); leftovers stay sound."""
        tokens: list[Token] = []
        left: list[str] = []
        i = 0
        while i < len(syllables):
            for size in range(min(MAX_PINYIN_WORD, len(syllables) - i), 1, -1):
                word = self._sound_dictionary.get(tuple(syllables[i : i + size]))
                if word is not None:
                    break
            else:
                left.append(syllables[i])
                i += 1
                continue
            if left:
                tokens.append(Token(" ".join(left), SOUND))
                left = []
            tokens += self.segmenter.segment(word, PINYIN_INPUT_FACTOR)
            i += size
        if left:
            tokens.append(Token(" ".join(left), SOUND))
        return tokens

    def _from_initials(self, word: str) -> Token | None:
        """sfz → 身份证: a vowel-less word read as the initials of a dictionary word."""
        if not 3 <= len(word) <= MAX_INITIALS or _VOWELS & set(word):
            return None
        words = self._initials.get(_fold_initials(word))
        if not words:
            return None
        return Token(words[0], WORD, INITIALS_FACTOR, words[1:])

    def _sounds(self) -> dict[tuple[str, ...], str]:
        """Sound → word for the whole dictionary (the KB's words win over general ones)."""
        dictionary = dict(_general_sounds())
        pieces = {}
        for word, sound in self.index.vocabulary_sounds.items():
            if self.index.vocabulary[word] == 2:
                dictionary[sound] = word  # whole names/aliases/keywords first
            elif sound not in dictionary:
                pieces[sound] = word
        for sound, word in pieces.items():
            dictionary.setdefault(sound, word)
        return dictionary

    def _initial_words(self) -> dict[str, tuple[str, ...]]:
        """Pinyin initials → words of 3+ characters with them: the KB's whole names,
        aliases and keywords first, then everyday words of the synonym table, then
        pieces of the KB's phrases (身份证 inside 身份证补办)."""
        table: dict[str, list[str]] = {}
        whole = [w for w in self.index.vocabulary if self.index.vocabulary[w] == 2]
        pieces = [w for w in self.index.vocabulary if self.index.vocabulary[w] == 1]
        for word in (*whole, *sorted(self.lexicon.colloquial), *pieces):
            if not 3 <= len(word) <= MAX_INITIALS or not is_han(word):
                continue
            sound = sound_of(word)
            if "?" not in sound:
                words = table.setdefault("".join(s[0] for s in sound), [])
                if word not in words:
                    words.append(word)
        # Several words may share initials (养老保险, 医疗保险): keep a few, first found first.
        return {k: tuple(v[:INITIALS_CHOICES]) for k, v in table.items()}


def _fold_initials(word: str) -> str:
    """Initials folded the way syllables are (l → n), so ylbx meets yang lao bao xian."""
    return word.replace("l", "n")


@lru_cache(maxsize=65536)
def sound_of(word: str) -> tuple[str, ...]:
    return _lexicon_sounds().get(word) or tuple(han_syllables(word))


@lru_cache(maxsize=1)
def _lexicon_sounds() -> dict[str, tuple[str, ...]]:
    """Sound of every Chinese word of the lexicon. pypinyin is the slowest step of
    building a matcher, and these words are the same for every KB: they are worked out
    once and cached (knowledge/cache.py) until the lexicon, pinyin.py or pypinyin change."""
    sources = [*table_files(), Path(pinyin.__file__), package_file("pypinyin")]
    return cached("lexicon-sounds", sources, "word→syllables", _sound_every_word)


def _sound_every_word() -> dict[str, tuple[str, ...]]:
    tables = lexicon()
    words = {*tables.stopwords, *tables.colloquial, *tables.off_topic, *tables.off_topic_acts}
    return {w: tuple(han_syllables(w)) for w in sorted(words) if len(w) >= 2 and is_han(w)}


@lru_cache(maxsize=1)
def _general_sounds() -> dict[tuple[str, ...], str]:
    """Sound → word for the lexicon's tables; stopwords win, then synonyms, then off-topic."""
    dictionary: dict[tuple[str, ...], str] = {}
    tables = lexicon()
    for table in (tables.stopwords, tables.colloquial, tables.off_topic, tables.off_topic_acts):
        for word in sorted(table):
            if len(word) >= 2 and is_han(word):
                dictionary.setdefault(sound_of(word), word)
    return dictionary
