"""Match a resident's question to the service items of a knowledge base.

    matcher = Matcher(load_kb())
    result = matcher.match("孩子刚出生要上户口带什么")
    result.confident, result.matches[0].item.id, result.matches[0].score

How it scores (everything item-specific comes from the knowledge base itself):

1. The question becomes weighted concepts (query.py): words of the KB's vocabulary,
   colloquial words with their official synonyms, English words translated,
   pinyin (or its initials) turned back into words, unknown spans kept with their
   sound; the narrative clauses of a long message weigh half, the request in full.
2. Each item explains each concept as well as its best rendering appears in it,
   times the weight of the field it appears in (index.py). The item's *coverage* is
   the weighted share of the question it explains.
3. Items whose name or alias is (nearly) spelled out in the question get a bonus,
   measured with rapidfuzz on characters and on sound (half of it when the name is
   only in the story); and the share of an item's official name that the question
   says, in any rendering, separates siblings (参保登记 vs 待遇领取).
4. Whether the top item is meant is decided by a small logistic model over the
   evidence — scores, margin, unexplained, off-topic and unserved-service shares,
   length (confidence.py) — fitted on development cases and other KBs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from knowledge.confidence import Evidence, confident
from knowledge.index import ItemIndex, pinyin_bigrams, text_features
from knowledge.model import Faq, Item, KnowledgeBase, Material, Referral
from knowledge.normalize import MAX_QUERY_CHARS, clean_text, is_han, split_runs
from knowledge.pinyin import han_syllables, latin_syllables
from knowledge.query import NARRATIVE_CLAUSE, Concept, QueryAnalyzer, Rendering

COVERAGE_SHARE = 0.8  # the rest of the score is the name bonus
NAME_SHARE = 1.0 - COVERAGE_SHARE
NAME_COVER = 0.1  # added for the share of the item's official name the question says
RERANK = 8  # candidates whose name bonus is computed
NESTED_NAME = 0.5  # name bonus kept when the name is only part of another item's spelled name
FAQ_THRESHOLD = 0.4


@dataclass(frozen=True)
class Match:
    item: Item
    score: float


@dataclass(frozen=True)
class ReferralMatch:
    referral: Referral
    score: float


@dataclass(frozen=True)
class MatchResult:
    query: str
    confident: bool  # about the top *item*; a referral never makes an item answer
    matches: tuple[Match, ...]
    referral: ReferralMatch | None = None  # a confident referral when no item is meant

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


class Matcher:
    """Ranks items for questions; build once per knowledge base, then call match()."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        # Referrals are read by a matcher of their own, over the same scoring: the items'
        # index, vocabulary and confidence stay exactly what they were without referrals.
        self.referrals = ReferralMatcher(kb) if kb.referrals else None
        self.index = ItemIndex(kb)
        self.analyzer = QueryAnalyzer(self.index)
        # Names and aliases as compared: without spaces, two characters or more, with sound.
        self._names = [[(n.replace(" ", ""), _sound_string(n)) for n in names
                        if len(n.replace(" ", "")) >= 2] for names in self.index.names]
        self._name_features = [
            [(f, self.index.feature_idf(f)) for f in dict.fromkeys(text_features(names[0]))]
            if names else [] for names in self.index.names
        ]

    def match(self, question: str, top: int = 3) -> MatchResult:
        """Rank the items for a question; `confident` is False when none is really meant."""
        return self.explain(question, top)[0]

    def explain(self, question: str, top: int = 3) -> tuple[MatchResult, Evidence | None]:
        """match(), and the evidence its confidence was judged on (None: nothing matched).
        Referrals rank after the items: one is offered only when no item is meant, so a
        question the center serves is never sent elsewhere."""
        question = question if isinstance(question, str) else str(question)
        result, evidence = self._explain_items(question, top)
        if not result.confident and self.referrals is not None:
            referral = self.referrals.best(question)
            if referral is not None:
                result = MatchResult(result.query, False, result.matches, referral)
        return result, evidence

    def _explain_items(self, question: str, top: int) -> tuple[MatchResult, Evidence | None]:
        reading = self.analyzer.read(question)
        concepts = reading.concepts
        coverage, found = self._coverage(concepts)
        if not coverage:
            return MatchResult(question, False, ()), None
        shortlist = sorted(coverage, key=coverage.get, reverse=True)[: max(RERANK, top, 2)]
        query_text, query_sound = _query_strings(reading.request)
        query_text += "|" + "|".join(c.spelled for c in concepts if c.spelled)
        story_text, story_sound = _query_strings(reading.narrative)
        bonuses, spelled = {}, {}
        for index in shortlist:
            bonuses[index], spelled[index] = self._name_bonus(index, query_text, query_sound)
            if story_text and bonuses[index] < NARRATIVE_CLAUSE:
                # A name mentioned only in the story (已经办了残疾证) says less.
                story_bonus, story_spelled = self._name_bonus(index, story_text, story_sound)
                if NARRATIVE_CLAUSE * story_bonus > bonuses[index]:
                    bonuses[index], spelled[index] = NARRATIVE_CLAUSE * story_bonus, story_spelled
        # 优待证 spelled inside 老年人优待证 is not a second item's name spelled out.
        for index, name in spelled.items():
            if name and any(name != other and name in other for other in spelled.values()):
                bonuses[index] *= NESTED_NAME
        said = {f for c in concepts for r in c.renderings if not r.strict for f in r.features}
        named = {i: self._name_covered(i, said) for i in shortlist}
        scored = [(COVERAGE_SHARE * coverage[i] + NAME_SHARE * bonuses[i] + NAME_COVER * named[i], i)
                  for i in shortlist]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        matches = tuple(Match(self.index.items[i], round(min(1.0, s), 4))
                        for s, i in scored[: max(top, 0)])
        evidence = self._evidence(concepts, coverage, found, scored, bonuses)
        return MatchResult(question, confident(evidence), matches), evidence

    def _evidence(self, concepts: list[Concept], coverage: dict[int, float],
                  found: list[dict[int, float]], scored: list[tuple[float, int]],
                  bonuses: dict[int, float]) -> Evidence:
        total = sum(c.weight for c in concepts)
        unit = self.index.idf_unknown  # weight of one word found in a single item
        first = scored[0][1]
        second = scored[1][1] if len(scored) > 1 else None
        runner_coverage = max((v for i, v in coverage.items() if i != first), default=0.0)
        request = sum(c.weight for c in concepts if c.request)
        asked = [(c, f) for c, f in zip(concepts, found, strict=True) if c.request]
        return Evidence(
            score=scored[0][0],
            runner_up=scored[1][0] if second is not None else 0.0,
            coverage=coverage[first],
            runner_coverage=runner_coverage,
            explained=coverage[first] * total / unit,
            unexplained=sum(c.weight * (1 - min(1.0, max(f.values(), default=0.0)))
                            for c, f in zip(concepts, found, strict=True)) / total,
            elsewhere=sum(c.weight * max(0.0, min(1.0, max(f.values(), default=0.0)) - f.get(first, 0.0))
                          for c, f in zip(concepts, found, strict=True)) / total,
            off_topic=sum(c.weight for c in concepts if c.off_topic) / total,
            gap=sum(c.weight for c in concepts if c.gap) / total,
            name_bonus=bonuses[first],
            concepts=len(concepts),
            request_share=request / total,
            request_coverage=sum(c.weight * min(1.0, f.get(first, 0.0)) for c, f in asked) / request
            if request else 0.0,
            request_unexplained=sum(c.weight * (1 - min(1.0, max(f.values(), default=0.0)))
                                    for c, f in asked) / request if request else 1.0,
            total=total / unit,
        )

    def answer_faq(self, item: Item, question: str) -> Faq | None:
        """The FAQ entry of `item` that answers a follow-up question, or None."""
        if not item.faq:
            return None
        concepts = self.analyzer.analyse(question)
        total = sum(c.weight for c in concepts)
        if total <= 0:
            return None
        query_text, _ = _query_strings(question)
        best, best_score = None, 0.0
        for faq in item.faq:
            q_features = _feature_set(clean_text(faq.q))
            a_features = _feature_set(clean_text(faq.a))
            explained = sum(
                c.weight * max(_presence(c, q_features), 0.5 * _presence(c, a_features))
                for c in concepts
            )
            fuzzy = fuzz.partial_ratio(clean_text(faq.q).replace(" ", ""), query_text) / 100
            score = 0.8 * explained / total + 0.2 * fuzzy
            if score > best_score:
                best, best_score = faq, score
        return best if best_score >= FAQ_THRESHOLD else None

    # -- scoring -----------------------------------------------------------
    def _coverage(self, concepts: list[Concept]) -> tuple[dict[int, float], list[dict[int, float]]]:
        """Weighted share of the question's concepts each item explains, and for each
        concept how well each item explains it."""
        total = sum(c.weight for c in concepts)
        if total <= 0:
            return {}, []
        postings = self.index.postings
        explained: dict[int, float] = defaultdict(float)
        found_by_concept: list[dict[int, float]] = []
        for concept in concepts:
            best: dict[int, float] = {}
            for rendering in concept.renderings:
                share = rendering.factor / len(rendering.features)
                found: dict[int, float] = defaultdict(float)
                for feature in rendering.features:
                    for item, weight in postings.get(feature, {}).items():
                        found[item] += weight * share
                anchored = _anchored(rendering, postings)
                for item, value in found.items():
                    if anchored is not None and item not in anchored:
                        continue
                    if rendering.strict:
                        value = value * value / rendering.factor
                    if value > best.get(item, 0.0):
                        best[item] = value
            for item, value in best.items():
                explained[item] += concept.weight * value
            found_by_concept.append(best)
        return {item: value / total for item, value in explained.items()}, found_by_concept

    def _name_covered(self, index: int, said: set[str]) -> float:
        """Share of the item's official name the question says, in any of its renderings,
        weighted by specificity: 待遇领取 said tells 养老保险待遇领取 from 养老保险参保登记."""
        features = self._name_features[index]
        total = sum(w for _, w in features)
        return sum(w for f, w in features if f in said) / total if total else 0.0

    def _name_bonus(self, index: int, query_text: str, query_sound: str) -> tuple[float, str]:
        """How completely the item's name or an alias is spelled out in the question, and
        the longest one spelled out exactly ("" if none)."""
        best = 0.0
        spelled = ""
        for name, sound in self._names[index]:
            if name in query_text:
                spelled = max(spelled, name, key=len)
            if spelled:
                continue
            # Only scores above what is already found (and above 60) matter: the cutoff
            # lets rapidfuzz give up early on the many names that do not.
            trust = _length_trust(name)
            cutoff = 100 * max(0.6, best) / trust
            if cutoff <= 100:
                best = max(best, fuzz.partial_ratio(name, query_text, score_cutoff=cutoff)
                           / 100 * trust)
            cutoff = 100 * max(0.6, best) / (0.9 * trust)
            if sound and query_sound and cutoff <= 100:
                best = max(best, 0.9 * fuzz.partial_ratio(sound, query_sound, score_cutoff=cutoff)
                           / 100 * trust)
        if spelled:
            return 1.0, spelled
        # Only near-complete spellings count: partial_ratio gives 50 to any shared half.
        return max(0.0, (best - 0.6) / 0.4), ""


