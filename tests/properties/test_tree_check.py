"""The tree checker on trees nobody wrote: it never fails itself, and what it calls sound really is.

Three kinds of input: tree files of any YAML (or not YAML at all), which load or are one clear
problem; generated trees whose options point anywhere (missing nodes, cycles, both or neither),
whose every problem is a sentence naming its node; and, when the checker finds nothing wrong,
every walk from the start ends in an outcome.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflows.trees.check import Problem, check_tree, check_tree_files
from workflows.trees.loading import parse_tree
from workflows.trees.model import DecisionTree, TreeError, Verdict

CITATIONS = {"rm-code", "DQ402"}
PLACEHOLDERS = {"dp_email", "org_name"}
_TMP = [HealthCheck.function_scoped_fixture]
_IDS = st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=6)
_TEXT = st.one_of(st.text(min_size=1, max_size=30).filter(str.strip), st.sampled_from(
    ["Ask {dp_email}", "Ask {nobody}", "{", "}{", "{{org_name}}", "Keep it for 8 years."]))


def _is_sentence(problem: Problem) -> None:
    assert isinstance(problem, Problem)
    assert problem.message and problem.message.strip() == problem.message, problem
    assert "\n" not in problem.message and "Traceback" not in problem.message, problem
    assert not problem.message.startswith(("<", "{", "[")), f"a value's repr, not a sentence: {problem}"


@st.composite
def trees(draw: st.DrawFn) -> dict[str, Any]:
    """Tree data as a file would hold it, with options that lead anywhere: to real nodes, to none, to both."""
    question_ids = draw(st.lists(_IDS, min_size=1, max_size=6, unique=True))
    outcome_ids = draw(st.lists(_IDS, min_size=0, max_size=5, unique=True))
    targets = st.one_of(st.none(), st.sampled_from(question_ids), _IDS)
    endings = st.one_of(st.none(), st.sampled_from(outcome_ids) if outcome_ids else st.none(), _IDS)

    def option(_: int) -> dict[str, Any]:
        chosen: dict[str, Any] = {"id": draw(_IDS), "label": draw(_TEXT)}
        for key, value in (("next", draw(targets)), ("outcome", draw(endings))):
            if value is not None:
                chosen[key] = value
        return chosen

    questions = {qid: {"text": draw(_TEXT), "options": [option(n) for n in range(draw(st.integers(0, 4)))]}
                 for qid in question_ids}
    outcomes = {oid: {"verdict": draw(st.sampled_from([verdict.value for verdict in Verdict])),
                      "headline": draw(_TEXT), "reasons": draw(st.lists(_TEXT, max_size=2)),
                      "conditions": draw(st.lists(_TEXT, max_size=2)),
                      "citations": [{"ref": ref} for ref in draw(st.lists(st.sampled_from([*CITATIONS, "nowhere"]),
                                                                          max_size=2))],
                      **({"next_flow": flow} if (flow := draw(st.sampled_from([None, "incident-report", "elsewhere"])))
                         else {})}
                for oid in outcome_ids}
    return {"id": "generated", "title": "A generated tree", "version": 1, "description": "Made up.",
            "start": draw(st.one_of(st.sampled_from(question_ids), _IDS)), "questions": questions,
            "outcomes": outcomes}


def _every_walk_ends_in_an_outcome(tree: DecisionTree) -> None:
    walks = [(tree.start, 0)]
    while walks:
        question_id, steps = walks.pop()
        assert steps <= len(tree.questions), "a walk longer than the tree: a cycle the checker missed"
        for option in tree.questions[question_id].options:
            if option.outcome is not None:
                assert option.outcome in tree.outcomes
            else:
                assert option.next in tree.questions
                walks.append((option.next, steps + 1))


@settings(max_examples=300, deadline=None)
@given(data=trees())
def test_every_problem_in_a_generated_tree_is_a_sentence_and_a_sound_tree_is_whole(data: dict[str, Any]) -> None:
    tree = parse_tree(data, source="generated.yaml")
    problems = check_tree(tree, citation_refs=CITATIONS, placeholders=PLACEHOLDERS)
    for problem in problems:
        _is_sentence(problem)
    if not problems:
        _every_walk_ends_in_an_outcome(tree)


_YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=10), st.integers()),
                                                                          inner, max_size=4)),
    max_leaves=25)


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(_YAML_VALUES, trees().flatmap(lambda tree: st.builds(
    lambda key, value: {**tree, key: value} if key else tree,
    st.sampled_from(["", "questions", "outcomes", "start", "version", "title", "extra"]), _YAML_VALUES))))
def test_any_parsed_yaml_is_a_tree_or_one_clear_problem(data: object) -> None:
    try:
        tree = parse_tree(data, source="any.yaml")
    except TreeError as error:
        assert error.source == "any.yaml" and error.field and error.problem.strip(), error
        assert "\n" not in error.problem
        return
    for problem in check_tree(tree, citation_refs=CITATIONS, placeholders=PLACEHOLDERS):
        _is_sentence(problem)


@settings(max_examples=100, deadline=None, suppress_health_check=_TMP)
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                         trees().map(lambda tree: yaml.safe_dump(tree, allow_unicode=True).encode())))
def test_any_file_is_checked_without_the_checker_failing(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "tree.yaml"
    path.write_bytes(content)
    for problem in check_tree_files([path], citation_refs=CITATIONS, placeholders=PLACEHOLDERS):
        assert problem.tree and problem.node, problem
        assert problem.message.strip(), problem


def test_a_very_long_chain_of_questions_is_checked_without_running_out_of_stack(tmp_path: Path) -> None:
    length = 3000
    questions = {f"q{n}": {"text": f"Step {n}?", "options": [{"id": "on", "label": "On",
                                                              **({"next": f"q{n + 1}"} if n + 1 < length
                                                                 else {"outcome": "done"})}]}
                 for n in range(length)}
    questions[f"q{length - 1}"]["options"].append({"id": "back", "label": "Back", "next": "q0"})
    tree = {"id": "long", "title": "Long", "version": 1, "description": "A long one.", "start": "q0",
            "questions": questions, "outcomes": {"done": {"verdict": "info", "headline": "Done.",
                                                          "reasons": ["Because."], "citations": [{"ref": "DQ402"}]}}}
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(tree), encoding="utf-8")
    problems = check_tree_files([path], citation_refs=CITATIONS, placeholders=PLACEHOLDERS)
    assert [problem.message.split(":")[0] for problem in problems] == ["cycle"]
