"""How sure the index is that its best candidate answers the question.

The confidence is a logistic model over a few signals of the ranked candidates, fitted on the
tune split by benchmarks/fit_confidence.py; the index answers when it reaches a threshold
chosen there (numbers in benchmarks/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.entries import Entry


@dataclass(frozen=True)
class Candidate:
    """An entry ranked for a question, with the signals behind its confidence."""

    entry: Entry
    score: float
    lexical: float
    similarity: float
    heading_coverage: float
    coverage: float
    rarest_match: float
    matched_share: float


def confidence_features(candidates: Sequence[Candidate], *, term_count: int) -> tuple[float, ...]:
    """What the confidence model weighs: the best candidate's blend, lexical score, phrasing
    similarity, idf-weighted coverage of the question, its lead over the runner-up, the
    question's length (log of its term count), its rarest matched term, matched share, and
    the share of the question found in its title and tags (a long message about a client
    still names the topic; an off-topic one matches only words used in passing)."""
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    return (best.score, best.lexical, best.similarity, best.coverage, best.score - runner_up,
            math.log1p(term_count), best.rarest_match, best.matched_share,
            best.heading_coverage)


def logistic(weights: Sequence[float], features: Sequence[float]) -> float:
    """The logistic model's probability for `features`; `weights` has the intercept first."""
    intercept, *slopes = weights
    logit = intercept + sum(weight * value for weight, value in zip(slopes, features))
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, logit))))
