"""Checking that decision trees are whole and sound.

``check_tree`` finds every problem in one tree rather than stopping at the first: a
question with no options, an option that leads nowhere (or to two places), a cycle, a
question or outcome no walk can reach, a citation to a source nobody knows, a placeholder
the profile cannot fill. ``check_tree_files`` is what ``igbot tree check`` runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.profile import Profile
from knowledge.citations import SourceCatalogue
from workflows.trees.loading import load_tree, tree_files
from workflows.trees.model import DecisionTree, Option, Outcome, Question, TreeError, Verdict
from workflows.trees.render import placeholders_in

# Flows an outcome may hand over to when the tree ends.
KNOWN_FLOWS: frozenset[str] = frozenset({"incident-report"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a tree: which tree, which node, and what."""

    tree: str
    node: str
    message: str

    def __str__(self) -> str:
        return f"{self.tree}: {self.node}: {self.message}"


def check_tree(
    tree: DecisionTree,
    *,
    citation_refs: Collection[str],
    placeholders: Collection[str],
    flows: Collection[str] = KNOWN_FLOWS,
) -> list[Problem]:
    """Every problem found in ``tree``; an empty list means it is sound."""
    problems = _check_start(tree)
    for question in tree.questions.values():
        problems += _check_question(tree, question)
    problems += _check_cycles(tree)
    problems += _check_reachable(tree)
    for outcome in tree.outcomes.values():
        problems += _check_outcome(tree, outcome, citation_refs=citation_refs, flows=flows)
    problems += _check_placeholders(tree, placeholders)
    return problems


