"""A malformed tree file is refused with the file and the field, so its author can fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.trees import TreeError, Verdict, load_tree

GOOD = """\
id: small
title: Small
version: 1
description: A tree for tests.
start: first
questions:
  first:
    text: Is it fine?
    options:
      - id: yes
        label: Yes
        outcome: fine
      - id: no
        label: No
        outcome: not-fine
outcomes:
  fine:
    verdict: yes
    headline: Fine.
    reasons: [It is fine.]
    citations: [{ref: DQ402, section: Keeping data secure}]
  not-fine:
    verdict: no
    headline: Not fine.
    reasons: [It is not.]
    citations: [{ref: DQ402}]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path: Path, text: str) -> TreeError:
    with pytest.raises(TreeError) as refused:
        load_tree(write(tmp_path, text))
    return refused.value


def test_a_good_file_loads(tmp_path: Path) -> None:
    tree = load_tree(write(tmp_path, GOOD))

    assert (tree.id, tree.version, tree.start) == ("small", 1, "first")
    assert tree.outcomes["fine"].citations[0].section == "Keeping data secure"


def test_unquoted_yes_and_no_stay_words(tmp_path: Path) -> None:
    tree = load_tree(write(tmp_path, GOOD))

    assert [option.id for option in tree.questions["first"].options] == ["yes", "no"]
    assert tree.outcomes["fine"].verdict is Verdict.YES
    assert tree.outcomes["not-fine"].verdict is Verdict.NO


@pytest.mark.parametrize(
    ("before", "after", "field", "problem"),
    [
        ("    headline: Fine.\n", "", "outcomes.fine.headline", "missing"),
        ("version: 1", "version: one", "version", "expected a whole number, got text"),
        ("    verdict: yes\n", "    verdict: maybe\n", "outcomes.fine.verdict", "'maybe' is not a verdict"),
        ("    text: Is it fine?\n", "    text: [Is, it, fine]\n", "questions.first.text", "expected non-empty text"),
        ("    reasons: [It is fine.]", "    reasons: It is fine.", "outcomes.fine.reasons", "expected a list"),
        ("      - id: no\n", "      - id: 2\n", "questions.first.options[1].id", "got a number"),
        (
            "    citations: [{ref: DQ402}]",
            "    citations: [{section: 1}]",
            "outcomes.not-fine.citations[0].ref",
            "missing",
        ),
        ("        outcome: fine\n", "        outcomes: fine\n", "questions.first.options[0].outcomes", "unknown field"),
        ("start: first\n", "", "start", "missing"),
    ],
    ids=[
        "missing-key",
        "wrong-type-version",
        "unknown-verdict",
        "wrong-type-text",
        "wrong-type-list",
        "option-id-not-text",
        "citation-without-ref",
        "misspelt-field",
        "missing-start",
    ],
)
def test_a_malformed_file_names_the_file_and_field(
    tmp_path: Path, before: str, after: str, field: str, problem: str
) -> None:
    assert before in GOOD
    error = refusal(tmp_path, GOOD.replace(before, after, 1))

    assert (error.source, error.field) == ("small.yaml", field)
    assert problem in error.problem
    assert str(error).startswith(f"small.yaml: {field}: ")


def test_a_question_written_twice_is_refused(tmp_path: Path) -> None:
    twice = GOOD.replace("outcomes:\n", "  first:\n    text: Again?\n    options: []\noutcomes:\n", 1)

    error = refusal(tmp_path, twice)

    assert error.field == "(yaml)"
    assert "'first' appears twice" in error.problem


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    error = refusal(tmp_path, "id: small\ntitle: [unclosed\n")

    assert error.field == "(yaml)"
    assert error.problem.startswith("line ")


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "- just\n- a list\n")

    assert error.field == "(top level)"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TreeError) as refused:
        load_tree(tmp_path / "nowhere.yaml")

    assert refused.value.source == "nowhere.yaml"
