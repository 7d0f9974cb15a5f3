"""Is the best-ranked item really what the resident means? A small logistic model.

The matcher ranks items well (the right one is in its top three almost always);
what remains is knowing when to trust the first. A fixed threshold on the score
fails both ways: a long message is mostly story nobody can explain, so even its
right item explains a small share; a short off-topic question may share one word
with an item and score high. So the decision weighs several measurements of the
evidence (`Evidence`), each independent of the knowledge base's size:

- how much of the question the top item explains (share and absolute weight), and
  by how much it beats the runner-up;
- how much of the question no item explains at all, how much other items explain
  better, and how much of it is a subject the center does not serve (off-topic
  lexicon);
- whether the item's name is spelled out; how long the question is, and how much
  of it is the request rather than narrative.

The coefficients are fitted by `bench/fit_confidence.py` on the development cases
and on the cases of the three development knowledge bases under tests/data — never on
the public case file — and pasted below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """What the matcher found for one question (shares are of the question's weight)."""

    score: float  # ranking score of the top item (coverage and name bonus)
    runner_up: float  # ranking score of the second item
    coverage: float  # share of the question the top item explains
    runner_coverage: float  # the best share any other item explains
    explained: float  # weight the top item explains, in units of one specific word
    unexplained: float  # share no item explains at all
    elsewhere: float  # share other items explain better than the top item
    off_topic: float  # share that is a subject the center does not serve
    gap: float  # share that is a recognised service this KB has no words for
    name_bonus: float  # how completely the top item's name or an alias is spelled out
    concepts: int  # content words and phrases in the question
    request_share: float  # share of the weight in the request (not narrative) clauses
    request_coverage: float  # share of the request clauses the top item explains
    request_unexplained: float  # share of the request clauses no item explains
    total: float  # the question's weight, in units of one specific word


FEATURES = ("score", "margin", "coverage", "unexplained", "off_topic", "gap", "name_bonus",
            "log_explained", "log_concepts")


def features(e: Evidence) -> list[float]:
    """The model's inputs, in the order of FEATURES."""
    return [
        e.score,
        e.score - e.runner_up,
        e.coverage,
        e.unexplained,
        e.off_topic,
        e.gap,
        e.name_bonus,
        math.log1p(e.explained),
        math.log1p(e.concepts),
    ]


# Fitted by bench/fit_confidence.py (see the module docstring); intercept first.
INTERCEPT = -3.9901
WEIGHTS = {
    "score": 2.1695, "margin": 5.3304, "coverage": 0.6596, "unexplained": -0.4698,
    "off_topic": -5.7735, "gap": -1.3938, "name_bonus": 1.5756, "log_explained": 2.5646,
    "log_concepts": 0.9894,
}
THRESHOLD = 0.59


def probability(e: Evidence) -> float:
    """Estimated probability that the top item is the one meant."""
    z = INTERCEPT + sum(WEIGHTS[name] * x for name, x in zip(FEATURES, features(e), strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def confident(e: Evidence | None) -> bool:
    return e is not None and probability(e) >= THRESHOLD
