"""Han text → tokens: segmentation against the KB's words, the lexicon and jieba's dictionary.

One dynamic programme finds the cheapest cut of a run of Chinese characters: fewest
tokens first, then the kind of each (the KB's own words beat everyday ones; see
`tunables`). Dictionary words come from the knowledge base (its names, aliases and
keywords, and the pieces of its phrases), the lexicon's tables (synonyms, off-topic
subjects, stopwords, story words) and jieba's general dictionary; characters none of
them place stay together as an unknown span.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.dictionary import MAX_CHARS, word_ranks
from knowledge.index import ItemIndex
from knowledge.lexicon import lexicon
from knowledge.tunables import (
    GENERAL_COST,
    MAX_KIND_CACHE,
    OFF_TOPIC_COST,
    PARTICLE_COST,
    STOP_COST,
    UNKNOWN_CHAR_COST,
    WORD_COST,
)

STOP, WORD, UNKNOWN, OFF, GENERAL = "stop", "word", "unknown", "off-topic", "general"
COMPOUND = "compound"  # a word and a head character the dictionary could not place (居住证)
ENGLISH, SOUND, LATIN = "english", "sound", "latin"  # tokens read from Latin letters
TOKEN_COST = {WORD: WORD_COST, STOP: STOP_COST, OFF: OFF_TOPIC_COST, GENERAL: GENERAL_COST}
PARTICLES = frozenset("了着过的吗呢吧啊呀嘛")  # aspect and mood particles: 发烧 + 了
HEAD_CHARS = frozenset("证卡本照册单险款贷票")  # heads of document and money compounds
NUMERAL_START = frozenset("一二两三四五六七八九十百千万几半每")

@dataclass(frozen=True)
class Token:
    text: str
    kind: str
    factor: float = 1.0  # < 1 when the token was recovered from pinyin
    alternatives: tuple[str, ...] = ()  # other words the same pinyin initials may stand for
    age: bool = False  # an age (12岁, "is 68") turned into its age group


def lexicon_words() -> frozenset[str]:
    """Every Chinese word of the lexicon's tables: segmentation knows them all."""
    tables = lexicon()
    return frozenset(tables.stopwords | set(tables.colloquial) | tables.off_topic
                     | set(tables.off_topic_acts) | tables.narrative_words)


class Segmenter:
    """Segments Han text for one index and the off-topic subjects it does not serve."""

    def __init__(self, index: ItemIndex, off_topic: dict[str, bool]) -> None:
        tables = lexicon()
        # The tables looked up for every piece of every question, bound once.
        self._stopwords, self._colloquial = tables.stopwords, tables.colloquial
        self._narrative = tables.narrative_words
        self.index = index
        self.off_topic = off_topic
        self._held: dict[str, bool] = {}
        self._kinds: dict[str, str | None] = {}  # segmentation lookups, remembered
        self.max_word = max(index.max_word, max(len(w) for w in lexicon_words()), MAX_CHARS)

    def kind(self, word: str) -> str | None:
        """What a word is to the matcher, or None when no dictionary has it."""
        if word in self._kinds:
            return self._kinds[word]
        if len(self._kinds) > MAX_KIND_CACHE:
            self._kinds.clear()
        kind = self._kinds[word] = self._lookup_kind(word)
        return kind

    def _lookup_kind(self, word: str) -> str | None:
        vocab = self.index.vocabulary.get(word)
        if vocab == 2:
            return WORD  # a whole name, alias or keyword beats everything
        if word in self._stopwords:
            return STOP
        if word in self.off_topic:
            return OFF  # a service of another office, even when the KB mentions its pieces
        if vocab == 1 or word in self._colloquial:
            return WORD
        if word in self._narrative:
            return GENERAL
        if word in word_ranks() and not self._holds_word(word):
            return GENERAL
        return None

    def _holds_word(self, word: str) -> bool:
        """Is an everyday word one of ours with a trivial modifier (月工资 = 月 + 工资)?
        Then it is split. A compound whose head is not ours (居住证 ⊅ 居住 as head,
        公租房 = 公 + 租房) stays whole: matching its modifier would be a false lead."""
        held = self._held.get(word)
        if held is None:
            held = any(
                (word[i:] in self.index.vocabulary or word[i:] in self._colloquial)
                and (word[:i] in self._stopwords or word[:i] in self._narrative
                     or all(ch in NUMERAL_START for ch in word[:i]))
                for i in range(1, len(word) - 1)
            )
            self._held[word] = held
        return held

    def segment(self, run: str, factor: float = 1.0) -> list[Token]:
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
                kind = self.kind(piece) if end - start > 1 else self._single_kind(piece)
                if kind is not None:
                    step = PARTICLE_COST if piece in PARTICLES else TOKEN_COST[kind]
                elif end - start == 1:
                    step = UNKNOWN_CHAR_COST
                else:
                    continue
                if cost[start] + step < cost[end]:
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
        return _join_heads(tokens)

    def _single_kind(self, char: str) -> str | None:
        if char in self._stopwords:
            return STOP
        if char in self._colloquial:
            return WORD
        return None

    def _collapse_repeats(self, run: str) -> str:
        """评评理 → 评理, 问问 → 问: colloquial doubling adds nothing, unless it is a word."""
        out: list[str] = []
        for i, char in enumerate(run):
            if out and out[-1] == char and self.kind(run[i - 1 : i + 1]) is None:
                continue
            out.append(char)
        return "".join(out)


def _join_heads(tokens: list[Token]) -> list[Token]:
    """居住 + 证 → 居住证: a word followed by a head character the dictionary could not
    place names another thing (a 居住证 is not 居住), so the two stay one unknown word."""
    out: list[Token] = []
    for token in tokens:
        if (out and token.kind == UNKNOWN and len(token.text) == 1 and token.text in HEAD_CHARS
                and out[-1].kind == WORD and not out[-1].alternatives):
            out[-1] = Token(out[-1].text + token.text, COMPOUND, min(out[-1].factor, token.factor))
        else:
            out.append(token)
    return out
