"""Knowledge gaps: questions the matcher could not answer confidently, grouped by how the
matcher reads them — the same concepts make the same group, whatever the wording.

`reading_key` turns a question into its concepts' canonical renderings (the official word a
colloquial one stands for: 坏了 → 损坏), sorted; `cluster` merges readings that share most of
their concepts, so 路灯坏了找谁修 and 村里的路灯坏了找谁来修 end up in one group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from knowledge.matcher import Matcher

MAX_KEY = 300  # the column's width
SIMILAR = 0.5  # Jaccard similarity of two readings' concepts that puts them in one group


def reading_key(matcher: Matcher, question: str) -> str:
    """The question's concepts as the matcher reads them, canonical and sorted ("" if none).

    Unknown single characters and the story of a long message are left out: the group is
    about what is asked, not the words around it."""
    keys = set()
    for concept in matcher.analyzer.read(question).concepts:
        if not concept.request or concept.kind == "unknown":
            continue
        keys.add("+".join(concept.renderings[-1].features).replace(" ", "_"))
    out = ""
    for key in sorted(keys):
        if len(out) + len(key) + 1 > MAX_KEY:
            break
        out = f"{out} {key}" if out else key
    return out


@dataclass
class GapGroup:
    """Readings merged into one gap, with how many questions and a few of their texts."""

    readings: list[str]
    count: int
    examples: list[str] = field(default_factory=list)

    @property
    def example(self) -> str:
        return self.examples[0] if self.examples else ""

    @property
    def concepts(self) -> set[str]:
        return {c for r in self.readings for c in r.split()}


def similar(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= SIMILAR


def cluster(readings: Iterable[tuple[str, int, list[str]]], *, examples: int = 3) -> list[GapGroup]:
    """Group (reading, count, texts) — most asked first — into gaps, largest first. A reading
    joins the first group whose founding reading it resembles."""
    groups: list[tuple[set[str], GapGroup]] = []
    for reading, count, texts in sorted(readings, key=lambda r: (-r[1], r[0])):
        if not reading:
            continue
        concepts = set(reading.split())
        for seed, group in groups:
            if similar(seed, concepts):
                group.readings.append(reading)
                group.count += count
                group.examples.extend(t for t in texts if t not in group.examples)
                break
        else:
            groups.append((concepts, GapGroup([reading], count, list(dict.fromkeys(texts)))))
    out = [g for _, g in groups]
    for g in out:
        g.examples = sorted(g.examples, key=len)[:examples]
    return sorted(out, key=lambda g: -g.count)


def question_language(text: str) -> str:
    """zh when the question has any Chinese character, en when it is written in Latin letters."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "zh"
    return "en" if any(ch.isascii() and ch.isalpha() for ch in text) else "zh"
