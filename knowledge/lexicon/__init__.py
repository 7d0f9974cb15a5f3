"""The matcher's own vocabulary: the YAML tables in this folder, read by one loader.

Format (the README beside the tables says it for maintainers): every `*.yaml` file here
is a mapping of table name → table. A table is either a *word list* — a YAML list of
words — or a list of *groups*, each `{say: [words residents use], means: [words the
knowledge base uses]}` (`core:` instead of `means:` for `off_topic_acts`). Which
table is which is `TABLES` below; a table may be split over several files, in file
name order. Nothing here names an item: the same tables serve any center's KB.

`read_lexicon` returns the tables and every problem found, each as
`file:line: message` (unknown table or field, a word that is not text, an empty
group, a word listed twice, an English phrase translated into something that is not
Chinese); `servicebot kb check` prints them, and the matcher refuses to start on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from knowledge.cache import cached

_SHIPPED = Path(__file__).resolve().parent
LEXICON_DIR = _SHIPPED  # the folder read by default
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

WORDS, GROUPS = "words", "groups"
# Table name → kind, and for groups the field holding what the words stand for.
TABLES: dict[str, tuple[str, str]] = {
    "synonyms": (GROUPS, "means"),  # everyday Chinese → official words (孩子 → 子女 儿童)
    "stopwords": (WORDS, ""),  # function words and generic service verbs: ignored
    "ask_words": (WORDS, ""),  # how, where, when, how much: asked of every item
    "kin_words": (WORDS, ""),  # family relations: who the question is about
    "narrative_words": (WORDS, ""),  # times and story words: they tell, not ask
    "request_markers": (WORDS, ""),  # what makes a clause of a long message the request
    "english": (GROUPS, "means"),  # English words and phrases → Chinese words
    "english_kin": (WORDS, ""),
    "english_stopwords": (WORDS, ""),
    "english_asks": (WORDS, ""),
    "english_question_words": (WORDS, ""),
    "off_topic": (WORDS, ""),  # subjects a service center does not serve
    "off_topic_acts": (GROUPS, "core"),  # procedures of other offices → their core
}
# Tables whose `means` must be Chinese: the matcher looks them up in a Chinese KB.
_CHINESE_TARGETS = ("synonyms", "english")


@dataclass(frozen=True)
class LexiconIssue:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class LexiconError(Exception):
    def __init__(self, issues: list[LexiconIssue]) -> None:
        super().__init__("\n".join(str(i) for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class Lexicon:
    """The tables as the matcher uses them."""

    colloquial: dict[str, tuple[str, ...]]  # everyday word → official words, first most likely
    stopwords: frozenset[str]
    ask_words: frozenset[str]
    kin_words: frozenset[str]
    narrative_words: frozenset[str]
    request_markers: frozenset[str]
    english: dict[str, tuple[str, ...]]  # cleaned English phrase → Chinese words
    english_kin: frozenset[str]
    english_stopwords: frozenset[str]
    english_asks: frozenset[str]
    english_question_words: frozenset[str]
    off_topic: frozenset[str]
    off_topic_acts: dict[str, str]  # procedure → core an item's name must contain


@dataclass
class _Reader:
    shown: Path  # how files are named in messages
    issues: list[LexiconIssue] = field(default_factory=list)
    words: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, list[tuple[list[str], list[str]]]] = field(default_factory=dict)
    # (table, word) → what it means so far and the line of its first group
    said: dict[tuple[str, str], tuple[set[str], int]] = field(default_factory=dict)

    def error(self, file: Path, node: Node, message: str) -> None:
        self.issues.append(LexiconIssue(self.name(file), node.start_mark.line + 1, message))

    def name(self, file: Path) -> str:
        return str(self.shown / file.name)

    def read(self, file: Path) -> None:
        try:
            root = yaml.compose(file.read_text(encoding="utf-8"), Loader=_COMPOSER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            self.issues.append(LexiconIssue(self.name(file), line, f"YAML syntax error: {exc}"))
            return
        if root is None:
            return
        if not isinstance(root, MappingNode):
            self.error(file, root, "a lexicon file is a mapping of table name → table")
            return
        for key, value in root.value:
            name = key.value
            if name not in TABLES:
                self.error(file, key, f"unknown table {name!r} (known: {', '.join(TABLES)})")
                continue
            kind, target = TABLES[name]
            if kind == WORDS:
                self._word_list(file, name, value)
            else:
                self._group_list(file, name, target, value)

    def _texts(self, file: Path, node: Node, what: str) -> Iterator[tuple[str, Node]]:
        if not isinstance(node, SequenceNode):
            self.error(file, node, f"{what} must be a list of words")
            return
        for element in node.value:
            if not isinstance(element, ScalarNode) or element.tag != "tag:yaml.org,2002:str":
                self.error(file, element, f"{what}: {getattr(element, 'value', '')!r} is not text "
                           "(quote numbers and yes/no)")
            elif not element.value.strip():
                self.error(file, element, f"{what}: empty word")
            else:
                yield element.value.strip(), element

    def _word_list(self, file: Path, name: str, node: Node) -> None:
        words = self.words.setdefault(name, [])
        seen = set(words)
        for word, element in self._texts(file, node, name):
            if word in seen:
                self.error(file, element, f"{name}: {word!r} is listed twice")
                continue
            seen.add(word)
            words.append(word)

    def _group_list(self, file: Path, name: str, target: str, node: Node) -> None:
        groups = self.groups.setdefault(name, [])
        if not isinstance(node, SequenceNode):
            self.error(file, node, f"{name} must be a list of groups")
            return
        for group in node.value:
            if not isinstance(group, MappingNode):
                self.error(file, group, f"{name}: a group is {{say: [...], {target}: [...]}}")
                continue
            fields = {k.value: v for k, v in group.value}
            for key, _ in group.value:
                if key.value not in ("say", target):
                    self.error(file, key, f"{name}: unknown field {key.value!r} "
                               f"(a group has say and {target})")
            say = self._group_words(file, name, "say", fields.get("say"), group)
            means = self._group_words(file, name, target, fields.get(target), group)
            if not say or not means:
                self.error(file, group, f"{name}: empty group (it needs words under say and {target})")
                continue
            if target == "core" and len(means) != 1:
                self.error(file, group, f"{name}: a group has exactly one core")
                continue
            if name in _CHINESE_TARGETS:
                for word in means:
                    if not _HAN.search(word) or _LATIN.search(word):
                        self.error(file, group, f"{name}: unknown target {word!r}: the words "
                                   f"under {target} are Chinese words a knowledge base uses")
            if name == "english":
                say = [english_key(w) for w in say]
            self._repeats(file, name, group, say, means)
            groups.append((say, means))

    def _repeats(self, file: Path, name: str, group: Node, say: list[str], means: list[str]) -> None:
        """A word may be said in several groups (it then means all of them), but a group
        that adds nothing to what the word already means is a duplicate."""
        for word in say:
            before = self.said.get((name, word))
            if before is None:
                self.said[(name, word)] = (set(means), group.start_mark.line + 1)
            elif before[0].issuperset(means):
                self.error(file, group, f"{name}: {word!r} already means all of this "
                           f"(its group at line {before[1]})")
            else:
                before[0].update(means)

    def _group_words(self, file: Path, name: str, what: str, node: Node | None,
                     group: Node) -> list[str]:
        if node is None:
            return []
        words: list[str] = []
        for word, element in self._texts(file, node, f"{name} {what}"):
            if word in words:
                self.error(file, element, f"{name}: {word!r} is listed twice in one group")
            else:
                words.append(word)
        return words


def english_key(phrase: str) -> str:
    """An English phrase spelled as questions are after cleaning: "driver's license" is
    looked up as driver s license."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", phrase.lower()).split())


