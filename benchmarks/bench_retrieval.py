"""How fast igbot builds its index and answers, on the shipped and on a 10,000-entry knowledge base.

    uv run python benchmarks/bench_retrieval.py [--semantic-weight 0.5]

The questions are those of benchmarks/eval/questions.yaml, asked three times over: the first
pass meets an empty typo-correction cache, so its figures are given on their own too. The
synthetic knowledge base is made deterministically from the shipped entries: each copy has a
tenth to a half of its words swapped for invented words from a 20,000-word lexicon, so the
vocabulary and the posting lists grow as they would with a much larger real one.
Between the two, the longest messages Slack allows, written to be slow, are answered as in chat
(the search, the mishap wordings, the identifier check): no message may hold the bot up.
--semantic-weight W measures the index with the semantic signal's re-ordering at weight W (off
in the shipped settings): its embeddings are read once, before the timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import yaml

from bot.core.profile import load_profile
from bot.core.settings import EXAMPLE_PROFILE
from knowledge.answers import KnowledgeAnswerer
from knowledge.entries import Entry, load_entries
from knowledge.retrieval import KnowledgeIndex, RankingSettings, load_language
from knowledge.semantic import load_embeddings

QUESTIONS_PATH = Path(__file__).resolve().parent / "eval" / "questions.yaml"
SYNTHETIC_SIZE = 10_000
PASSES = 3
_SYLLABLES = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def lexicon(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synthetic_entries(entries: Sequence[Entry], *, size: int, seed: int = 402) -> list[Entry]:
    """`size` entries: the shipped ones, then varied copies of them with invented words."""
    rng = random.Random(seed)
    words = lexicon(rng, 20_000)

    def vary(text: str, rate: float) -> str:
        return " ".join(rng.choice(words) if len(w) > 3 and rng.random() < rate else w
                        for w in text.split())

    made = list(entries)
    while len(made) < size:
        base = entries[len(made) % len(entries)]
        rate = rng.uniform(0.1, 0.5)
        made.append(replace(
            base, id=f"{base.id}-{len(made):05d}", title=vary(base.title, rate),
            questions=tuple(vary(q, rate) for q in base.questions),
            answer=vary(base.answer, rate), tags=tuple(vary(t, rate) for t in base.tags),
            related=(),
        ))
    return made


def seconds(action: Callable[[], object], *, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def question_timings(index: KnowledgeIndex, questions: Sequence[str]) -> list[list[float]]:
    passes = []
    for _ in range(PASSES):
        timings = []
        for question in questions:
            start = time.perf_counter()
            index.ask(question)
            timings.append(time.perf_counter() - start)
        passes.append(timings)
    return passes


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def peak_build_memory(entries: Sequence[Entry], settings: RankingSettings) -> float:
    tracemalloc.start()
    index = KnowledgeIndex.build(entries, settings=settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return peak / 2**20


def describe(name: str, entries: Sequence[Entry], questions: Sequence[str],
             settings: RankingSettings) -> None:
    language = load_language()
    build = seconds(lambda: KnowledgeIndex.build(entries, language=language, settings=settings),
                    repeat=3)
    index = KnowledgeIndex.build(entries, language=language, settings=settings)
    passes = question_timings(index, questions)
    every = [t for timings in passes for t in timings]
    print(f"\n{name}: {len(entries)} entries, {len(questions)} questions x {PASSES} passes")
    print(f"  index build (median of 3):  {build * 1000:8.1f} ms")
    print(f"  per question, all passes:   p50 {percentile(every, 0.5) * 1000:6.2f} ms   "
          f"p99 {percentile(every, 0.99) * 1000:6.2f} ms   max {max(every) * 1000:6.2f} ms")
    print(f"  per question, first pass:   p50 {percentile(passes[0], 0.5) * 1000:6.2f} ms   "
          f"p99 {percentile(passes[0], 0.99) * 1000:6.2f} ms")
    print(f"  peak memory while building (tracemalloc): {peak_build_memory(entries, settings):7.1f} MiB")


# Messages as long as Slack allows (40,000 characters), written to be slow: the same word over and
# over for the mishap wordings' patterns, many identifiers for the redaction, one long word.
LONGEST_MESSAGES = {
    "one word again and again": "email " * 6_600,
    "a mishap's words again and again": "i sent " + "the wrong " * 3_999,
    "test NHS numbers again and again": "943 476 5919 " * 3_076,
    "one long word": "a" * 40_000,
}


def describe_longest_messages() -> None:
    """What a chat answer (the search, the mishap wordings, the identifier check) costs at Slack's longest message."""
    answerer = KnowledgeAnswerer.load(load_profile(EXAMPLE_PROFILE))
    today = dt.date(2026, 12, 7)
    print("\nthe longest messages, answered as in chat (search, mishaps, identifiers):")
    for name, message in LONGEST_MESSAGES.items():
        started = time.perf_counter()
        answerer.ask(message, today=today)
        print(f"  {name} ({len(message):,} characters): {(time.perf_counter() - started) * 1000:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semantic-weight", type=float, default=RankingSettings().semantic_weight)
    settings = RankingSettings(semantic_weight=parser.parse_args().semantic_weight)
    if settings.semantic_weight:
        start = time.perf_counter()
        load_embeddings()
        print(f"reading the word-piece embeddings: {(time.perf_counter() - start) * 1000:.1f} ms")
    start = time.perf_counter()
    entries = load_entries()
    loading = time.perf_counter() - start
    questions = [str(item["q"]) for item in yaml.safe_load(QUESTIONS_PATH.read_text("utf-8"))]
    print(f"loading {len(entries)} entries from YAML: {loading * 1000:.1f} ms")
    describe("shipped knowledge base", entries, questions, settings)
    describe_longest_messages()
    describe("synthetic knowledge base", synthetic_entries(entries, size=SYNTHETIC_SIZE), questions,
             settings)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process (getrusage): {peak_rss:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
