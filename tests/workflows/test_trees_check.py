"""The checker finds what would strand or mislead someone walking a tree: cycles, dead
ends, nodes nobody can reach, citations and placeholders nobody knows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app.cli import main
from bot.core.profile import load_profile
from bot.core.settings import EXAMPLE_PROFILE
from knowledge.citations import SourceCatalogue
from workflows.trees import Problem, check_tree_files

PROFILE = load_profile(EXAMPLE_PROFILE)
REFS = SourceCatalogue.load(PROFILE).known_refs()
PLACEHOLDERS = set(PROFILE.placeholders())


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
    return check_tree_files([path], citation_refs=REFS, placeholders=PLACEHOLDERS)


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
    tree["outcomes"]["fine"]["reasons"].append("{Caldicott_Name} agrees.")

    assert messages(check(tmp_path, tree)) == [
        "small: question first: unknown placeholder {manager_name}",
        "small: outcome fine: unknown placeholder {Caldicott_Name}",
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

    assert messages(check_tree_files(paths, citation_refs=REFS, placeholders=PLACEHOLDERS)) == ["small: (tree): another tree has the same id"]


def write(tmp_path: Path, tree: dict[str, Any]) -> str:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return str(path)


def use_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, extra_policy: str | None = None) -> None:
    """Point ``igbot`` at a copy of the example profile, with one more policy if asked."""
    raw = yaml.safe_load(EXAMPLE_PROFILE.read_text(encoding="utf-8"))
    if extra_policy is not None:
        raw["policies"].append({"number": extra_policy, "title": "Records Management Policy"})
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("IGBOT_PROFILE", str(path))
    monkeypatch.setenv("IGBOT_HOME", str(tmp_path / "home"))


def test_tree_check_accepts_every_name_the_profile_fills_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_profile(tmp_path, monkeypatch)
    tree = small_tree()
    tree["outcomes"]["fine"]["reasons"].append("Then log it in {incident_system} and finish {training_name}.")

    assert main(["tree", "check", write(tmp_path, tree)]) == 0
    assert capsys.readouterr().out == "All 1 decision trees are sound.\n"


def test_tree_check_cites_the_policies_of_the_profile_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = small_tree()
    tree["outcomes"]["fine"]["citations"].append({"ref": "RM101"})
    path = write(tmp_path, tree)

    use_profile(tmp_path, monkeypatch)
    assert main(["tree", "check", path]) == 1
    assert "error: small: outcome fine: unknown citation ref 'RM101'" in capsys.readouterr().out

    use_profile(tmp_path, monkeypatch, extra_policy="RM101")
    assert main(["tree", "check", path]) == 0
    assert capsys.readouterr().out == "All 1 decision trees are sound.\n"
