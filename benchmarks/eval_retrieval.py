"""How well igbot finds the right entry, beside two baselines over the seed policy's paragraphs.

    uv run python benchmarks/eval_retrieval.py [--failures] [--tune-only] [--semantic-weight 0.5]

For each split (tune and held-out from benchmarks/eval/questions.yaml, "fresh held-out"
from benchmarks/eval/fresh-heldout.yaml, "staff tune" and "staff fresh" from
benchmarks/eval/staff-questions.yaml, and the second staff set from
benchmarks/eval/staff-questions-2.yaml, when they exist; see eval_set.py) it prints:
  * hit@1: the share of in-scope questions answered with the expected entry (a decline is a
    miss); also on the subset whose expected entry cites a DQ402 section;
  * top-1: the same without declining (is the best candidate the expected one?);
  * declined: the share of out-of-scope questions declined;
  * key facts: the share of in-scope questions answered with the expected entry whose answer,
    as the example organisation's profile renders it, states every expected fact (igbot only;
    a question without facts needs only the right entry);
  * confidently wrong: answers that are not right (the wrong entry, or any answer to an
    out-of-scope question), per 100 questions of the split;
  * close calls: how many questions igbot answered with two entries' answers (the runner-up
    fits almost as well), and for how many the second was the expected entry. The figures
    above judge the first answer alone.
Baselines rank the paragraphs of DQ402 (../shared/seeds/) with BM25 (rank-bm25) and with
rapidfuzz (token_set_ratio, WRatio); a baseline hits when its best paragraph lies in a DQ402
section the expected entry cites, so it can only hit questions whose entry cites DQ402. A
baseline declines below a score threshold chosen on the tune split (the one that maximises
hits plus declined out-of-scope questions there) and applied unchanged to the held-out split.
--semantic-weight W adds a row for igbot with the semantic signal's re-ordering at weight W
(knowledge/semantic.py; off in the shipped settings), beside the shipped igbot.
Expected entries are carried through merges of entries (eval/merged.yaml). --failures
lists the tune splits' misses (tune, staff tune, the opened staff fresh and the second staff
tune), never the held-out or fresh ones: the engine is not tuned to them, and for those splits
only aggregates are printed. --tune-only
prints the tune splits alone: what to watch while changing the content, so that the held-out
and fresh aggregates are printed only for a configuration worth reporting.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval_set import SPLIT_NAMES, SPLITS, TUNE_SPLITS, EvalQuestion, load_questions, states_facts
from policy_sections import Paragraph, PolicyMissing, cited_sections, lies_in, load_paragraphs
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process, utils

from bot.core.profile import load_profile
from knowledge.entries import Entry, load_entries
from knowledge.mishaps import load_mishaps, with_incident_advice
from knowledge.retrieval import KnowledgeIndex, RankingSettings, render_answer

EXAMPLE_PROFILE = Path(__file__).resolve().parent.parent / "bot" / "profiles" / "example.yaml"

_BASELINE_STOPWORDS = frozenset(
    "a an and are as at be by can do does for from have how i if in is it me my of on or "
    "our so that the their them there they this to was we what when where which who why "
    "will with you your".split()
)


@dataclass(frozen=True)
class Outcome:
    """What a ranker did with one question."""

    question: EvalQuestion
    answered: bool
    top_right: bool
    score: float
    got: str
    facts_stated: bool | None = None  # None: not scored (a baseline)
    also: str | None = None  # a close call's runner-up, whose answer is shown too

    @property
    def hit(self) -> bool:
        return self.answered and self.top_right

    @property
    def confidently_wrong(self) -> bool:
        """Answered, and not with the expected entry (any answer to an out-of-scope question)."""
        return self.answered and not (self.question.expected and self.top_right)


Ranker = Callable[[str], tuple[int, float]]


def igbot_outcomes(index: KnowledgeIndex, questions: Sequence[EvalQuestion],
                   values: Mapping[str, str]) -> list[Outcome]:
    """What igbot answers, as in chat: the search, then the incident advice for a message that
    tells of something going wrong (knowledge/mishaps.py); each answer rendered with the
    profile's `values` to check its facts."""
    mishaps, entries = load_mishaps(), {entry.id: entry for entry in index.entries}
    outcomes = []
    for question in questions:
        answer = with_incident_advice(question.text, index.ask(question.text), mishaps=mishaps, entries=entries)
        candidates = index.rank(index.analyse(question.text), question=question.text)
        top = answer.entry.id if answer.entry else candidates[0].entry.id if candidates else "-"
        text = render_answer(entries[top], values) if top in entries else ""
        outcomes.append(Outcome(question=question, answered=answer.answered,
                                top_right=top == question.expected, score=answer.score, got=top,
                                facts_stated=states_facts(text, question.facts),
                                also=answer.related[0].id if answer.close_call else None))
    return outcomes


