"""The knowledge base that ships: it passes the checker and answers staff the way they ask."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from moments import MONDAY_MORNING

from bot.core.profile import load_profile
from bot.core.settings import EXAMPLE_PROFILE
from knowledge.check import check_knowledge, errors
from knowledge.entries import ENTRIES_DIRECTORY, SOURCES_PATH, load_entries
from knowledge.mishaps import MISHAPS_PATH
from knowledge.off_topic import OFF_TOPIC_PATH
from knowledge.retrieval import KnowledgeIndex, render_answer

EVAL_DIRECTORY = Path(__file__).resolve().parents[2] / "benchmarks" / "eval"
# The search alone (benchmarks/eval_retrieval.py also credits the incident advice a mishap gets,
# so its figures are a question or two higher), on the splits nothing is tuned to. The floors
# sit just under the figures, so a change that loses right answers or lets off-topic messages
# through fails here. Held-out: 73 of 77, all 20 off-topic declined; fresh held-out: 88 of 90,
# all 25 declined; the second staff set's held-out split: 399 of 467, 65 of 75 declined; the
# third's: 330 of 421, 75 of 84 declined; the fourth's: 329 of 408, 84 of 90 declined; the fifth's:
# 246 of 298, 52 of 60 declined; the sixth's: 205 of 288, 59 of 66 declined.
UNTUNED_FLOORS = [("questions.yaml", "heldout", 0.94, 0.95), ("fresh-heldout.yaml", "fresh", 0.97, 0.95),
                  ("staff-questions-2.yaml", "staff-2-fresh", 0.85, 0.86),
                  ("staff-questions-3.yaml", "staff-3-fresh", 0.78, 0.89),
                  ("staff-questions-4.yaml", "staff-4-fresh", 0.79, 0.93),
                  ("staff-questions-5.yaml", "staff-5-fresh", 0.78, 0.85),
                  ("staff-questions-6.yaml", "staff-6-fresh", 0.71, 0.89)]
NEW_ENTRY = "new:"  # staff-questions.yaml names the entries written for it this way


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex.build(load_entries())


def test_the_shipped_content_has_no_errors() -> None:
    profile = load_profile(EXAMPLE_PROFILE)

    problems = check_knowledge(
        entries_dir=ENTRIES_DIRECTORY,
        sources_path=SOURCES_PATH,
        policy_numbers=[policy.number for policy in profile.policies],
        placeholder_names=list(profile.placeholders()),
        today=MONDAY_MORNING.date(),  # review dates as on the tests' day, whatever day they run
        mishaps_path=MISHAPS_PATH, off_topic_path=OFF_TOPIC_PATH,
    )

    assert [str(problem) for problem in errors(problems)] == []


def test_every_shipped_answer_renders_with_the_profile_values() -> None:
    values = load_profile(EXAMPLE_PROFILE).placeholders()

    for entry in load_entries():
        assert "{" not in render_answer(entry, values), entry.id


def answered_with(index: KnowledgeIndex, question: str) -> str | None:
    """The id of the entry `question` is answered with, or None when it is declined."""
    answer = index.ask(question)
    return answer.entry.id if answer.answered and answer.entry is not None else None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("can i shaer my pasword with my manger", "never-share-passwords"),
        ("do i have to lock my scren when i go for a brew", "clear-desk-locked-screens"),
        ("my works lappy got nicked on the bus", "lost-device-what-to-do"),
        ("can i use my own fone for work emails", "own-devices-byod"),
        ("who's the DPO", "dpo-role"),
        ("can i txt a client there appt time", "contacting-clients-at-home"),
        ("pls can u tell me abt the pwd rules", "strong-passwords"),
        ("didnt write up my notes within 48hrs", "record-updates-48-hours"),
        ("whats 2fa", "multi-factor-authentication"),
    ],
)
def test_staff_questions_with_typos_and_slang_get_the_right_entry(
    index: KnowledgeIndex, question: str, expected: str
) -> None:
    assert answered_with(index, question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("a client asked to see their records", "subject-access-requests"),
        ("my client asked if she can see her records", "subject-access-requests"),
        ("the police asked to see his records", "sharing-with-the-police"),
        ("can i look at a client's notes if they aren't mine", "only-access-records-you-need"),
        ("the CQC inspector asked to see our records", "cqc-inspection-access"),
    ],
)
def test_who_asks_to_see_records_decides_the_answer(index: KnowledgeIndex, question: str, expected: str) -> None:
    assert answered_with(index, question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("is it ok to paste a client's assessment into chatgpt to tidy it up", "ai-tools"),
        ("the mappa coordinator wants to know about my client's drug use", "mappa"),
        ("my client has dementia and can't decide who we tell, what can i share", "mental-capacity"),
        ("her daughter says she has power of attorney, can i tell her how mum is doing", "lasting-power-of-attorney"),
        ("another agency sent us a client's records by mistake", "receiving-information-in-error"),
        ("can i take my work laptop with me when i visit family abroad", "working-abroad"),
    ],
)
def test_topics_with_their_own_entry_get_it(index: KnowledgeIndex, question: str, expected: str) -> None:
    assert answered_with(index, question) == expected


@pytest.mark.parametrize(
    "question",
    ["what's the weather", "tell me a joke", "how do i book annual leave", "where can I park",
     "the archive room light keeps flickering", "where's the accident book, a visitor tripped on the stairs",
     "anyone want to join a whatsapp group for the christmas party"],
)
def test_questions_outside_information_governance_are_declined(
    index: KnowledgeIndex, question: str
) -> None:
    assert not index.ask(question).answered


def test_an_answer_offers_its_related_entries(index: KnowledgeIndex) -> None:
    answer = index.ask("can i share my password with a colleague")

    assert answer.entry is not None
    assert 1 <= len(answer.related) <= 2
    assert answer.related[0].id == answer.entry.related[0]


@pytest.mark.parametrize(("path", "split", "hit_floor", "declined_floor"), UNTUNED_FLOORS,
                         ids=[split for _, split, _, _ in UNTUNED_FLOORS])
def test_the_untuned_evaluations_do_not_regress(index: KnowledgeIndex, path: str, split: str,
                                                hit_floor: float, declined_floor: float) -> None:
    questions = yaml.safe_load((EVAL_DIRECTORY / path).read_text(encoding="utf-8"))
    merges = yaml.safe_load((EVAL_DIRECTORY / "merged.yaml").read_text(encoding="utf-8"))
    merged_into: dict[str, str] = merges["merged_into"] or {}
    held_out = [item for item in questions if item["split"] == split]
    in_scope = [item for item in held_out if item["expect"]]
    out_of_scope = [item for item in held_out if not item["expect"]]

    hits = sum(1 for item in in_scope
               if _answered_with(index, item["q"], _after_merges(item["expect"].removeprefix(NEW_ENTRY), merged_into)))
    declined = sum(1 for item in out_of_scope if not index.ask(item["q"]).answered)
    # Counts only: a failure must not print a held-out question, or the split is no longer untuned.
    asked, off_topic = len(in_scope), len(out_of_scope)

    assert hits / asked >= hit_floor, f"{hits} of {asked} answered with the expected entry"
    assert declined / off_topic >= declined_floor, f"{declined} of {off_topic} declined"


def test_every_merge_points_from_a_retired_entry_to_a_shipped_one() -> None:
    merges = yaml.safe_load((EVAL_DIRECTORY / "merged.yaml").read_text(encoding="utf-8"))
    shipped = {entry.id for entry in load_entries()}

    for retired, kept in (merges["merged_into"] or {}).items():
        assert retired not in shipped, retired
        assert _after_merges(kept, merges["merged_into"]) in shipped, kept


def _after_merges(entry_id: str, merged_into: dict[str, str]) -> str:
    while entry_id in merged_into:
        entry_id = merged_into[entry_id]
    return entry_id


def _answered_with(index: KnowledgeIndex, question: str, expected: str) -> bool:
    answer = index.ask(question)
    return answer.answered and answer.entry is not None and answer.entry.id == expected