class ReferralMatcher:
    """Ranks a knowledge base's referrals: each is read as an item (name, aliases, keywords,
    category, office, what to bring) by a matcher over the referrals alone, with the same
    confidence model. A referral is offered only when the question *names* it — one of
    its names, aliases or keywords said outright, in Chinese, English or pinyin — since
    sending a resident to another office on a hunch is worse than asking staff."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.by_id = {r.id: r for r in kb.referrals}
        self.matcher = Matcher(KnowledgeBase(items=tuple(_as_item(r) for r in kb.referrals)))
        self._words = {r.id: {w for n in (r.name, *r.aliases, *r.keywords)
                              if (w := clean_text(n).replace(" ", ""))} for r in kb.referrals}

    def best(self, question: str) -> ReferralMatch | None:
        """The referral meant, or None when none is meant confidently."""
        result = self.matcher.match(question, top=2)
        if not result.confident or result.best is None:
            return None
        referral = self.by_id[result.best.item.id]
        if not self.named(referral, question):
            return None
        return ReferralMatch(referral, result.best.score)

    def named(self, referral: Referral, question: str) -> bool:
        """Whether the question says one of the referral's words outright (or in English
        or pinyin, as the reading spells it in Chinese)."""
        words = self._words[referral.id]
        said = clean_text(question, MAX_QUERY_CHARS).replace(" ", "")
        if any(w in said for w in words):
            return True
        spelled = {alt for c in self.matcher.analyzer.analyse(question) if c.spelled
                   for alt in c.spelled.split("|")}
        return bool(spelled & words)


def _as_item(ref: Referral) -> Item:
    return Item(id=ref.id, name=ref.name, kind="咨询", aliases=ref.aliases,
                keywords=ref.keywords, category=ref.category, department=ref.office,
                materials=tuple(Material(name=b) for b in ref.bring), source=ref.source)


def _anchored(rendering: Rendering, postings: dict[str, dict[int, float]]) -> set[int] | None:
    """Items holding one of the rendering's anchor characters (None: no anchors)."""
    if not rendering.anchors:
        return None
    return {item for a in rendering.anchors for item in postings.get(a, ())}