def baseline_outcomes(
    rank: Ranker, paragraphs: Sequence[Paragraph], questions: Sequence[EvalQuestion],
    entries: dict[str, Entry],
) -> list[Outcome]:
    outcomes = []
    for question in questions:
        position, score = rank(question.text)
        expected = entries.get(question.expected or "")
        sections = cited_sections(expected) if expected else set()
        outcomes.append(Outcome(question=question, answered=True,
                                top_right=bool(sections) and lies_in(paragraphs[position], sections),
                                score=score, got=" > ".join(paragraphs[position].sections)))
    return outcomes


def with_threshold(outcomes: Sequence[Outcome], threshold: float) -> list[Outcome]:
    return [Outcome(question=o.question, answered=o.score >= threshold, top_right=o.top_right,
                    score=o.score, got=o.got) for o in outcomes]


def tune_threshold(outcomes: Sequence[Outcome]) -> float:
    """The score threshold that maximises hits plus declined out-of-scope on the tune split."""
    tune = [o for o in outcomes if o.question.split in TUNE_SPLITS]

    def correct(threshold: float) -> int:
        return sum(1 for o in with_threshold(tune, threshold)
                   if (o.hit if o.question.expected else not o.answered))

    candidates = sorted({0.0, *(o.score for o in tune), *(o.score + 1e-9 for o in tune)})
    return max(candidates, key=lambda threshold: (correct(threshold), -threshold))


def bm25_ranker(paragraphs: Sequence[Paragraph]) -> Ranker:
    model = BM25Okapi([_baseline_tokens(p.text) for p in paragraphs])

    def rank(question: str) -> tuple[int, float]:
        scores = model.get_scores(_baseline_tokens(question))
        best = max(range(len(scores)), key=lambda position: scores[position])
        return best, float(scores[best])

    return rank


def rapidfuzz_ranker(paragraphs: Sequence[Paragraph], scorer: Callable[..., float]) -> Ranker:
    texts = [p.text for p in paragraphs]

    def rank(question: str) -> tuple[int, float]:
        found = process.extractOne(question, texts, scorer=scorer, processor=utils.default_process)
        return (found[2], found[1] / 100) if found else (0, 0.0)

    return rank


def _baseline_tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _BASELINE_STOPWORDS]


def share(count: int, total: int) -> str:
    return f"{count / total:6.1%} ({count}/{total})" if total else "     - (0/0)"


def report(name: str, outcomes: Sequence[Outcome], *, split: str, dq402: set[str]) -> str:
    chosen = [o for o in outcomes if o.question.split == split]
    in_scope = [o for o in chosen if o.question.expected]
    subset = [o for o in in_scope if o.question.expected in dq402]
    out_of_scope = [o for o in chosen if not o.question.expected]
    scored = all(o.facts_stated is not None for o in in_scope)
    facts = share(sum(o.hit and bool(o.facts_stated) for o in in_scope), len(in_scope)) if scored else "-"
    wrong = sum(o.confidently_wrong for o in chosen)
    per_100 = f"{100 * wrong / len(chosen):5.1f} ({wrong}/{len(chosen)})" if chosen else "-"
    return (f"  {name:<34} {share(sum(o.hit for o in in_scope), len(in_scope)):>18}"
            f" {share(sum(o.hit for o in subset), len(subset)):>18}"
            f" {share(sum(o.top_right for o in in_scope), len(in_scope)):>18}"
            f" {share(sum(not o.answered for o in out_of_scope), len(out_of_scope)):>16}"
            f" {facts:>18} {per_100:>16}")


def calibration(outcomes: Sequence[Outcome]) -> list[str]:
    """How often igbot's best candidate is right, by confidence band (tune split)."""
    tune = [o for o in outcomes if o.question.split == "tune"]
    lines = ["", "igbot confidence bands (tune split; right = the best candidate is the expected "
             "entry, out-of-scope questions count as wrong):"]
    for low, high in ((0.0, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 1.01)):
        band = [o for o in tune if low <= o.score < high]
        right = sum(1 for o in band if o.top_right)
        lines.append(f"  {low:.1f}-{min(high, 1.0):.1f}: {share(right, len(band))} right")
    return lines