def check_trees(
    trees: Iterable[DecisionTree],
    *,
    citation_refs: Collection[str],
    placeholders: Collection[str],
    flows: Collection[str] = KNOWN_FLOWS,
) -> list[Problem]:
    """Every problem in each tree, and any tree id used twice."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for tree in trees:
        if tree.id in seen:
            problems.append(Problem(tree.id, "(tree)", "another tree has the same id"))
        seen.add(tree.id)
        problems += check_tree(tree, citation_refs=citation_refs, placeholders=placeholders, flows=flows)
    return problems


def check_tree_files(
    paths: Iterable[Path],
    *,
    citation_refs: Collection[str],
    placeholders: Collection[str],
) -> list[Problem]:
    """Load and check each file. A file that cannot be loaded is one problem naming
    the file and field."""
    problems: list[Problem] = []
    trees: list[DecisionTree] = []
    for path in paths:
        try:
            trees.append(load_tree(path))
        except TreeError as error:
            problems.append(Problem(error.source, error.field, error.problem))
    return problems + check_trees(trees, citation_refs=citation_refs, placeholders=placeholders)


def check_shipped_trees(profile: Profile) -> list[Problem]:
    """Every problem in the trees shipped in ``workflows/trees/data/``, judged against
    what ``profile`` can cite and fill in: its policy numbers, the sources catalogue and
    its placeholders, the same as the knowledge base is judged against."""
    return check_tree_files(
        tree_files(), citation_refs=SourceCatalogue.load(profile).known_refs(), placeholders=set(profile.placeholders())
    )


def _check_start(tree: DecisionTree) -> list[Problem]:
    problems: list[Problem] = []
    if tree.start not in tree.questions:
        problems.append(Problem(tree.id, "start", f"no question called {tree.start!r}"))
    for shared in sorted(tree.questions.keys() & tree.outcomes.keys()):
        problems.append(Problem(tree.id, f"question {shared}", "an outcome has the same id"))
    return problems


def _check_question(tree: DecisionTree, question: Question) -> list[Problem]:
    node = f"question {question.id}"
    if not question.options:
        return [Problem(tree.id, node, "dead end: the question offers no options")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for option in question.options:
        if option.id in seen:
            problems.append(Problem(tree.id, node, f"option id {option.id!r} is used twice"))
        seen.add(option.id)
        problems += _check_option(tree, question, option)
    return problems


def _check_option(tree: DecisionTree, question: Question, option: Option) -> list[Problem]:
    node = f"question {question.id}, option {option.id}"
    if option.next is None and option.outcome is None:
        return [Problem(tree.id, node, "dead end: leads to no question and no outcome")]
    if option.next is not None and option.outcome is not None:
        return [Problem(tree.id, node, "leads to both a question and an outcome; choose one")]
    if option.next is not None and option.next not in tree.questions:
        return [Problem(tree.id, node, f"dead end: next question {option.next!r} does not exist")]
    if option.outcome is not None and option.outcome not in tree.outcomes:
        return [Problem(tree.id, node, f"dead end: outcome {option.outcome!r} does not exist")]
    return []


def _next_questions(tree: DecisionTree, question: Question) -> list[str]:
    return [option.next for option in question.options if option.next is not None and option.next in tree.questions]


def _check_cycles(tree: DecisionTree) -> list[Problem]:
    """Each way back to a question already on the path, found by a walk that keeps its own stack
    (a tree of thousands of questions in a row must not exhaust Python's)."""
    problems: list[Problem] = []
    finished: set[str] = set()
    for root in sorted(tree.questions):
        if root in finished:
            continue
        path, on_path = [root], {root}
        waiting = [iter(_next_questions(tree, tree.questions[root]))]
        while waiting:
            following = next(waiting[-1], None)
            if following is None:
                waiting.pop()
                done = path.pop()
                on_path.discard(done)
                finished.add(done)
            elif following in on_path:
                loop = " -> ".join([*path[path.index(following):], following])
                problems.append(Problem(tree.id, f"question {following}", f"cycle: {loop}"))
            elif following not in finished:
                path.append(following)
                on_path.add(following)
                waiting.append(iter(_next_questions(tree, tree.questions[following])))
    return problems


def _check_reachable(tree: DecisionTree) -> list[Problem]:
    reached: set[str] = set()
    waiting = [tree.start] if tree.start in tree.questions else []
    while waiting:
        question = tree.questions[waiting.pop()]
        if question.id in reached:
            continue
        reached.add(question.id)
        waiting += _next_questions(tree, question)
        reached.update(option.outcome for option in question.options if option.outcome is not None)
    unreachable_questions = sorted(tree.questions.keys() - reached)
    unreachable_outcomes = sorted(tree.outcomes.keys() - reached)
    return [Problem(tree.id, f"question {qid}", "unreachable from the start") for qid in unreachable_questions] + [
        Problem(tree.id, f"outcome {oid}", "unreachable: no option leads to it") for oid in unreachable_outcomes
    ]


def _check_outcome(
    tree: DecisionTree, outcome: Outcome, *, citation_refs: Collection[str], flows: Collection[str]
) -> list[Problem]:
    node = f"outcome {outcome.id}"
    problems = [
        Problem(tree.id, node, f"unknown citation ref {citation.ref!r}")
        for citation in outcome.citations
        if citation.ref not in citation_refs
    ]
    if not outcome.reasons:
        problems.append(Problem(tree.id, node, "gives no reasons"))
    if not outcome.citations:
        problems.append(Problem(tree.id, node, "cites no source"))
    if outcome.verdict is Verdict.YES_WITH_CONDITIONS and not outcome.conditions:
        problems.append(Problem(tree.id, node, "verdict yes_with_conditions but no conditions"))
    if outcome.verdict is Verdict.REPORT_INCIDENT and outcome.next_flow is None:
        problems.append(Problem(tree.id, node, "verdict report_incident but no next_flow"))
    if outcome.next_flow is not None and outcome.next_flow not in flows:
        problems.append(Problem(tree.id, node, f"unknown next_flow {outcome.next_flow!r}"))
    return problems


def _texts_by_node(tree: DecisionTree) -> Iterable[tuple[str, str]]:
    yield "(tree)", tree.title
    yield "(tree)", tree.description
    for question in tree.questions.values():
        node = f"question {question.id}"
        yield node, question.text
        if question.help is not None:
            yield node, question.help
        for option in question.options:
            yield f"{node}, option {option.id}", option.label
    for outcome in tree.outcomes.values():
        node = f"outcome {outcome.id}"
        for text in (outcome.headline, *outcome.reasons, *outcome.conditions):
            yield node, text


def _check_placeholders(tree: DecisionTree, placeholders: Collection[str]) -> list[Problem]:
    problems: list[Problem] = []
    for node, text in _texts_by_node(tree):
        for name in sorted(placeholders_in(text) - set(placeholders)):
            problems.append(Problem(tree.id, node, f"unknown placeholder {{{name}}}"))
    return problems
