"""What the channel benchmarks send and how they summarise it: the same questions, the same percentiles."""

from __future__ import annotations

QUESTIONS = (
    "what is a personal data breach?",
    "how long do we keep adult health records",
    "can I email a care plan to a GP",
    "what are the caldicott principles",
    "who is our data protection officer",
    "do I need consent to share for direct care",
    "what should I do if I lose my laptop",
    "what is the national data opt-out",
)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank); NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
