"""The checker finds what would strand or mislead someone walking a tree: cycles, dead
ends, nodes nobody can reach, citations and placeholders nobody knows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from workflows.trees import Problem, check_tree_files, known_citation_refs

REFS = frozenset({"DQ402", "caldicott-2020"})


def small_tree() -> dict[str, Any]:
    """A sound two-question tree; each test breaks one thing in it."""
    return {
        "id": "small",
        "title": "Small",
        "version": 1,
        "description": "A tree for tests.",
        "start": "first",
        "questions": {
            "first": {
                "text": "Is it fine?",
                "options": [
                    {"id": "fine", "label": "Yes", "outcome": "fine"},
                    {"id": "unsure", "label": "Not sure", "next": "second"},
                ],
            },
            "second": {
                "text": "Have you asked {ig_officer_name}?",
                "options": [{"id": "asked", "label": "Yes", "outcome": "ask"}],
            },
        },
        "outcomes": {
            "fine": {
                "verdict": "yes",
                "headline": "Fine.",
                "reasons": ["It is fine."],
                "citations": [{"ref": "DQ402", "section": "Keeping data secure"}],
            },
            "ask": {
                "verdict": "ask_ig_team",
                "headline": "Ask the IG team at {dp_email}.",
                "reasons": ["Nobody is sure."],
                "citations": [{"ref": "caldicott-2020", "section": "Principle 1"}],
            },
        },
    }


def check(tmp_path: Path, tree: dict[str, Any]) -> list[Problem]:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return check_tree_files([path], citation_refs=REFS)


def messages(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


def test_a_sound_tree_has_no_problems(tmp_path: Path) -> None:
    assert check(tmp_path, small_tree()) == []


def test_a_cycle_is_found(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["second"]["options"].append({"id": "again", "label": "Again", "next": "first"})

    assert messages(check(tmp_path, tree)) == ["small: question first: cycle: first -> second -> first"]


def test_a_question_that_leads_back_to_itself_is_a_cycle(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["second"]["options"].append({"id": "again", "label": "Again", "next": "second"})

    assert messages(check(tmp_path, tree)) == ["small: question second: cycle: second -> second"]


def test_an_option_leading_nowhere_is_a_dead_end(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["second"]["options"].append({"id": "limbo", "label": "Limbo"})

    assert messages(check(tmp_path, tree)) == [
        "small: question second, option limbo: dead end: leads to no question and no outcome"
    ]


def test_an_option_leading_to_a_missing_node_is_a_dead_end(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["second"]["options"] = [
        {"id": "asked", "label": "Yes", "outcome": "ask"},
        {"id": "gone", "label": "Gone", "next": "third"},
        {"id": "lost", "label": "Lost", "outcome": "nowhere"},
    ]

    assert messages(check(tmp_path, tree)) == [
        "small: question second, option gone: dead end: next question 'third' does not exist",
        "small: question second, option lost: dead end: outcome 'nowhere' does not exist",
    ]


def test_a_question_without_options_is_a_dead_end(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["second"]["options"] = []
    tree["outcomes"].pop("ask")

    assert messages(check(tmp_path, tree)) == ["small: question second: dead end: the question offers no options"]


def test_an_option_leading_to_two_places_is_reported(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["first"]["options"][0]["next"] = "second"

    assert messages(check(tmp_path, tree)) == [
        "small: question first, option fine: leads to both a question and an outcome; choose one"
    ]


def test_option_ids_must_be_unique_within_a_question(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["first"]["options"][1]["id"] = "fine"

    assert messages(check(tmp_path, tree)) == ["small: question first: option id 'fine' is used twice"]


def test_unreachable_questions_and_outcomes_are_found(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["orphan"] = {"text": "Anyone?", "options": [{"id": "x", "label": "X", "outcome": "fine"}]}
    tree["outcomes"]["forgotten"] = dict(tree["outcomes"]["fine"])

    assert messages(check(tmp_path, tree)) == [
        "small: question orphan: unreachable from the start",
        "small: outcome forgotten: unreachable: no option leads to it",
    ]


def test_an_unknown_citation_is_found(tmp_path: Path) -> None:
    tree = small_tree()
    tree["outcomes"]["fine"]["citations"].append({"ref": "gdpr-made-up"})

    assert messages(check(tmp_path, tree)) == ["small: outcome fine: unknown citation ref 'gdpr-made-up'"]


def test_an_unknown_placeholder_is_found(tmp_path: Path) -> None:
    tree = small_tree()
    tree["questions"]["first"]["help"] = "Ask {manager_name} if unsure."
    tree["outcomes"]["ask"]["reasons"].append("Or email {dpo_email}.")

    assert messages(check(tmp_path, tree)) == [
        "small: question first: unknown placeholder {manager_name}",
        "small: outcome ask: unknown placeholder {dpo_email}",
    ]


def test_a_missing_start_question_is_found(tmp_path: Path) -> None:
    tree = small_tree()
    tree["start"] = "beginning"

    problems = messages(check(tmp_path, tree))

    assert problems[0] == "small: start: no question called 'beginning'"


def test_an_outcome_must_give_reasons_and_sources(tmp_path: Path) -> None:
    tree = small_tree()
    tree["outcomes"]["fine"]["reasons"] = []
    tree["outcomes"]["fine"]["citations"] = []

    assert messages(check(tmp_path, tree)) == [
        "small: outcome fine: gives no reasons",
        "small: outcome fine: cites no source",
    ]


def test_conditional_yes_must_list_its_conditions(tmp_path: Path) -> None:
    tree = small_tree()
    tree["outcomes"]["fine"]["verdict"] = "yes_with_conditions"

    assert messages(check(tmp_path, tree)) == ["small: outcome fine: verdict yes_with_conditions but no conditions"]


def test_reporting_an_incident_must_lead_into_a_known_flow(tmp_path: Path) -> None:
    tree = small_tree()
    tree["outcomes"]["fine"]["verdict"] = "report_incident"
    tree["outcomes"]["ask"]["next_flow"] = "complaint"

    assert messages(check(tmp_path, tree)) == [
        "small: outcome fine: verdict report_incident but no next_flow",
        "small: outcome ask: unknown next_flow 'complaint'",
    ]


def test_a_file_that_cannot_be_loaded_is_one_problem_naming_file_and_field(tmp_path: Path) -> None:
    tree = small_tree()
    tree["outcomes"]["fine"]["verdict"] = "probably"

    [problem] = check(tmp_path, tree)

    assert (problem.tree, problem.node) == ("small.yaml", "outcomes.fine.verdict")
    assert "'probably' is not a verdict" in problem.message


def test_two_files_with_the_same_tree_id_are_reported(tmp_path: Path) -> None:
    paths = []
    for name in ("one.yaml", "two.yaml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(small_tree()), encoding="utf-8")
        paths.append(path)

    assert messages(check_tree_files(paths, citation_refs=REFS)) == ["small: (tree): another tree has the same id"]


def write_profile(tmp_path: Path) -> Path:
    profile = tmp_path / "profile.yaml"
    profile.write_text("policies:\n  - number: DQ402\n  - number: DQ199.1\n", encoding="utf-8")
    return profile


@pytest.mark.parametrize(
    "catalogue",
    [
        "uk-gdpr:\n  title: UK GDPR\nndoo:\n  title: National data opt-out\n",
        "sources:\n  uk-gdpr: {title: UK GDPR}\n  ndoo: {title: National data opt-out}\n",
        "sources:\n  - key: uk-gdpr\n  - key: ndoo\n",
        "- id: uk-gdpr\n- id: ndoo\n",
    ],
    ids=["mapping", "mapping-under-sources", "list-of-keys", "list-of-ids"],
)
def test_citation_refs_are_policy_numbers_and_source_keys(tmp_path: Path, catalogue: str) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(catalogue, encoding="utf-8")

    refs = known_citation_refs(sources_path=sources, profile_path=write_profile(tmp_path))

    assert refs == {"DQ402", "DQ199.1", "uk-gdpr", "ndoo"}


def test_a_sources_catalogue_not_yet_written_counts_as_empty(tmp_path: Path) -> None:
    refs = known_citation_refs(sources_path=tmp_path / "missing.yaml", profile_path=write_profile(tmp_path))

    assert refs == {"DQ402", "DQ199.1"}


def test_the_real_profile_gives_the_policy_numbers() -> None:
    assert {"DQ402", "DQ199", "DQ199.1", "DQ163", "DQ404", "DQ405", "DQ406"} <= known_citation_refs()
