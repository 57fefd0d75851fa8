"""Cross-validation over the entries' own phrasings: a check that needs no evaluation question.

    uv run python benchmarks/phrasing_cv.py [--semantic-weight 0.5] [--confusions 30]

The phrasings of every entry are split into three folds by position. For each fold, the index
is built without that fold's phrasings and asked each of them; a phrasing is right when its
own entry comes first. It prints the share ranked right (top-1) and, of those, the share the
shipped confidence answers rather than declines. The phrasings were written from the entries,
not from the evaluation questions, so this measures how the ranking and the confidence carry
over to wordings they were not built from; it is used to compare engine changes beside the
tune split, which is small. --semantic-weight W ranks with the semantic signal's re-ordering
at weight W (off in the shipped settings); each fold's index embeds only its kept phrasings.
The shipped embeddings were tuned on every phrasing (benchmarks/tune_embeddings.py), so here they
have seen the phrasings asked; `tune_embeddings.py --cross-validate` tunes without each fold and
is the figure to quote for them.
--confusions N also lists the N pairs of entries whose phrasings are most often ranked as each
other's: where the knowledge base itself blurs two topics.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from knowledge.entries import Entry, load_entries
from knowledge.retrieval import KnowledgeIndex, RankingSettings

FOLDS = 3


@dataclass(frozen=True)
class FoldResult:
    asked: int
    ranked_first: int
    answered_right: int
    confused: Counter[tuple[str, str]]  # (entry, entry ranked first instead), both in id order


def held_out_fold(entries: Sequence[Entry], *, fold: int) -> tuple[list[Entry], list[tuple[str, str]]]:
    """The entries without the fold's phrasings, and those phrasings with their entry id."""
    kept, asked = [], []
    for entry in entries:
        kept.append(replace(entry, questions=tuple(
            q for n, q in enumerate(entry.questions) if n % FOLDS != fold)))
        asked += [(q, entry.id) for n, q in enumerate(entry.questions) if n % FOLDS == fold]
    return kept, asked


def run_fold(entries: Sequence[Entry], *, fold: int, settings: RankingSettings) -> FoldResult:
    kept, asked = held_out_fold(entries, fold=fold)
    index = KnowledgeIndex.build(kept, settings=settings)
    ranked_first = answered_right = 0
    confused: Counter[tuple[str, str]] = Counter()
    for question, entry_id in asked:
        candidates = index.rank(index.analyse(question), question=question)
        if not candidates or candidates[0].entry.id != entry_id:
            if candidates:
                confused[tuple(sorted((entry_id, candidates[0].entry.id)))] += 1  # type: ignore[index]
            continue
        ranked_first += 1
        answered_right += index.ask(question).answered
    return FoldResult(asked=len(asked), ranked_first=ranked_first, answered_right=answered_right, confused=confused)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semantic-weight", type=float, default=RankingSettings().semantic_weight)
    parser.add_argument("--confusions", type=int, default=0, metavar="N",
                        help="also list the N most confused pairs of entries")
    arguments = parser.parse_args()
    settings = RankingSettings(semantic_weight=arguments.semantic_weight)
    entries = load_entries()
    results = [run_fold(entries, fold=fold, settings=settings) for fold in range(FOLDS)]
    asked = sum(r.asked for r in results)
    first = sum(r.ranked_first for r in results)
    answered = sum(r.answered_right for r in results)
    print(f"{len(entries)} entries, {asked} phrasings in {FOLDS} folds")
    print(f"  top-1 (own entry ranked first):           {first / asked:6.1%} ({first}/{asked})")
    print(f"  of those, answered (not declined):        {answered / first:6.1%} ({answered}/{first})")
    print(f"  hit@1 (own entry first and answered):     {answered / asked:6.1%} ({answered}/{asked})")
    if arguments.confusions:
        print(f"\nthe {arguments.confusions} pairs of entries most often ranked as each other (phrasings, both ways):")
        for (one, other), count in sum((r.confused for r in results), Counter()).most_common(arguments.confusions):
            print(f"  {count:4d}  {one}  <->  {other}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