def failures(outcomes: Sequence[Outcome]) -> list[str]:
    lines = []
    for split in TUNE_SPLITS:
        lines += ["", f"{SPLIT_NAMES[split]} split misses (expected -> best candidate, confidence; "
                      "'facts' when the right entry does not state an expected fact):"]
        for o in outcomes:
            if o.question.split != split:
                continue
            expected_decline = o.question.expected is None
            if (expected_decline and o.answered) or (not expected_decline and not o.hit):
                verdict = "answered" if o.answered else "declined"
                lines.append(f"  [{verdict} {o.score:.2f}] {o.question.text!r}: "
                             f"{o.question.expected or 'DECLINE'} -> {o.got}")
            elif o.hit and o.facts_stated is False:
                lines.append(f"  [facts] {o.question.text!r}: {o.got} does not state {list(o.question.facts)}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list the tune split's misses")
    parser.add_argument("--tune-only", action="store_true",
                        help="only the tune splits, while changing the content or the engine")
    parser.add_argument("--semantic-weight", type=float, default=None,
                        help="also igbot with the semantic re-ordering at this weight")
    arguments = parser.parse_args(argv)
    entries = {entry.id: entry for entry in load_entries()}
    questions = load_questions(entry_ids=set(entries), with_fresh=not arguments.tune_only)
    if arguments.tune_only:
        questions = [question for question in questions if question.split in TUNE_SPLITS]
    try:
        paragraphs = load_paragraphs()
    except PolicyMissing as missing:
        print(missing, file=sys.stderr)
        return 2
    index = KnowledgeIndex.build(entries.values())
    dq402 = {entry_id for entry_id, entry in entries.items() if cited_sections(entry)}
    values = load_profile(EXAMPLE_PROFILE).placeholders()
    rows: list[tuple[str, list[Outcome]]] = [("igbot", igbot_outcomes(index, questions, values))]
    if arguments.semantic_weight is not None:
        semantic = KnowledgeIndex.build(
            entries.values(), settings=RankingSettings(semantic_weight=arguments.semantic_weight))
        rows.append((f"igbot + semantic {arguments.semantic_weight:g}",
                     igbot_outcomes(semantic, questions, values)))
    for name, ranker in (
        ("BM25 over DQ402 paragraphs", bm25_ranker(paragraphs)),
        ("rapidfuzz token_set_ratio", rapidfuzz_ranker(paragraphs, fuzz.token_set_ratio)),
        ("rapidfuzz WRatio", rapidfuzz_ranker(paragraphs, fuzz.WRatio)),
    ):
        raw = baseline_outcomes(ranker, paragraphs, questions, entries)
        threshold = tune_threshold(raw)
        rows.append((f"{name} (declines < {threshold:.2f})", with_threshold(raw, threshold)))
    print(f"{len(entries)} entries, {len(paragraphs)} DQ402 paragraphs, {len(questions)} questions")
    for split in SPLITS:
        counted = [q for q in questions if q.split == split]
        if not counted:
            continue
        unknown = sum(1 for q in counted if q.expected and q.expected not in entries)
        print(f"\n{SPLIT_NAMES[split]} split: {sum(1 for q in counted if q.expected)} in scope "
              f"({sum(1 for q in counted if q.expected in dq402)} cite DQ402), "
              f"{sum(1 for q in counted if not q.expected)} out of scope")
        print(f"  {'':<34} {'hit@1':>18} {'hit@1 cites DQ402':>18} {'top-1 (no decline)':>18}"
              f" {'declined (OOS)':>16} {'key facts':>18} {'wrong per 100':>16}")
        for name, outcomes in rows:
            print(report(name, outcomes, split=split, dq402=dq402))
        close_calls = [o for o in rows[0][1] if o.question.split == split and o.also]
        print(f"  igbot showed two answers (a close call) to {len(close_calls)}; the second was the "
              f"expected entry for {sum(1 for o in close_calls if o.also == o.question.expected)} "
              f"(the figures above count the first answer alone)")
        if unknown:
            print(f"  ({unknown} expect an entry id the knowledge base does not have; counted as misses)")
    print("\n".join(calibration(rows[0][1])))
    if arguments.failures:
        print("\n".join(failures(rows[0][1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
