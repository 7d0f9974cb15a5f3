"""Turn a resident's question into weighted concepts to look up in the index.

A question is cleaned (see normalize.py), then:

- Han text is segmented by longest match against one dictionary: the knowledge
  base's own vocabulary, the colloquial synonym table, the off-topic list and the
  stopword list. Stopwords drop out; unknown characters stay as spans, looked up by
  their characters and by their sound (for homophone typos).
- Latin text is read as English (phrase table) where it can be, else as pinyin,
  which is turned back into Chinese words through the same dictionary by sound.

Each concept carries alternative *renderings* (itself, its official synonyms, its
sound) and a weight saying how specific it is (IDF over items); unknown words weigh
as much as the most specific known word, so a question about something the center
does not offer is mostly unexplained by every item — which is how it gets refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from knowledge.general_words import word_ranks
from knowledge.index import ItemIndex, pinyin_bigrams, text_features
from knowledge.normalize import MAX_QUERY_CHARS, clean_text, is_han, is_latin, split_runs
from knowledge.pinyin import han_syllables, latin_syllables
from knowledge.synonyms import COLLOQUIAL, ENGLISH, ENGLISH_STOPWORDS, OFF_TOPIC, STOPWORDS

SYNONYM_FACTOR = 0.9  # an official synonym is nearly, not quite, the word itself
SOUND_FACTOR = 0.8  # same sound, different characters: probably a typo, maybe not
PINYIN_INPUT_FACTOR = 0.9  # pinyin typed on purpose, turned back into words
SINGLE_CHAR_WEIGHT = 0.5  # one character alone is weak, ambiguous evidence
UNKNOWN_LATIN_WEIGHT = 0.5  # an English word we have no translation for
OFF_TOPIC_WEIGHT = 1.5  # a subject known to be outside the center, absent from the KB
MAX_ENGLISH_PHRASE = 4  # words
MAX_PINYIN_WORD = 8  # syllables
UNKNOWN_CHAR_COST = 2.5  # segmentation prefers dictionary words to unknown characters

STOP, WORD, UNKNOWN, OFF, GENERAL = "stop", "word", "unknown", "off-topic", "general"
# Segmentation cost of one token by kind: on equal token counts, prefer the KB's words.
TOKEN_COST = {WORD: 0.9, STOP: 1.0, OFF: 1.0, GENERAL: 1.05}
UNKNOWN_SPAN_WEIGHT = 0.8  # leftover characters: sometimes a topic, often debris


@dataclass(frozen=True)
class Rendering:
    """One way of saying a concept: its features must all be present to match fully."""

    features: tuple[str, ...]
    factor: float
    # Sound alone is weak evidence: a partial sound match counts quadratically less.
    strict: bool = False


@dataclass(frozen=True)
class Concept:
    surface: str
    kind: str
    renderings: tuple[Rendering, ...]
    weight: float
    spelled: str = ""  # Chinese it stands for, when the question said it in English or pinyin


@dataclass(frozen=True)
class Token:
    text: str
    kind: str
    factor: float = 1.0  # < 1 when the token was recovered from pinyin


class QueryAnalyzer:
    """Question → concepts, using the vocabulary of one index."""

    def __init__(self, index: ItemIndex) -> None:
        self.index = index
        self.max_word = max(index.max_word, max(len(w) for w in _general_words()))
        self._sound_dictionary: dict[tuple[str, ...], str] | None = None
        self._sounds()  # built now, so no question pays for it

    # -- public ------------------------------------------------------------
    def analyse(self, question: str) -> list[Concept]:
        text = clean_text(question, MAX_QUERY_CHARS)
        tokens: list[Token] = []
        latin_group: list[str] = []
        for run in split_runs(text):
            if is_latin(run):
                latin_group.append(run)
                continue
            if latin_group:
                tokens += self._latin(latin_group)
                latin_group = []
            if is_han(run):
                tokens += self._segment(run)
        if latin_group:
            tokens += self._latin(latin_group)
        return [c for c in (self._concept(t) for t in tokens) if c is not None]

    # -- Han segmentation --------------------------------------------------
    def _kind(self, word: str) -> str | None:
        vocab = self.index.vocabulary.get(word)
        if vocab == 2:
            return WORD  # a whole name, alias or keyword beats everything
        if word in STOPWORDS:
            return STOP
        if vocab == 1 or word in COLLOQUIAL:
            return WORD
        if word in OFF_TOPIC:
            return OFF
        if word in word_ranks():
            return GENERAL
        return None

    def _segment(self, run: str, factor: float = 1.0) -> list[Token]:
        """Segment Han text by dictionary with the fewest tokens and unknown characters.

        A dynamic programme rather than greedy longest match, so that 怎么办理 is
        怎么 + 办理, not 怎么办 + 理. Adjacent unknown characters form one span.
        """
        run = self._collapse_repeats(run)
        n = len(run)
        cost = [0.0] + [float("inf")] * n
        back: list[tuple[int, str | None]] = [(0, None)] * (n + 1)
        for end in range(1, n + 1):
            for start in range(max(0, end - self.max_word), end):
                if cost[start] == float("inf"):
                    continue
                piece = run[start:end]
                kind = self._kind(piece) if end - start > 1 else _single_kind(piece)
                if kind is not None:
                    step = TOKEN_COST[kind]
                elif end - start == 1:
                    step = UNKNOWN_CHAR_COST
                else:
                    continue
                if step is not None and cost[start] + step < cost[end]:
                    cost[end] = cost[start] + step
                    back[end] = (start, kind)
        pieces: list[tuple[str, str | None]] = []
        end = n
        while end > 0:
            start, kind = back[end]
            pieces.append((run[start:end], kind))
            end = start
        tokens: list[Token] = []
        unknown = ""
        for piece, kind in reversed(pieces):
            if kind is None:
                unknown += piece
                continue
            if unknown:
                tokens.append(Token(unknown, UNKNOWN, factor))
                unknown = ""
            tokens.append(Token(piece, kind, factor))
        if unknown:
            tokens.append(Token(unknown, UNKNOWN, factor))
        return tokens

    def _collapse_repeats(self, run: str) -> str:
        """评评理 → 评理, 问问 → 问: colloquial doubling adds nothing, unless it is a word."""
        out: list[str] = []
        for i, char in enumerate(run):
            if out and out[-1] == char and self._kind(run[i - 1 : i + 1]) is None:
                continue
            out.append(char)
        return "".join(out)

    # -- Latin: English phrases, else pinyin -------------------------------
    def _latin(self, words: list[str]) -> list[Token]:
        """English phrases first; other words are pinyin when they split into syllables.

        In an English sentence, a word is only taken as pinyin when its sound is a
        known word (hukou, dibao): "buying" or "change" also split into syllables.
        """
        english = any(w in ENGLISH_STOPWORDS or w in ENGLISH for w in words)
        tokens: list[Token] = []
        syllables: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_ENGLISH_PHRASE, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + size])
                if phrase in ENGLISH:
                    break
            else:
                phrase, size = "", 1
            word = words[i]
            sounds = latin_syllables(word) if not phrase and word not in ENGLISH_STOPWORDS else None
            if sounds and english and not self._is_word_sound(sounds):
                sounds = None
            if sounds:
                syllables += sounds
                i += 1
                continue
            if syllables:
                tokens += self._from_sound(syllables)
                syllables = []
            if phrase:
                tokens.append(Token(phrase, "english"))
            elif word not in ENGLISH_STOPWORDS:
                tokens.append(Token(word, "latin"))
            i += size
        if syllables:
            tokens += self._from_sound(syllables)
        return tokens

    def _is_word_sound(self, syllables: list[str]) -> bool:
        """Does this sound spell out dictionary words from start to end?"""
        tokens = self._from_sound(syllables)
        return bool(tokens) and all(t.kind != "sound" for t in tokens)

    def _from_sound(self, syllables: list[str]) -> list[Token]:
        """Pinyin → words of the dictionary with that sound (longest first); leftovers stay sound."""
        dictionary = self._sounds()
        tokens: list[Token] = []
        left: list[str] = []
        i = 0
        while i < len(syllables):
            for size in range(min(MAX_PINYIN_WORD, len(syllables) - i), 1, -1):
                word = dictionary.get(tuple(syllables[i : i + size]))
                if word is not None:
                    break
            else:
                left.append(syllables[i])
                i += 1
                continue
            if left:
                tokens.append(Token(" ".join(left), "sound"))
                left = []
            tokens += self._segment(word, PINYIN_INPUT_FACTOR)
            i += size
        if left:
            tokens.append(Token(" ".join(left), "sound"))
        return tokens

    def _sounds(self) -> dict[tuple[str, ...], str]:
        """Sound → word for the whole dictionary (the KB's words win over general ones)."""
        if self._sound_dictionary is None:
            dictionary = dict(_general_sounds())
            pieces = {}
            for word, sound in self.index.vocabulary_sounds.items():
                if self.index.vocabulary[word] == 2:
                    dictionary[sound] = word  # whole names/aliases/keywords first
                elif sound not in dictionary:
                    pieces[sound] = word
            for sound, word in pieces.items():
                dictionary.setdefault(sound, word)
            self._sound_dictionary = dictionary
        return self._sound_dictionary

    # -- tokens → concepts --------------------------------------------------
    def _concept(self, token: Token) -> Concept | None:
        text, kind = token.text, token.kind
        renderings: list[Rendering] = []
        scale = background = 1.0
        if kind == STOP:
            return None
        if kind in (WORD, OFF):
            renderings.append(Rendering(text_features(text), token.factor))
            renderings += [Rendering(text_features(t), SYNONYM_FACTOR * token.factor)
                           for t in COLLOQUIAL.get(text, ())]
            if kind == OFF and not self._known(renderings[0]):
                scale = OFF_TOPIC_WEIGHT
        elif kind in (UNKNOWN, GENERAL):
            renderings.append(Rendering(text_features(text), token.factor))
            if kind == UNKNOWN and len(text) > 1:  # real words are rarely typos
                renderings.append(Rendering(tuple(pinyin_bigrams(_sound_of(text))),
                                            SOUND_FACTOR * token.factor, strict=True))
            # How telling an everyday word is, when the KB does not know it: 时候 says
            # little, 护照 a lot (background frequency rank).
            rank = word_ranks().get(text)
            background = UNKNOWN_SPAN_WEIGHT if rank is None else _background_weight(rank)
        elif kind == "english":
            renderings += [Rendering(text_features(t), SYNONYM_FACTOR) for t in ENGLISH[text]]
            if any(t in OFF_TOPIC for t in ENGLISH[text]) and not any(
                self._known(r) for r in renderings
            ):
                scale = OFF_TOPIC_WEIGHT
        elif kind == "sound":
            syllables = text.split()
            if len(syllables) < 2:
                return None  # one stray syllable says nothing reliable
            renderings.append(Rendering(tuple(pinyin_bigrams(syllables)), SOUND_FACTOR,
                                        strict=True))
        else:  # an unknown Latin word: maybe the KB uses it (app, ems), maybe not
            renderings.append(Rendering(text_features(text), 1.0))
            scale = UNKNOWN_LATIN_WEIGHT
        renderings = [r for r in renderings if r.features]
        if not renderings:
            return None
        known = [r for r in renderings if self._known(r)]
        unknown = self.index.idf_unknown
        weight = sum(self._idf(r) for r in known) / len(known) if known else unknown * background
        if all(len(r.features) == 1 and r.features[0].startswith("#") for r in renderings):
            scale *= SINGLE_CHAR_WEIGHT
        spelled = ""
        if kind == "english":
            spelled = "|".join(ENGLISH[text])
        elif token.factor < 1.0:  # recovered from pinyin
            spelled = text
        return Concept(text, kind, tuple(renderings), weight * scale, spelled)

    def _known(self, rendering: Rendering) -> bool:
        return all(self.index.df(f) > 0 for f in rendering.features)

    def _idf(self, rendering: Rendering) -> float:
        return sum(self.index.feature_idf(f) for f in rendering.features) / len(rendering.features)


def _background_weight(rank: int) -> float:
    return 0.35 + 0.65 * math.log1p(rank) / math.log1p(len(word_ranks()))


def _single_kind(char: str) -> str | None:
    if char in STOPWORDS:
        return STOP
    if char in COLLOQUIAL:
        return WORD
    return None


@lru_cache(maxsize=65536)
def _sound_of(word: str) -> tuple[str, ...]:
    return tuple(han_syllables(word))


@lru_cache(maxsize=1)
def _general_sounds() -> dict[tuple[str, ...], str]:
    """Sound → word for the general tables; stopwords win, then colloquial, then off-topic."""
    dictionary: dict[tuple[str, ...], str] = {}
    for table in (STOPWORDS, COLLOQUIAL, OFF_TOPIC):
        for word in sorted(table):
            if len(word) >= 2 and is_han(word):
                dictionary.setdefault(_sound_of(word), word)
    return dictionary


@lru_cache(maxsize=1)
def _general_words() -> frozenset[str]:
    return frozenset(STOPWORDS | set(COLLOQUIAL) | OFF_TOPIC)


def analyse_text(question: str, index: ItemIndex) -> list[Concept]:
    """Convenience for tests and tools: analyse one question against an index."""
    return QueryAnalyzer(index).analyse(question)
