"""Turn a resident's question into weighted concepts to look up in the index.

A question is cut into clauses (punctuation, or spaces between Chinese words), each
clause is cleaned (see normalize.py), then:

- Han text is segmented by the fewest tokens against one dictionary: the knowledge
  base's own vocabulary, the colloquial synonym table, the off-topic lexicon, the
  stopword list and a general word list. Stopwords drop out; unknown characters stay
  as spans, looked up by their characters and by their sound (for homophone typos).
- Latin text is read as English (phrase table) where it can be, else as pinyin —
  full (hukou qianyi) or initials (sfz) — turned back into Chinese words by sound.

Each concept carries alternative *renderings* (itself, its official synonyms, its
sound) and a weight saying how specific it is (IDF over items, tempered by how
common the word is in everyday Chinese; a generic rendering explains less than a
specific one). Words that only tell the story — times, quantities, family relations,
how/where/when asks, the clauses of a long message that are not the request — weigh
less; an age (68岁, "is 68") becomes its age group. Subjects the center does not
serve (off-topic lexicon, unless this knowledge base offers them) weigh more, and a
service the synonym tables recognise but this KB has no words for is marked as a
*gap*: a question about either is mostly unexplained by every item — which is how it
gets refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.english import (
    ENGLISH,
    ENGLISH_ASKS,
    ENGLISH_KIN,
    ENGLISH_QUESTION_WORDS,
    ENGLISH_STOPWORDS,
    base_form,
    lemma,
)
from knowledge.general_words import word_ranks
from knowledge.index import ItemIndex, pinyin_bigrams, text_features
from knowledge.normalize import MAX_QUERY_CHARS, clean_text, is_han, is_latin, split_runs
from knowledge.offtopic import OFF_TOPIC, OFF_TOPIC_ACTS
from knowledge.pinyin import han_syllables, latin_syllables
from knowledge.synonyms import (
    ASK_WORDS,
    COLLOQUIAL,
    KIN_WORDS,
    NARRATIVE_WORDS,
    REQUEST_MARKERS,
    STOPWORDS,
)

SYNONYM_FACTOR = 0.9  # an official synonym is nearly, not quite, the word itself
SOUND_FACTOR = 0.8  # same sound, different characters: probably a typo, maybe not
PINYIN_INPUT_FACTOR = 0.9  # pinyin typed on purpose, turned back into words
INITIALS_FACTOR = 0.8  # pinyin initials (sfz): a good guess, not a certainty
SINGLE_CHAR_WEIGHT = 0.5  # one character alone is weak, ambiguous evidence
UNKNOWN_LATIN_WEIGHT = 0.5  # an English word we have no translation for
OFF_TOPIC_WEIGHT = 1.5  # a subject known to be outside the center, absent from the KB
KIN_WEIGHT = 0.6  # 我妈, my father: who is asking about, not what
ASK_WEIGHT = 0.6  # 去哪, 多久: how, where, when — every item answers these
ASK_CAP = 0.5  # ... and weigh at most half a word found in no item, whatever their IDF
STORY_WEIGHT = 0.35  # times and quantities (前年, 两个, 十几万): they tell, not ask
NARRATIVE_CLAUSE = 0.5  # a clause of a long message that is not the request
LONG_MESSAGE_CHARS = 24  # from this many letters on, a message is read clause by clause
MAX_ENGLISH_PHRASE = 6  # words
MAX_PINYIN_WORD = 8  # syllables
MAX_INITIALS = 6  # letters of a pinyin abbreviation
UNKNOWN_CHAR_COST = 2.5  # segmentation prefers dictionary words to unknown characters
SPECIFICITY = 1.0  # how much less a rendering below the concept's mean specificity explains
ADVICE_KIND = "咨询"  # an item that gives advice on a subject rather than a service
STRONG_FIELD = 0.9  # field weight from which a mention says the KB serves a subject

STOP, WORD, UNKNOWN, OFF, GENERAL = "stop", "word", "unknown", "off-topic", "general"
COMPOUND = "compound"  # a word and a head character the dictionary could not place (居住证)
# Segmentation cost of one token by kind: on equal token counts, prefer the KB's words —
# except a whole off-topic phrase (结婚证), which must not be cut into the KB's pieces.
TOKEN_COST = {WORD: 0.9, STOP: 1.0, OFF: 0.85, GENERAL: 1.05}
# Aspect and mood particles stand on their own: 发烧 + 了, not 发 + 烧了.
PARTICLES = frozenset("了着过的吗呢吧啊呀嘛")
PARTICLE_COST = 0.7
UNKNOWN_SPAN_WEIGHT = 0.8  # leftover characters: sometimes a topic, often debris

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Clause breaks: punctuation, line breaks, and spaces between Chinese characters.
_CLAUSE_BREAK = re.compile(rf"[，。！？；：、,!?;:\n\r\t…~～]+|\.(?:\s|$)+|(?<=[{_HAN}])\s+(?=[{_HAN}])")
MAX_KIND_CACHE = 200_000  # remembered segmentation lookups before starting afresh
HEAD_CHARS = frozenset("证卡本照册单险款贷票")  # heads of document and money compounds
_NUMERAL_START = frozenset("一二两三四五六七八九十百千万几半每")
_VOWELS = frozenset("aeiouv")


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


@dataclass(frozen=True)
class Token:
    text: str
    kind: str
    factor: float = 1.0  # < 1 when the token was recovered from pinyin
    alternatives: tuple[str, ...] = ()  # other words the same pinyin initials may stand for
    age: bool = False  # an age (12岁, "is 68") turned into its age group


class QueryAnalyzer:
    """Question → concepts, using the vocabulary of one index."""

    def __init__(self, index: ItemIndex) -> None:
        self.index = index
        self.off_topic = self._unserved()
        self._held: dict[str, bool] = {}
        self._kinds: dict[str, str | None] = {}  # segmentation lookups, remembered
        self._english_meant: dict[str, bool] = {}  # English phrase -> this KB can read it
        self._by_words: dict[str, bool] = {}  # English phrase -> read word by word instead
        self.max_word = max(index.max_word, max(len(w) for w in _general_words()))
        self._sound_dictionary: dict[tuple[str, ...], str] | None = None
        self._initials: dict[str, tuple[str, ...]] | None = None
        self._sounds()  # built now, so no question pays for it
        self._initial_words()

    # -- public ------------------------------------------------------------
    def analyse(self, question: str) -> list[Concept]:
        """Concepts of a question, with narrative clauses of a long message weighed down."""
        return self.read(question).concepts

    def read(self, question: str) -> Reading:
        """Concepts of a question, and its cleaned text split into request and narrative."""
        clauses = [c for c in _CLAUSE_BREAK.split(question[:MAX_QUERY_CHARS]) if c and not c.isspace()]
        analysed = []
        for clause in clauses:
            text = clean_text(clause)
            tokens = self._tokens(text)
            if tokens:
                analysed.append((text, tokens, _asks(text, clause)))
        letters = sum(_letters(t) for t, _, _ in analysed)
        long_message = len(analysed) > 1 and letters >= LONG_MESSAGE_CHARS
        any_request = any(asks for _, _, asks in analysed)
        if long_message and any_request:
            analysed = _promote_needs(analysed)
        concepts: list[Concept] = []
        request, narrative_text = [], []
        for text, tokens, asks in analysed:
            narrative = long_message and any_request and not asks
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
                                     or _english_age(run, latin_group[-1:], following)):
                age = _age_word(run)  # 68岁, "my dad is 68": how old says who is asking
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
                tokens += self._latin(latin_group)
                latin_group = []
            if is_han(run):
                tokens += self._han(run)
        if latin_group:
            tokens += self._latin(latin_group)
        return tokens

    # -- Han segmentation --------------------------------------------------
    def _han(self, run: str) -> list[Token]:
        """A Han run, with ages written in Chinese numerals (八十岁, 十几岁) read as ages."""
        tokens: list[Token] = []
        start = 0
        for match in _HAN_AGE.finditer(run):
            age = _age_word(str(_han_number(match.group(1), bool(match.group(2)))))
            if age is None:
                continue
            if match.start() > start:
                tokens += self._segment(run[start : match.start()])
            tokens.append(Token(age, WORD, age=True))
            start = match.end()
        if start < len(run):
            tokens += self._segment(run[start:])
        return tokens

    def _kind(self, word: str) -> str | None:
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
        if word in STOPWORDS:
            return STOP
        if word in self.off_topic:
            return OFF  # a service of another office, even when the KB mentions its pieces
        if vocab == 1 or word in COLLOQUIAL:
            return WORD
        if word in NARRATIVE_WORDS:
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
                (word[i:] in self.index.vocabulary or word[i:] in COLLOQUIAL)
                and (word[:i] in STOPWORDS or word[:i] in NARRATIVE_WORDS
                     or all(ch in _NUMERAL_START for ch in word[:i]))
                for i in range(1, len(word) - 1)
            )
            self._held[word] = held
        return held

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
        lemmas = [lemma(w) for w in words]
        bases = [base_form(w) for w in words]
        english = any(w in ENGLISH_STOPWORDS or w in ENGLISH for w in (*words, *lemmas))
        tokens: list[Token] = []
        syllables: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_ENGLISH_PHRASE, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + size])
                if phrase in ENGLISH and (size == 1 or not self._read_by_words(phrase)):
                    break
                phrase = " ".join(lemmas[i : i + size])
                if phrase in ENGLISH and (size == 1 or not self._read_by_words(phrase)):
                    break
                phrase = " ".join(bases[i : i + size])
                if size > 1 and phrase in ENGLISH and not self._read_by_words(phrase):
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
            elif word not in ENGLISH_STOPWORDS and not word[0].isdigit():
                tokens.append(self._from_initials(word) or Token(word, "latin"))
            i += size
        if syllables:
            tokens += self._from_sound(syllables)
        return tokens

    def _read_by_words(self, phrase: str) -> bool:
        """Should an English phrase be read word by word? When the KB knows none of its
        translations (nor holds them for a subject it does not serve) but knows a reading
        of every one of its words: "roof leaks" → 危房 means nothing to a city KB, while
        "roof" → 屋顶 and "leaks" → 漏水 do. A phrase naming a service the KB lacks
        ("public rental housing" in a township KB) stays whole: it is a gap."""
        by_words = self._by_words.get(phrase)
        if by_words is None:
            by_words = not self._english_readable(phrase) and all(
                w in ENGLISH_STOPWORDS
                or any(x in ENGLISH and self._english_readable(x) for x in (w, lemma(w)))
                for w in phrase.split())
            self._by_words[phrase] = by_words
        return by_words

    def _english_readable(self, phrase: str) -> bool:
        """Does this KB know one of the phrase's translations, or hold one for a subject
        it does not serve?"""
        readable = self._english_meant.get(phrase)
        if readable is None:
            readable = any(t in self.off_topic or self._known(Rendering(text_features(t), 1.0))
                           for t in ENGLISH[phrase])
            self._english_meant[phrase] = readable
        return readable

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

    def _from_initials(self, word: str) -> Token | None:
        """sfz → 身份证: a vowel-less word read as the initials of a dictionary word."""
        if not 3 <= len(word) <= MAX_INITIALS or _VOWELS & set(word):
            return None
        words = self._initial_words().get(_fold_initials(word))
        if not words:
            return None
        return Token(words[0], WORD, INITIALS_FACTOR, words[1:])

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

    def _initial_words(self) -> dict[str, tuple[str, ...]]:
        """Pinyin initials → words of 3+ characters with them: the KB's whole names,
        aliases and keywords first, then everyday words of the synonym table, then
        pieces of the KB's phrases (身份证 inside 身份证补办)."""
        if self._initials is None:
            table: dict[str, list[str]] = {}
            whole = [w for w in self.index.vocabulary if self.index.vocabulary[w] == 2]
            pieces = [w for w in self.index.vocabulary if self.index.vocabulary[w] == 1]
            for word in (*whole, *sorted(COLLOQUIAL), *pieces):
                if not 3 <= len(word) <= MAX_INITIALS or not is_han(word):
                    continue
                sound = _sound_of(word)
                if "?" not in sound:
                    words = table.setdefault("".join(s[0] for s in sound), [])
                    if word not in words:
                        words.append(word)
            # Several words may share initials (养老保险, 医疗保险): keep a few, first found first.
            self._initials = {k: tuple(v[:4]) for k, v in table.items()}
        return self._initials

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
        names = [n for item_names in self.index.names for n in item_names]
        names += [clean_text(k).replace(" ", "") for item in self.index.items
                  if item.kind != ADVICE_KIND for k in item.keywords]
        unserved: dict[str, bool] = {}
        for word in OFF_TOPIC:
            # 买房 is served by a KB that names 购房 (购房落户): its closest official word counts.
            strength = max(self._mention_strength(w) for w in (word, *COLLOQUIAL.get(word, ())[:1]))
            if strength < STRONG_FIELD:
                unserved[word] = strength == 0.0
        for phrase, core in OFF_TOPIC_ACTS.items():
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
        renderings: list[Rendering] = []
        scale = background = 1.0
        off_topic = unserved = False
        if kind == STOP:
            return None
        if kind in (WORD, OFF):
            for word in (text, *token.alternatives):
                renderings.append(Rendering(text_features(word), token.factor))
                renderings += [Rendering(text_features(t), SYNONYM_FACTOR * token.factor)
                               for t in COLLOQUIAL.get(word, ())]
            off_topic = kind == OFF
            unserved = off_topic and self.off_topic.get(text, False)
        elif kind == COMPOUND:
            # Strict: the modifier alone (居住 of 居住证) is a weak, quadratic match.
            renderings.append(Rendering(text_features(text), token.factor, strict=True))
            background = UNKNOWN_SPAN_WEIGHT
        elif kind in (UNKNOWN, GENERAL):
            renderings.append(Rendering(text_features(text), token.factor))
            if kind == UNKNOWN and len(text) > 1:  # real words are rarely typos
                renderings.append(Rendering(tuple(pinyin_bigrams(_sound_of(text))),
                                            SOUND_FACTOR * token.factor, strict=True,
                                            anchors=tuple(f"#{ch}" for ch in set(text))))
            # How telling an everyday word is, when the KB does not know it: 时候 says
            # little, 护照 a lot (background frequency rank).
            rank = word_ranks().get(text)
            background = UNKNOWN_SPAN_WEIGHT if rank is None else _background_weight(rank)
            if text in NARRATIVE_WORDS or text[0] in _NUMERAL_START:
                scale = STORY_WEIGHT
        elif kind == "english":
            renderings += [Rendering(text_features(t), SYNONYM_FACTOR) for t in ENGLISH[text]]
            off_topic = any(t in self.off_topic for t in ENGLISH[text])
            unserved = any(self.off_topic.get(t) for t in ENGLISH[text])
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
        unknown = self.index.idf_unknown
        gap = False
        if unserved:
            weight, scale = unknown, OFF_TOPIC_WEIGHT
        else:
            known = [r for r in renderings if self._known(r)]
            gap = not known and ((kind == "english" and text not in ENGLISH_ASKS)
                                 or (kind == WORD and text in COLLOQUIAL and text not in ASK_WORDS
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
        elif text in KIN_WORDS or (kind == "english" and text in ENGLISH_KIN):
            scale *= KIN_WEIGHT  # a relation says who the question is about, not what
        elif text in ASK_WORDS or (kind == "english" and text in ENGLISH_ASKS):
            # How, where, when: asked of every item, however rare its words in this KB.
            weight = min(weight, ASK_CAP * unknown)
            scale *= ASK_WEIGHT
        spelled = ""
        if kind == "english":
            spelled = "|".join(ENGLISH[text])
        elif token.factor < 1.0:  # recovered from pinyin
            spelled = text
        return Concept(text, kind, tuple(renderings), weight * scale * clause_weight, spelled,
                       off_topic, gap, clause_weight == 1.0)

    def _known(self, rendering: Rendering) -> bool:
        return all(self.index.df(f) > 0 for f in rendering.features)

    def _idf(self, rendering: Rendering) -> float:
        return sum(self.index.feature_idf(f) for f in rendering.features) / len(rendering.features)


def _promote_needs(analysed: list[tuple[str, list[Token], bool]]) -> list[tuple[str, list[Token], bool]]:
    """When no asking clause names anything (要带什么东西, 去哪里办, what do I need), the
    need is the clause just before it (…想把户口落到这里，要准备哪些材料): that one asks too."""
    if any(asks and _has_content(tokens) for _, tokens, asks in analysed):
        return analysed
    promoted = list(analysed)
    for i, (_, _, asks) in enumerate(analysed):
        if not asks:
            continue
        for j in range(i - 1, -1, -1):
            text, before, _ = promoted[j]
            if _has_content(before):
                promoted[j] = (text, before, True)
                break
    return promoted


def _has_content(tokens: list[Token]) -> bool:
    """Does a clause say what it is about (beyond how, where and when)?"""
    return any(t.kind != STOP and t.text not in ASK_WORDS and t.text not in ENGLISH_ASKS
               for t in tokens)


def _asks(text: str, raw: str) -> bool:
    """Does this clause carry the request (a question word, a question mark, an ask)?"""
    if "?" in raw or "？" in raw:
        return True
    if any(marker in text for marker in REQUEST_MARKERS):
        return True
    return any(w in ENGLISH_QUESTION_WORDS for w in text.split())


def _english_age(number: str, before: list[str], after: str) -> bool:
    """In English, is this number an age? "is 68", "aged 82", "68 years old", "pension 60"."""
    if before and before[0] in ("is", "aged", "age", "turned", "turning", "turn", "am", "reached",
                                "reaching", "over", "past"):
        return True
    if after in ("year", "years", "yrs", "yo") or (not after and before):
        return True
    return number.isdigit() and 60 <= int(number) <= 110 and bool(before or is_latin(after))


CHILD_AGES = ("宝宝", "未成年")
_HAN_AGE = re.compile(r"([一二两三四五六七八九十百]+)(多|几)?周?岁")
_HAN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _han_number(text: str, more: bool) -> int:
    """八十 → 80, 六十五 → 65, 十 → 10, 一百 → 100; 七十多 (more) → 75, 十几 → 15."""
    value = 0
    digit = 0
    for char in text:
        if char in _HAN_DIGITS:
            digit = _HAN_DIGITS[char]
        elif char == "十":
            value += (digit or 1) * 10
            digit = 0
        elif char == "百":
            value += (digit or 1) * 100
            digit = 0
    value += digit
    return value + (5 if more and value % 10 == 0 else 0)


def _age_word(number: str) -> str | None:
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


def _discount(rendering: Rendering, specificity: float) -> Rendering:
    if specificity >= 1.0:
        return rendering
    return Rendering(rendering.features, rendering.factor * specificity ** SPECIFICITY,
                     rendering.strict, rendering.anchors)


def _letters(text: str) -> float:
    """Length of a clause in Chinese characters; an English word counts as one and a half
    (a two-clause English question of a dozen words is not yet a rambling message)."""
    return sum(len(r) if is_han(r) else 1.5 for r in split_runs(text) if not r[0].isdigit())


def _background_weight(rank: int) -> float:
    return 0.35 + 0.65 * math.log1p(rank) / math.log1p(len(word_ranks()))


def _fold_initials(word: str) -> str:
    """Initials folded the way syllables are (l → n), so ylbx meets yang lao bao xian."""
    return word.replace("l", "n")


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
    for table in (STOPWORDS, COLLOQUIAL, OFF_TOPIC, OFF_TOPIC_ACTS):
        for word in sorted(table):
            if len(word) >= 2 and is_han(word):
                dictionary.setdefault(_sound_of(word), word)
    return dictionary


@lru_cache(maxsize=1)
def _general_words() -> frozenset[str]:
    return frozenset(STOPWORDS | set(COLLOQUIAL) | OFF_TOPIC | set(OFF_TOPIC_ACTS) | NARRATIVE_WORDS)


def analyse_text(question: str, index: ItemIndex) -> list[Concept]:
    """Convenience for tests and tools: analyse one question against an index."""
    return QueryAnalyzer(index).analyse(question)

