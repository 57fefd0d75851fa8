"""Decision trees as conversations: "Can I share this?" and the other guided checks.

Each tree is a workflow named after its id. Its state is the list of options chosen so
far, so a restart loses nothing; reaching an outcome records the decision (who, when,
answers, outcome, tree version), as the seventh golden rule of information sharing asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rapidfuzz import fuzz, process

from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.conversation import CARRY_ON, Conversation, Step, Turn, start_action
from bot.core.errors import CommandError, ConfigurationError
from knowledge.citations import SourceCatalogue
from storage import audit, conversations, decisions
from storage.decisions import SharingDecision
from storage.types import row_id
from workflows.trees import DecisionTree, InvalidAnswer, Outcome, Question, TreeError, Verdict, load_all
from workflows.trees.model import back
from workflows.trees.render import MissingProfileValue, render_tree

ACTION_PREFIX = "decision"

TRIGGERS: dict[str, tuple[str, ...]] = {
    "can-i-share": ("share", "sharing", "can i share", "can i share this", "sharing check"),
    "device-or-app": ("device", "app", "device check", "can i use this device", "can i use this app"),
    "is-this-an-incident": ("is this an incident", "incident check", "is it an incident"),
    "how-long-to-keep": ("retention", "how long to keep", "how long do we keep this record", "keep records"),
}

_BACK_WORDS = frozenset({"back", "go back", "undo", "previous"})
_RESTART_WORDS = frozenset({"start over", "restart", "start again", "begin again"})

VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.YES: "Yes",
    Verdict.YES_WITH_CONDITIONS: "Yes, with conditions",
    Verdict.NO: "No",
    Verdict.ASK_IG_TEAM: "Ask the IG team",
    Verdict.ASK_CALDICOTT_GUARDIAN: "Ask the Caldicott Guardian",
    Verdict.ASK_DPO: "Ask the Data Protection Officer",
    Verdict.REPORT_INCIDENT: "Report it as an incident",
    Verdict.INFO: "Answer",
}


@dataclass(frozen=True)
class TreeWorkflow:
    tree: DecisionTree
    sources: SourceCatalogue

    @property
    def name(self) -> str:
        return self.tree.id

    @cached_property
    def triggers(self) -> tuple[str, ...]:
        return (self.tree.title.lower().rstrip("?"), self.tree.title.lower(), *TRIGGERS.get(self.tree.id, ()))

    @property
    def help_line(self) -> str:
        return f"*{self.tree.title}*: {self.tree.description}"

    def start(self, turn: Turn) -> Step:
        return self.ask(turn, ())

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        answers = tuple(state.get("answers", ()))
        if state.get("version") != self.tree.version:
            note = "This checklist was updated since you started, so let's begin again."
            return self.ask(turn, (), note=note)
        try:
            chosen = self._read(turn, answers)
        except InvalidAnswer as error:
            step = self.ask(turn, answers, note=error.user_message)
            return Step(step.replies, step.state, understood=False)
        return self.ask(turn, chosen)

    def ask(self, turn: Turn, answers: Sequence[str], *, note: str | None = None) -> Step:
        node = self.tree.step(answers)
        if isinstance(node, Outcome):
            return Step(self._conclude(turn, tuple(answers), node), None)
        text = f"*{node.text}*" + (f"\n{node.help}" if node.help else "")
        choices = [Choice(option.label, f"{self.name}:answer:{option.id}") for option in node.options]
        if answers:
            choices.append(Choice("Back", f"{self.name}:back"))
        replies = [Reply(title=self.tree.title if not answers else None, text=text, choices=tuple(choices),
                         notes=(note,) if note else ())]
        return Step(replies, {"tree": self.name, "version": self.tree.version, "answers": list(answers)})

    def _read(self, turn: Turn, answers: tuple[str, ...]) -> tuple[str, ...]:
        """The answers after what the person pressed or typed."""
        action = turn.message.action or ""
        typed = turn.text.lower().strip(" .!")
        if action == f"{self.name}:back" or typed in _BACK_WORDS:
            return back(answers)
        if typed in _RESTART_WORDS:
            return ()
        if typed == CARRY_ON:
            return answers
        if action.startswith(f"{self.name}:answer:"):
            return self.tree.answer(answers, action.removeprefix(f"{self.name}:answer:"))
        question = self.tree.step(answers)
        if isinstance(question, Outcome):
            return answers
        return self.tree.answer(answers, _option_typed(question, turn.text))

    def _conclude(self, turn: Turn, answers: tuple[str, ...], outcome: Outcome) -> list[Reply]:
        person = turn.require_person()
        assert person.id is not None
        decision = decisions.create(
            session=turn.session, staff_id=person.id, tree_id=self.name, tree_version=self.tree.version,
            answers=list(answers), outcome_id=outcome.id, verdict=outcome.verdict.value, now=turn.now,
        )
        audit.record(session=turn.session, now=turn.now, action="decision.recorded", actor_id=person.id,
                     subject=decision.reference, details={"tree": self.name, "outcome": outcome.id})
        return [self.outcome_reply(turn, decision, outcome)]

    def outcome_reply(self, turn: Turn, decision: SharingDecision, outcome: Outcome) -> Reply:
        parts = [f"*{VERDICT_LABELS[outcome.verdict]}.* {outcome.headline}"]
        if outcome.reasons:
            parts.append("*Why*\n" + "\n".join(f"- {reason}" for reason in outcome.reasons))
        if outcome.conditions:
            parts.append("*Before you go ahead*\n" + "\n".join(f"- {condition}" for condition in outcome.conditions))
        choices = [
            Choice("Back", f"{ACTION_PREFIX}:back:{decision.id}"),
            Choice("Start over", start_action(self.name)),
            Choice("Send me a copy", f"{ACTION_PREFIX}:copy:{decision.id}"),
        ]
        if outcome.next_flow:
            choices.insert(0, Choice("Report an incident", start_action(outcome.next_flow), ChoiceStyle.PRIMARY))
        citations = tuple(self.sources.cite(citation.ref, citation.section) for citation in outcome.citations)
        note = f"I've recorded this decision as {decision.reference}."
        return Reply(title=self.tree.title, text="\n\n".join(parts), citations=citations, choices=tuple(choices),
                     notes=(note,))

    def copy(self, turn: Turn, decision: SharingDecision) -> Reply:
        """The decision record, for the person to keep."""
        decided = decision.decided_at.astimezone(turn.profile.working_hours.zone)
        lines = [
            f"*Checklist*: {self.tree.title} (version {decision.tree_version})",
            f"*Decided*: {decided.day} {decided:%B %Y at %H:%M} by {turn.require_person().name}",
            "*Your answers*",
        ]
        if decision.tree_version == self.tree.version:
            trail = self.tree.trail(decision.answers)
            lines += [f"- {step.question.text} — {step.option.label}" for step in trail]
            outcome = self.tree.outcomes[decision.outcome_id]
            lines.append(f"*Outcome*: {VERDICT_LABELS[outcome.verdict]}. {outcome.headline}")
        else:
            lines.append(f"- answers {', '.join(decision.answers)}; outcome {decision.outcome_id}")
        return Reply(title=f"Decision record {decision.reference}", text="\n".join(lines))


def _option_typed(question: Question, typed: str) -> str:
    """The option a person typed: its number, its label, or something close to the label."""
    text = typed.strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(question.options):
        return question.options[int(text) - 1].id
    labels = {option.label.lower(): option.id for option in question.options}
    if text.lower() in labels:
        return labels[text.lower()]
    match = process.extractOne(text.lower(), list(labels), scorer=fuzz.WRatio, score_cutoff=86)
    if match is not None and len(text) >= 3:
        return labels[match[0]]
    return text


@dataclass(frozen=True)
class DecisionActions:
    """Buttons on a recorded decision: go back one answer, or send a copy."""

    workflows: dict[str, TreeWorkflow]

    def __call__(self, turn: Turn, rest: str) -> list[Reply]:
        verb, _, raw_id = rest.partition(":")
        person = turn.require_person()
        decision_id = row_id(raw_id)
        decision = decisions.get(session=turn.session, decision_id=decision_id) if decision_id else None
        if decision is None or decision.staff_id != person.id or decision.tree_id not in self.workflows:
            raise CommandError("I can't find that decision. Type *help* to start a new check.")
        workflow = self.workflows[decision.tree_id]
        if verb == "copy":
            return [workflow.copy(turn, decision)]
        if verb == "back" and decision.tree_version == workflow.tree.version:
            step = workflow.ask(turn, back(decision.answers))
            assert step.state is not None and person.id is not None
            conversations.save(connection=turn.connection, staff_id=person.id, workflow=workflow.name, data=step.state,
                               now=turn.now)
            return step.replies
        raise CommandError("That checklist has changed since this decision. Type *help* to start again.")


def install(conversation: Conversation) -> None:
    sources = SourceCatalogue.load(conversation.profile)
    values = conversation.profile.placeholders()
    try:
        trees = {tree_id: render_tree(tree, values) for tree_id, tree in load_all().items()}
    except (TreeError, MissingProfileValue) as error:
        raise ConfigurationError(f"A decision tree cannot be loaded: {error}") from None
    workflows = {tree_id: TreeWorkflow(tree=tree, sources=sources) for tree_id, tree in trees.items()}
    for workflow in workflows.values():
        conversation.add_workflow(workflow)
    conversation.add_action(ACTION_PREFIX, DecisionActions(workflows))
