"""Fit igbot's answer confidence on the tune splits (tune and staff tune), and choose the threshold.

    uv run python benchmarks/fit_confidence.py

The confidence is a logistic model over knowledge.confidence.confidence_features (the best
candidate's scores, its lead over the runner-up, the question's length...). It is fitted to
tell the tune questions whose best candidate is the expected entry (label 1) from the
out-of-scope ones (label 0). In-scope questions whose best candidate is wrong are left out of
the fit: whether such a question is answered or declined it is a miss, and as negatives they
taught the model to doubt every question near a neighbouring entry, which declined right
answers to questions it had not seen (the phrasing cross-validation in benchmarks/README.md
measures this). Features are standardised, the model is
fitted by gradient descent with a small L2 penalty, and the weights are printed on the raw
scale for RankingSettings.confidence_weights. The threshold printed declines at least 95% of
the tune split's out-of-scope questions and answers as many of its right best candidates as
any such threshold; of the band of thresholds that do both, it takes the middle, so that it
keeps the widest margin on each side rather than sitting just above one out-of-scope
question. Only the tune splits are read: the held-out and fresh splits never shape the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from eval_set import TUNE_SPLITS, load_questions

from knowledge.confidence import confidence_features
from knowledge.entries import load_entries
from knowledge.retrieval import KnowledgeIndex

PENALTY = 0.05
STEPS = 5000
RATE = 0.5
DECLINE_TARGET = 0.95


def tune_examples(
    index: KnowledgeIndex,
) -> tuple[list[tuple[float, ...]], list[int], list[bool], int]:
    """Features, labels and scope of the tune questions the confidence decides on, and how many
    out-of-scope tune questions are declined before it does (no candidate, or off topic)."""
    features, labels, in_scope = [], [], []
    without_candidates = 0
    entry_ids = {entry.id for entry in index.entries}
    for question in load_questions(entry_ids=entry_ids, with_fresh=False):
        if question.split not in TUNE_SPLITS:
            continue
        signals = index.signals(question.text)
        if signals is None or index.off_topic(signals):  # declined whatever the confidence says
            without_candidates += question.expected is None
            continue
        features.append(confidence_features(signals.leaders, term_count=signals.term_count))
        labels.append(int(signals.best.id == question.expected))
        in_scope.append(question.expected is not None)
    return features, labels, in_scope, without_candidates


def fit(features: Sequence[Sequence[float]], labels: Sequence[int]) -> list[float]:
    """Logistic regression weights (intercept first) on the features' raw scale."""
    count, width = len(features), len(features[0])
    means = [sum(row[i] for row in features) / count for i in range(width)]
    spreads = [max(1e-6, math.sqrt(sum((row[i] - means[i]) ** 2 for row in features) / count))
               for i in range(width)]
    rows = [[(row[i] - means[i]) / spreads[i] for i in range(width)] for row in features]
    weights = [0.0] * (width + 1)
    for _ in range(STEPS):
        gradient = [0.0] * (width + 1)
        for row, label in zip(rows, labels):
            error = _sigmoid(weights[0] + sum(w * x for w, x in zip(weights[1:], row))) - label
            gradient[0] += error
            for i, value in enumerate(row):
                gradient[i + 1] += error * value
        weights[0] -= RATE * gradient[0] / count
        for i in range(width):
            weights[i + 1] -= RATE * (gradient[i + 1] / count + PENALTY * weights[i + 1])
    raw = [weights[i + 1] / spreads[i] for i in range(width)]
    intercept = weights[0] - sum(w * m for w, m in zip(raw, means))
    return [intercept, *raw]


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, value))))


def confidence(weights: Sequence[float], row: Sequence[float]) -> float:
    return _sigmoid(weights[0] + sum(w * x for w, x in zip(weights[1:], row)))


def choose_threshold(scores: Sequence[float], labels: Sequence[int], in_scope: Sequence[bool],
                     *, always_declined: int) -> float:
    """The middle of the widest band of thresholds that decline DECLINE_TARGET of the
    out-of-scope questions and, among those, answer the most right best candidates."""
    outside = sum(1 for inside in in_scope if not inside) + always_declined
    grid = [step / 1000 for step in range(1001)]

    def outcome(threshold: float) -> tuple[int, int]:
        hits = sum(1 for s, label, inside in zip(scores, labels, in_scope)
                   if inside and label and s >= threshold)
        declined = always_declined + sum(1 for s, inside in zip(scores, in_scope)
                                         if not inside and s < threshold)
        return hits, declined

    allowed = [t for t in grid if outcome(t)[1] >= DECLINE_TARGET * outside]
    best = max(outcome(t) for t in allowed)
    bands: list[list[float]] = []
    for threshold in allowed:
        if outcome(threshold) != best:
            continue
        if bands and round(threshold - bands[-1][-1], 3) == 0.001:
            bands[-1].append(threshold)
        else:
            bands.append([threshold])
    widest = max(bands, key=len)
    return round((widest[0] + widest[-1]) / 2, 3)


def main() -> int:
    index = KnowledgeIndex.build(load_entries())
    features, labels, in_scope, always_declined = tune_examples(index)
    training = [n for n, (label, inside) in enumerate(zip(labels, in_scope)) if label or not inside]
    weights = fit([features[n] for n in training], [labels[n] for n in training])
    scores = [confidence(weights, row) for row in features]
    threshold = choose_threshold(scores, labels, in_scope, always_declined=always_declined)
    hits = sum(1 for s, label, inside in zip(scores, labels, in_scope) if inside and label and s >= threshold)
    declined = always_declined + sum(1 for s, inside in zip(scores, in_scope) if not inside and s < threshold)
    outside = always_declined + sum(1 for inside in in_scope if not inside)
    print(f"confidence_weights = ({', '.join(f'{w:.3f}' for w in weights)})")
    print(f"threshold = {threshold}")
    print(f"tune split with these: hit@1 {hits}/{sum(in_scope)}, "
          f"out-of-scope declined {declined}/{outside}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