def _length_trust(name: str) -> float:
    """Fuzzy matches of two-character names are mostly coincidence."""
    return 0.8 if len(name) <= 2 else 1.0


def _query_strings(question: str) -> tuple[str, str]:
    """The question as one cleaned Han/Latin string, and as one pinyin string."""
    runs = split_runs(clean_text(question, MAX_QUERY_CHARS))
    text = "".join(runs)
    sound = "".join(s for r in runs for s in _run_sound(r))
    return text, sound


def _run_sound(run: str) -> Sequence[str]:
    if is_han(run):
        return han_syllables(run)
    return latin_syllables(run) or [run]


def _sound_string(name: str) -> str:
    return "".join(s for r in split_runs(name) for s in (han_syllables(r) if is_han(r) else [r]))


def _feature_set(text: str) -> set[str]:
    features = set(text_features(text))
    features.update("#" + ch for r in split_runs(text) if is_han(r) for ch in r)
    for run in split_runs(text):
        if is_han(run):
            features.update(pinyin_bigrams(han_syllables(run)))
    return features


def _presence(concept: Concept, features: set[str]) -> float:
    best = 0.0
    for rendering in concept.renderings:
        hit = sum(1 for f in rendering.features if f in features) / len(rendering.features)
        best = max(best, hit * rendering.factor)
    return best
