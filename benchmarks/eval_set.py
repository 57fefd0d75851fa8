"""The evaluation questions, with expected entries carried through merges of entries.

    eval/questions.yaml       the tune and held-out splits
    eval/fresh-heldout.yaml   a second held-out set, written later without running the engine
                              (read when present; reported as the split "fresh")
    eval/staff-questions.yaml staff messages written by someone who had read only the entry ids
                              and titles, each with the facts a right answer must state; splits
                              "staff-tune" and "staff-fresh" (read when present). `expect:
                              new:<slug>` names a topic that had no entry when it was written:
                              the entry with that id answers it. staff-fresh was opened on
                              7 December 2026, once the second set below had been commissioned:
                              it is a tune split since
    eval/staff-questions-2.yaml a second set of staff messages, written the same way by two
                              people who had read only the entry ids and titles, committed
                              before anything was tuned to it; splits "staff-2-tune" and
                              "staff-2-fresh" (held out)
    eval/staff-questions-3.yaml a third set, written the same way by two more people once the
                              second set's tune split had been tuned on; splits "staff-3-tune"
                              and "staff-3-fresh" (held out)
    eval/staff-questions-4.yaml a fourth set, written the same way by two more people once the
                              third set's tune split had been tuned on; splits "staff-4-tune"
                              and "staff-4-fresh" (held out)
    eval/staff-questions-5.yaml a fifth set, written the same way by two more people once the
                              fourth set's tune split had been tuned on, from a list of ids that
                              also named four entries then held back; splits "staff-5-tune" and
                              "staff-5-fresh" (held out)
    eval/staff-questions-6.yaml a sixth set, written once the fifth set's tune split had been
                              tuned on by three people who never saw the knowledge base, not
                              even its ids and titles, and labelled afterwards by three others
                              from the entries; splits "staff-6-tune" and "staff-6-fresh" (held
                              out)
    eval/merged.yaml          `merged_into: {old id: id it was merged into}`

When two entries are merged, questions that expected the entry that went away expect the
entry it went into. The mapping is applied mechanically to every split, so a label only ever
changes through a merge recorded in merged.yaml, never by hand.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EVAL_DIRECTORY = Path(__file__).resolve().parent / "eval"
QUESTIONS_PATH = EVAL_DIRECTORY / "questions.yaml"
FRESH_PATH = EVAL_DIRECTORY / "fresh-heldout.yaml"
STAFF_PATH = EVAL_DIRECTORY / "staff-questions.yaml"
SECOND_STAFF_PATH = EVAL_DIRECTORY / "staff-questions-2.yaml"
THIRD_STAFF_PATH = EVAL_DIRECTORY / "staff-questions-3.yaml"
FOURTH_STAFF_PATH = EVAL_DIRECTORY / "staff-questions-4.yaml"
FIFTH_STAFF_PATH = EVAL_DIRECTORY / "staff-questions-5.yaml"
SIXTH_STAFF_PATH = EVAL_DIRECTORY / "staff-questions-6.yaml"
MERGED_PATH = EVAL_DIRECTORY / "merged.yaml"
SPLITS = ("tune", "heldout", "fresh", "staff-tune", "staff-fresh", "staff-2-tune", "staff-2-fresh",
          "staff-3-tune", "staff-3-fresh", "staff-4-tune", "staff-4-fresh", "staff-5-tune", "staff-5-fresh",
          "staff-6-tune", "staff-6-fresh")
TUNE_SPLITS = ("tune", "staff-tune", "staff-fresh", "staff-2-tune", "staff-3-tune", "staff-4-tune", "staff-5-tune",
               "staff-6-tune")
SPLIT_NAMES = {"tune": "tune", "heldout": "held-out", "fresh": "fresh held-out",
               "staff-tune": "staff tune", "staff-fresh": "staff fresh (opened, now tuned on)",
               "staff-2-tune": "second staff tune", "staff-2-fresh": "second staff fresh",
               "staff-3-tune": "third staff tune", "staff-3-fresh": "third staff fresh",
               "staff-4-tune": "fourth staff tune", "staff-4-fresh": "fourth staff fresh",
               "staff-5-tune": "fifth staff tune", "staff-5-fresh": "fifth staff fresh",
               "staff-6-tune": "sixth staff tune", "staff-6-fresh": "sixth staff fresh"}
NEW_ENTRY = "new:"


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    expected: str | None
    split: str
    # Short phrases a right answer must state; "a | b" is met by either alternative.
    facts: tuple[str, ...] = ()


def load_merges(path: Path = MERGED_PATH) -> dict[str, str]:
    """Each merged-away id mapped to the entry that holds it now (chains followed)."""
    if not path.exists():
        return {}
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    merged = {str(old): str(new) for old, new in (data.get("merged_into") or {}).items()}
    resolved = {}
    for old in merged:
        seen, current = {old}, merged[old]
        while current in merged:
            if current in seen:
                raise SystemExit(f"{path}: merges form a loop through '{current}'")
            seen.add(current)
            current = merged[current]
        resolved[old] = current
    return resolved


def load_questions(*, entry_ids: Collection[str], merges: Mapping[str, str] | None = None,
                   with_fresh: bool = True) -> list[EvalQuestion]:
    """Tune and held-out questions, then the fresh held-out ones and the staff sets when those
    files exist; `with_fresh=False` leaves out every split that is held out.

    An unknown expected id in questions.yaml stops the run; in the fresh file (written by
    someone else, never opened here) it is kept and simply cannot be hit, so that no fresh
    question or label is ever printed.
    """
    merges = load_merges() if merges is None else merges
    questions = _read(QUESTIONS_PATH, merges=merges)
    for number, question in enumerate(questions, start=1):
        if question.split not in ("tune", "heldout"):
            raise SystemExit(f"{QUESTIONS_PATH}: question {number}: split must be tune or heldout")
        if question.expected is not None and question.expected not in entry_ids:
            raise SystemExit(f"{QUESTIONS_PATH}: question {number}: no entry '{question.expected}'")
    if with_fresh and FRESH_PATH.exists():
        questions += [EvalQuestion(text=q.text, expected=q.expected, split="fresh")
                      for q in _read(FRESH_PATH, merges=merges)]
    for path, splits in ((STAFF_PATH, ("staff-tune", "staff-fresh")),
                         (SECOND_STAFF_PATH, ("staff-2-tune", "staff-2-fresh")),
                         (THIRD_STAFF_PATH, ("staff-3-tune", "staff-3-fresh")),
                         (FOURTH_STAFF_PATH, ("staff-4-tune", "staff-4-fresh")),
                         (FIFTH_STAFF_PATH, ("staff-5-tune", "staff-5-fresh")),
                         (SIXTH_STAFF_PATH, ("staff-6-tune", "staff-6-fresh"))):
        if not path.exists():
            continue
        staff = _read(path, merges=merges)
        for number, question in enumerate(staff, start=1):
            if question.split not in splits:
                raise SystemExit(f"{path}: question {number}: split must be {' or '.join(splits)}")
        questions += [q for q in staff if with_fresh or q.split in TUNE_SPLITS]
    return questions


def _read(path: Path, *, merges: Mapping[str, str]) -> list[EvalQuestion]:
    items: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    questions = []
    for item in items:
        expected = item.get("expect")
        if expected is not None:
            # "new:<slug>" expects the entry <slug>; a bare "new:" names no entry and cannot be hit.
            expected = str(expected).removeprefix(NEW_ENTRY) or NEW_ENTRY
            expected = merges.get(expected, expected)
        questions.append(EvalQuestion(text=str(item["q"]), expected=expected,
                                      split=str(item.get("split", "")),
                                      facts=tuple(str(fact) for fact in item.get("facts") or ())))
    return questions


def states_facts(text: str, facts: tuple[str, ...]) -> bool:
    """Whether `text` states every fact: each is a phrase, or alternatives separated by " | ",
    met when any alternative appears (case-insensitive, spaces collapsed)."""
    haystack = " ".join(text.lower().split())
    return all(any(" ".join(alternative.lower().split()) in haystack
                   for alternative in fact.split(" | ") if alternative.strip())
               for fact in facts)
