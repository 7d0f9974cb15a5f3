"""English word forms: which form of a resident's word the English table knows.

The table (`english` in knowledge/lexicon/english.yaml) is written in base forms; a
question says "graduates", "reimbursed", "children", "took". The lemmatizer
(lemminflect, whose data ships in the package) gives every lemma a word may have — as
a noun, a verb, an adjective — and the first one the table knows is taken, so "card"
is not read as "car" nor "lives" as "live" when "life" is what the table says.

Loading the lemmatizer (and numpy under it) takes longer than the matcher's whole index
build, and the only forms that matter are those of the table's own words. So every
inflection of every table word is lemmatized once and the result kept in the
matcher's cache (knowledge/cache.py) until the English table or lemminflect changes.
"""

from __future__ import annotations

from functools import lru_cache

from knowledge.cache import cached, package_file
from knowledge.lexicon import lexicon, table_files

_PARTS_OF_SPEECH = ("NOUN", "VERB", "ADJ", "ADV")
_REGULAR = ("NOUN", "VERB")  # the lemmatizer's rules for words it has never seen


@lru_cache(maxsize=8192)
def base_form(word: str) -> str:
    """The table's base form of a word even when the word is a key of its own: inside a
    phrase, "college graduates" is looked up as "college graduate"."""
    return word_forms().get(word, word)


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """The form of `word` the English table knows: children stays, 'reimbursed' → reimburse."""
    tables = lexicon()
    if word in tables.english or word in tables.english_stopwords:
        return word
    return base_form(word)


@lru_cache(maxsize=1)
def word_forms() -> dict[str, str]:
    """Inflected form → the table word it is a form of, for every form of a table word."""
    sources = [*table_files(), package_file("lemminflect")]  # the tables and the lemmatizer
    return cached("english-forms", sources, "inflection→table word", _lemmatize_table_forms)


def _lemmatize_table_forms() -> dict[str, str]:
    from lemminflect import (  # only when the cache is built: see the module's docstring
        getAllInflections,
        getAllInflectionsOOV,
        getAllLemmas,
        getAllLemmasOOV,
    )

    vocabulary = frozenset(w for key in lexicon().english for w in key.split())

    def lemmas(word: str) -> list[str]:
        found = [x for pos in _PARTS_OF_SPEECH for x in _all(getAllLemmas(word, pos))]
        if not found:
            found = [x for pos in _REGULAR for x in _all(getAllLemmasOOV(word, pos))]
        return [x.lower() for x in found]

    forms: set[str] = set()
    for word in vocabulary:
        inflections = _all(getAllInflections(word))
        if not inflections:
            inflections = [x for pos in _REGULAR for x in _all(getAllInflectionsOOV(word, pos))]
        forms.update(x.lower() for x in inflections)
    table: dict[str, str] = {}
    for form in sorted(forms):
        base = next((x for x in lemmas(form) if x != form and x in vocabulary), None)
        if base is not None:
            table[form] = base
    return table


def _all(lemmas: dict[str, tuple[str, ...]]) -> list[str]:
    return [x for forms in lemmas.values() for x in forms]
