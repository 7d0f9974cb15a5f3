"""English word forms: which form of a resident's word the English table knows.

The table (`english` in knowledge/lexicon/english.yaml) is written in base forms; a
question says "graduates", "reimbursed", "children", "took". The lemmatizer
(lemminflect, whose data ships in the package) gives every lemma a word may have — as
a noun, a verb, an adjective — and the first one the table knows is taken, so "card"
is not read as "car" nor "lives" as "live" when "life" is what the table says.
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllLemmas, getAllLemmasOOV

from knowledge.lexicon import lexicon

_PARTS_OF_SPEECH = ("NOUN", "VERB", "ADJ", "ADV")


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Every word of the table's phrases."""
    return frozenset(w for key in lexicon().english for w in key.split())


@lru_cache(maxsize=8192)
def base_form(word: str) -> str:
    """The table's base form of a word even when the word is a key of its own: inside a
    phrase, "college graduates" is looked up as "college graduate"."""
    vocabulary = _vocabulary()
    for candidate in _lemmas(word):
        if candidate != word and candidate in vocabulary:
            return candidate
    return word


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """The form of `word` the English table knows: children stays, 'reimbursed' → reimburse."""
    tables = lexicon()
    if word in tables.english or word in tables.english_stopwords:
        return word
    return base_form(word)


def _lemmas(word: str) -> list[str]:
    """Lemmas of a word in every part of speech; for a word the lemmatizer has never
    seen (ebikes), its rules for regular nouns and verbs."""
    found = [x for pos in _PARTS_OF_SPEECH for x in _all(getAllLemmas(word, pos))]
    if not found:
        found = [x for pos in ("NOUN", "VERB") for x in _all(getAllLemmasOOV(word, pos))]
    return [x.lower() for x in found]


def _all(lemmas: dict[str, tuple[str, ...]]) -> list[str]:
    return [x for forms in lemmas.values() for x in forms]
