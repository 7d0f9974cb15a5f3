"""Turn a resident's question into weighted concepts to look up in the index.

A question is cut into clauses (punctuation, or spaces between Chinese words), each
clause is cleaned (see normalize.py), then:

- Han text is segmented by the fewest tokens against one dictionary (segment.py): the
  knowledge base's own vocabulary, the lexicon's tables (knowledge/lexicon/: synonyms,
  off-topic subjects, stopwords) and jieba's general dictionary. Stopwords drop out;
  unknown characters stay as spans, looked up by their characters and by their sound
  (for homophone typos).
- Latin text is read as English (phrase table) where it can be, else as pinyin —
  full (hukou qianyi) or initials (sfz) — turned back into Chinese words by sound
  (latin.py).

Each concept carries alternative *renderings* (itself, its official synonyms, its
sound) and a weight saying how specific it is (IDF over items, tempered by how
common the word is in everyday Chinese; a generic rendering explains less than a
specific one). Words that only tell the story — times, quantities, family relations,
how/where/when asks, the clauses of a long message that are not the request
(clauses.py) — weigh less; an age (68岁, "is 68") becomes its age group (ages.py).
Subjects the center does not serve (off-topic lexicon, unless this knowledge base
offers them) weigh more, and a service the synonym tables recognise but this KB has
no words for is marked as a *gap*: a question about either is mostly unexplained by
every item — which is how it gets refused. Every weight, factor and cost is in
tunables.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from knowledge.ages import CHILD_AGES, HAN_AGE, age_word, english_age, han_number
from knowledge.clauses import CLAUSE_BREAK, asks, letters, promote_needs
from knowledge.dictionary import word_ranks
from knowledge.index import ItemIndex, pinyin_bigrams, text_features
from knowledge.latin import LatinReader, sound_of
from knowledge.lexicon import lexicon
from knowledge.normalize import MAX_QUERY_CHARS, clean_text, is_han, is_latin, split_runs
from knowledge.segment import (
    COMPOUND,
    ENGLISH,
    GENERAL,
    NUMERAL_START,
    OFF,
    SOUND,
    STOP,
    UNKNOWN,
    WORD,
    Segmenter,
    Token,
)
from knowledge.tunables import (
    ADVICE_KIND,
    ASK_CAP,
    ASK_WEIGHT,
    BACKGROUND_FLOOR,
    BACKGROUND_SPAN,
    KIN_WEIGHT,
    LONG_MESSAGE_CHARS,
    NARRATIVE_CLAUSE,
    OFF_TOPIC_WEIGHT,
    SINGLE_CHAR_WEIGHT,
    SOUND_FACTOR,
    SPECIFICITY,
    STORY_WEIGHT,
    STRONG_FIELD,
    SYNONYM_FACTOR,
    UNKNOWN_LATIN_WEIGHT,
    UNKNOWN_SPAN_WEIGHT,
)


@dataclass(frozen=True)
class Rendering:
    """One way of saying a concept: its features must all be present to match fully."""

    features: tuple[str, ...]
    factor: float
    # Sound alone is weak evidence: a partial sound match counts quadratically less.
    strict: bool = False
    # A typo keeps some of its characters (底保 for 低保): an item must have one of these.
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Concept:
    surface: str
    kind: str
    renderings: tuple[Rendering, ...]
    weight: float
    spelled: str = ""  # Chinese it stands for, when the question said it in English or pinyin
    off_topic: bool = False  # a subject this center does not serve
    # A service the synonym tables recognise (上户口, 技能培训) but this KB knows none
    # of the official words for: most likely a service of another center.
    gap: bool = False
    request: bool = True  # False: from a narrative clause of a long message


@dataclass(frozen=True)
class Reading:
    """A question as the matcher reads it."""

    concepts: list[Concept]
    request: str  # cleaned text of the clauses that ask (all of a short question)
    narrative: str  # cleaned text of the clauses that only tell the story


class QueryAnalyzer:
    """Question → concepts, using the vocabulary of one index."""

    def __init__(self, index: ItemIndex) -> None:
        self.lexicon = lexicon()
        self.index = index
        self.off_topic = self._unserved()
        self.segmenter = Segmenter(index, self.off_topic)
        self.latin = LatinReader(index, self.segmenter, self.off_topic)

    def analyse(self, question: str) -> list[Concept]:
        """Concepts of a question, with narrative clauses of a long message weighed down."""
        return self.read(question).concepts

    def read(self, question: str) -> Reading:
        """Concepts of a question, and its cleaned text split into request and narrative."""
        clauses = [c for c in CLAUSE_BREAK.split(question[:MAX_QUERY_CHARS]) if c and not c.isspace()]
        analysed = []
        for clause in clauses:
            text = clean_text(clause)
            tokens = self._tokens(text)
            if tokens:
                analysed.append((text, tokens, asks(text, clause)))
        long_message = len(analysed) > 1 and sum(letters(t) for t, _, _ in analysed) >= LONG_MESSAGE_CHARS
        any_request = any(asking for _, _, asking in analysed)
        if long_message and any_request:
            analysed = promote_needs(analysed)
        concepts: list[Concept] = []
        request, narrative_text = [], []
        for text, tokens, asking in analysed:
            narrative = long_message and any_request and not asking
            (narrative_text if narrative else request).append(text)
            for token in tokens:
                concept = self._concept(token, NARRATIVE_CLAUSE if narrative else 1.0)
                if concept is not None:
                    concepts.append(concept)
        return Reading(concepts, " ".join(request), " ".join(narrative_text))

    # -- tokens ------------------------------------------------------------
    def _tokens(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        latin_group: list[str] = []
        runs = split_runs(text)
        for i, run in enumerate(runs):
            if not run:
                continue
            following = runs[i + 1] if i + 1 < len(runs) else ""
            if run[0].isdigit() and (following[:1] == "岁" or following[:2] == "周岁"
                                     or english_age(run, latin_group[-1:], following)):
                age = age_word(run)  # 68岁, "my dad is 68": how old says who is asking
                unit = "周岁" if following[:2] == "周岁" else "岁" if following[:1] == "岁" else ""
                if unit:  # the 岁 of 68岁 is said by the number
                    runs[i + 1] = following[len(unit):]
                if age:
                    tokens.append(Token(age, WORD, age=True))
                    continue
                if unit:
                    continue  # 18岁: an age, but of no age group
            if is_latin(run) or (latin_group and run[0].isdigit()):
                latin_group.append(run)
                continue
            if latin_group:
                tokens += self.latin.read(latin_group)
                latin_group = []
            if is_han(run):
                tokens += self._han(run)
        if latin_group:
            tokens += self.latin.read(latin_group)
        return tokens

    def _han(self, run: str) -> list[Token]:
        """A Han run, with ages written in Chinese numerals (八十岁, 十几岁) read as ages."""
        tokens: list[Token] = []
        start = 0
        for match in HAN_AGE.finditer(run):
            age = age_word(str(han_number(match.group(1), bool(match.group(2)))))
            if age is None:
                continue
            if match.start() > start:
                tokens += self.segmenter.segment(run[start : match.start()])
            tokens.append(Token(age, WORD, age=True))
            start = match.end()
        if start < len(run):
            tokens += self.segmenter.segment(run[start:])
        return tokens

    # -- off-topic lexicon -------------------------------------------------
    def _unserved(self) -> dict[str, bool]:
        """The off-topic lexicon minus what this knowledge base serves.

        Word → True when the KB never names it, False when it only mentions it in
        passing. A subject (护照) is served when an item's name, aliases or keywords
        say it; mentioned only among materials or conditions (护照 as an identity
        document of a foreign-born child), it still says the question is about
        something else, but it is not held against a match as hard. A procedure of
        another office (离婚手续, 办护照) is served only when an item's name or alias
        names its core, or a keyword of an item that is a service rather than advice
        does — a keyword 离婚 on a legal-advice (咨询) item does not make the center a
        marriage registry.
        """
        tables = self.lexicon
        names = [n for item_names in self.index.names for n in item_names]
        names += [clean_text(k).replace(" ", "") for item in self.index.items
                  if item.kind != ADVICE_KIND for k in item.keywords]
        unserved: dict[str, bool] = {}
        for word in tables.off_topic:
            # 买房 is served by a KB that names 购房 (购房落户): its closest official word counts.
            strength = max(self._mention_strength(w) for w in (word, *tables.colloquial.get(word, ())[:1]))
            if strength < STRONG_FIELD:
                unserved[word] = strength == 0.0
        for phrase, core in tables.off_topic_acts.items():
            if not any(core in n for n in names):
                unserved[phrase] = True
        return unserved

    def _mention_strength(self, word: str) -> float:
        """Weight of the strongest field every piece of the word appears in (0: absent)."""
        features = text_features(clean_text(word).replace(" ", ""))
        if not features:
            return 0.0
        postings = self.index.postings
        return min(max(postings.get(f, {0: 0.0}).values()) for f in features)

    # -- tokens → concepts --------------------------------------------------
    def _concept(self, token: Token, clause_weight: float = 1.0) -> Concept | None:
        text, kind = token.text, token.kind
        tables = self.lexicon
        renderings: list[Rendering] = []
        scale = background = 1.0
        off_topic = unserved = False
        if kind == STOP:
            return None
        if kind in (WORD, OFF):
            for word in (text, *token.alternatives):
                renderings.append(Rendering(text_features(word), token.factor))
                renderings += [Rendering(text_features(t), SYNONYM_FACTOR * token.factor)
                               for t in tables.colloquial.get(word, ())]
            off_topic = kind == OFF
            unserved = off_topic and self.off_topic.get(text, False)
        elif kind == COMPOUND:
            # Strict: the modifier alone (居住 of 居住证) is a weak, quadratic match.
            renderings.append(Rendering(text_features(text), token.factor, strict=True))
            background = UNKNOWN_SPAN_WEIGHT
        elif kind in (UNKNOWN, GENERAL):
            renderings.append(Rendering(text_features(text), token.factor))
            if kind == UNKNOWN and len(text) > 1:  # real words are rarely typos
                renderings.append(Rendering(tuple(pinyin_bigrams(sound_of(text))),
                                            SOUND_FACTOR * token.factor, strict=True,
                                            anchors=tuple(f"#{ch}" for ch in set(text))))
            # How telling an everyday word is, when the KB does not know it: 时候 says
            # little, 护照 a lot (background frequency rank).
            rank = word_ranks().get(text)
            background = UNKNOWN_SPAN_WEIGHT if rank is None else _background_weight(rank)
            if text in tables.narrative_words or text[0] in NUMERAL_START:
                scale = STORY_WEIGHT
        elif kind == ENGLISH:
            renderings += [Rendering(text_features(t), SYNONYM_FACTOR) for t in tables.english[text]]
            off_topic = any(t in self.off_topic for t in tables.english[text])
            unserved = any(self.off_topic.get(t) for t in tables.english[text])
        elif kind == SOUND:
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
        unknown = self.index.idf_unknown
        gap = False
        if unserved:
            weight, scale = unknown, OFF_TOPIC_WEIGHT
        else:
            known = [r for r in renderings if self._known(r)]
            gap = not known and ((kind == ENGLISH and text not in tables.english_asks)
                                 or (kind == WORD and text in tables.colloquial
                                     and text not in tables.ask_words
                                     and text not in self.index.vocabulary))
            if gap:  # pieces of the words it stands for (居住 of 居住证) are weak evidence
                renderings = [Rendering(r.features, r.factor, True, r.anchors) for r in renderings]
            idfs = [self._idf(r) for r in known]
            # Between the mean and the most specific rendering: a concept with one very
            # telling rendering (失独 for "lost our only child") is a telling concept.
            weight = (sum(idfs) / len(idfs) + max(idfs)) / 2 if idfs else unknown
            if len(known) > 1:
                # A generic rendering (残疾, found in every disability item) explains less
                # than a specific one (评定) of the same concept (评残).
                renderings = [_discount(r, self._idf(r) / weight) if r in known and not r.strict
                              else r for r in renderings]
            if kind in (UNKNOWN, GENERAL, COMPOUND):
                # A word the KB happens to mention once is not thereby specific: an
                # everyday word weighs at most what its everyday frequency says.
                weight = min(weight, unknown * background)
        if all(len(r.features) == 1 and r.features[0].startswith("#") for r in renderings):
            scale *= SINGLE_CHAR_WEIGHT
        if token.age and text in CHILD_AGES:
            scale *= STORY_WEIGHT  # a child's age tells about the child already asked about
        elif text in tables.kin_words or (kind == ENGLISH and text in tables.english_kin):
            scale *= KIN_WEIGHT  # a relation says who the question is about, not what
        elif text in tables.ask_words or (kind == ENGLISH and text in tables.english_asks):
            # How, where, when: asked of every item, however rare its words in this KB.
            weight = min(weight, ASK_CAP * unknown)
            scale *= ASK_WEIGHT
        spelled = ""
        if kind == ENGLISH:
            spelled = "|".join(tables.english[text])
        elif token.factor < 1.0:  # recovered from pinyin
            spelled = text
        return Concept(text, kind, tuple(renderings), weight * scale * clause_weight, spelled,
                       off_topic, gap, clause_weight == 1.0)

    def _known(self, rendering: Rendering) -> bool:
        return all(self.index.df(f) > 0 for f in rendering.features)

    def _idf(self, rendering: Rendering) -> float:
        return sum(self.index.feature_idf(f) for f in rendering.features) / len(rendering.features)



def _discount(rendering: Rendering, specificity: float) -> Rendering:
    if specificity >= 1.0:
        return rendering
    return Rendering(rendering.features, rendering.factor * specificity ** SPECIFICITY,
                     rendering.strict, rendering.anchors)


def _background_weight(rank: int) -> float:
    return BACKGROUND_FLOOR + BACKGROUND_SPAN * math.log1p(rank) / math.log1p(len(word_ranks()))


def analyse_text(question: str, index: ItemIndex) -> list[Concept]:
    """Convenience for tests and tools: analyse one question against an index."""
    return QueryAnalyzer(index).analyse(question)