def _table(groups: list[tuple[list[str], list[str]]]) -> dict[str, tuple[str, ...]]:
    """Say-word → means, in order; a word said in several groups means all of them."""
    table: dict[str, tuple[str, ...]] = {}
    for say, means in groups:
        for word in say:
            table[word] = tuple(dict.fromkeys((*table.get(word, ()), *means)))
    return table


def read_lexicon(directory: Path | None = None) -> tuple[Lexicon, list[LexiconIssue]]:
    """All tables of a lexicon folder (default: the shipped one), and every problem found."""
    directory = directory or LEXICON_DIR
    # The shipped tables are named as in the source tree, where a maintainer edits them.
    reader = _Reader(Path("knowledge", "lexicon") if directory == _SHIPPED else directory)
    for file in table_files(directory):
        reader.read(file)
    missing = [name for name, (kind, _) in TABLES.items()
               if name not in (reader.words if kind == WORDS else reader.groups)]
    reader.issues += [LexiconIssue(str(reader.shown), 0, f"table {name!r} is missing") for name in missing]
    groups = {name: reader.groups.get(name, []) for name in TABLES}
    # Word lists are sets: membership is all that counts.
    word_sets = {name: frozenset(reader.words.get(name, ())) for name, (kind, _) in TABLES.items()
                 if kind == WORDS}
    lexicon = Lexicon(
        colloquial=_table(groups["synonyms"]),
        english=_table(groups["english"]),
        off_topic_acts={phrase: core for say, (core,) in groups["off_topic_acts"] for phrase in say},
        **word_sets,
    )
    return lexicon, reader.issues


def table_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or LEXICON_DIR).glob("*.yaml"))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon; raises LexiconError when a table is broken. Parsing and
    checking the YAML takes longer than the matcher's index build, so the checked tables
    are cached (knowledge/cache.py) until a file — or this loader — changes."""

    def build() -> dict:
        tables, issues = read_lexicon()
        if issues:
            raise LexiconError(issues)
        return {f.name: getattr(tables, f.name) for f in fields(Lexicon)}

    return Lexicon(**cached("lexicon", [*table_files(), Path(__file__)], "", build))
