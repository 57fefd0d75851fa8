"""Decision trees that walk a member of staff to an answer.

A tree is data: questions, each offering options, and outcomes. An option leads to
another question or to an outcome. A walk through a tree is nothing more than the list
of option ids the person has chosen so far, so the conversation core can store
``{"tree": id, "version": n, "answers": [...]}`` and replay it at any time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from knowledge.entries import Source


class Verdict(StrEnum):
    """What an outcome tells the person to do."""

    YES = "yes"
    YES_WITH_CONDITIONS = "yes_with_conditions"
    NO = "no"
    ASK_IG_TEAM = "ask_ig_team"
    ASK_CALDICOTT_GUARDIAN = "ask_caldicott_guardian"
    ASK_DPO = "ask_dpo"
    REPORT_INCIDENT = "report_incident"
    INFO = "info"


ASK_VERDICTS = frozenset({Verdict.ASK_IG_TEAM, Verdict.ASK_CALDICOTT_GUARDIAN, Verdict.ASK_DPO})


class TreeError(Exception):
    """A tree file or tree is malformed. Names the file (or tree) and the field."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


class InvalidAnswer(ValueError):
    """The person chose something that is not offered at this point of the walk.

    ``user_message`` is worded for the person; ``str(error)`` is for the log.
    """

    def __init__(self, *, tree_id: str, answer: str, user_message: str) -> None:
        super().__init__(f"{tree_id}: answer {answer!r} is not valid here: {user_message}")
        self.tree_id = tree_id
        self.answer = answer
        self.user_message = user_message


@dataclass(frozen=True)
class Option:
    """One choice offered by a question. Exactly one of ``next`` and ``outcome`` is set
    in a well-formed tree (``check.py`` reports any option that breaks this)."""

    id: str
    label: str
    next: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: tuple[Option, ...]
    help: str | None = None

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)


@dataclass(frozen=True)
class Outcome:
    id: str
    verdict: Verdict
    headline: str
    reasons: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    citations: tuple[Source, ...] = ()  # where the reasons come from, as knowledge entries cite
    next_flow: str | None = None


@dataclass(frozen=True)
class AnsweredQuestion:
    """One step of a walk, in words: what was asked and what the person chose.

    This is what a record of the decision shows (golden rule 7)."""

    question: Question
    option: Option


@dataclass(frozen=True)
class DecisionTree:
    id: str
    title: str
    version: int
    description: str
    start: str
    questions: Mapping[str, Question] = field(default_factory=dict)
    outcomes: Mapping[str, Outcome] = field(default_factory=dict)

    def step(self, answers: Sequence[str]) -> Question | Outcome:
        """Replay ``answers`` from the start; return the question to ask next, or the
        outcome reached. Raises ``InvalidAnswer`` for an option not offered."""
        trail = self.trail(answers)
        return self.follow(trail[-1].option) if trail else self.start_question()

    def answer(self, answers: Sequence[str], option_id: str) -> tuple[str, ...]:
        """The answers after choosing ``option_id`` at the current point."""
        question = self._still_asking(self.step(answers), option_id)
        self._option(question, option_id)
        return (*answers, option_id)

    def trail(self, answers: Sequence[str]) -> tuple[AnsweredQuestion, ...]:
        """The questions asked and the options chosen, in order."""
        steps: list[AnsweredQuestion] = []
        node: Question | Outcome = self.start_question()
        for answer in answers:
            question = self._still_asking(node, answer)
            option = self._option(question, answer)
            steps.append(AnsweredQuestion(question=question, option=option))
            node = self.follow(option)
        return tuple(steps)

    def start_question(self) -> Question:
        question = self.questions.get(self.start)
        if question is None:
            raise TreeError(self.id, "start", f"no question called {self.start!r}")
        return question

    def follow(self, option: Option) -> Question | Outcome:
        """The question or outcome an option leads to."""
        if option.next is not None and option.next in self.questions:
            return self.questions[option.next]
        if option.outcome is not None and option.outcome in self.outcomes:
            return self.outcomes[option.outcome]
        raise TreeError(self.id, f"option {option.id}", "leads to no question or outcome")

    def _still_asking(self, node: Question | Outcome, option_id: str) -> Question:
        if isinstance(node, Outcome):
            raise InvalidAnswer(
                tree_id=self.id,
                answer=option_id,
                user_message="We've already reached an answer. Go back, or start over.",
            )
        return node

    def _option(self, question: Question, option_id: str) -> Option:
        option = question.option(option_id)
        if option is None:
            choices = "; ".join(offered.label for offered in question.options)
            raise InvalidAnswer(
                tree_id=self.id,
                answer=option_id,
                user_message=f"That isn't one of the choices. Please choose one of: {choices}.",
            )
        return option


def back(answers: Sequence[str]) -> tuple[str, ...]:
    """The answers with the last one taken back. Going back from the start stays there."""
    return tuple(answers[:-1])


def start_over() -> tuple[str, ...]:
    """The answers of a walk that has just started."""
    return ()
