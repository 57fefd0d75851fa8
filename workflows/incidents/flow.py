"""Reporting an incident: one form where the channel can show one, otherwise one question at a time.

The answers so far live in the person's conversation state (in the database), so a restart
in the middle loses nothing and an unfinished report stays as a draft. State:

    {"answers": {name: value}, "asked": [names answered, in order],
     "pending": [names still to ask], "choosing": bool}

When `pending` is empty the person sees a summary and sends it (or changes an answer).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.core import wording as bot_wording
from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.conversation import CARRY_ON, Step, Turn, label_of, normalise_command
from bot.core.profile import Profile
from storage import conversations
from workflows.incidents import commands, report, wording
from workflows.incidents.answers import InvalidAnswer
from workflows.incidents.questions import (
    BY_NAME,
    NAMES,
    QUESTIONS,
    WORKFLOW,
    Question,
    QuestionKind,
    answer_choices,
    build_form,
    labelled,
    number_of,
    order_problem,
    parse_answer,
    parse_form,
    problems,
    shown_value,
)


TRIGGERS = ("report", "report an incident", "report incident", "i need to report an incident", "report a breach")
_SEND_WORDS = frozenset({"send", "send report", "send it", "yes", "submit", "ok", "confirm", "1"})
_CHANGE_WORDS = frozenset({"change", "change an answer", "edit", "no", "2"})
_BACK_WORDS = frozenset({"back", "go back", "previous", "undo"})


@dataclass
class IncidentReport:
    name: str = WORKFLOW
    triggers: tuple[str, ...] = TRIGGERS
    help_line: str = wording.HELP_LINE

    def start(self, turn: Turn) -> Step:
        turn.require_person()
        if turn.message.supports_forms:
            return Step([Reply(text=wording.FORM_INTRO, form=build_form(turn.profile))], None)
        state: dict[str, Any] = {"answers": {}, "asked": [], "pending": list(NAMES), "choosing": False}
        intro = Reply(text=wording.INTRO.format(count=len(QUESTIONS)))
        return Step([intro, ask(BY_NAME[NAMES[0]], state, turn.profile)], state)

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        action = turn.message.action or ""
        if action:
            return self._on_button(turn, state, action.removeprefix(f"{WORKFLOW}:"))
        typed = normalise_command(turn.text)
        if commands.matches(turn.text):
            outcome = commands.run(turn, now=turn.now)
            if outcome.begin is not None:  # an update that asks questions would talk over the report
                refusal = Reply(text=bot_wording.FINISH_FIRST.format(label=label_of(self)))
                return Step([refusal, *self._where_we_are(turn, state)], state)
            return Step([*outcome.replies, *self._where_we_are(turn, state)], state)
        if typed in self.triggers or typed in (CARRY_ON, "carry on"):
            return Step([Reply(text=wording.WELCOME_BACK), *self._where_we_are(turn, state)], state)
        if typed in _BACK_WORDS:
            return self._back(turn, state)
        if state["choosing"]:
            return self._choose_change(state, turn.text, turn.profile)
        if state["pending"]:
            return self._answer(turn, state, turn.text)
        if typed in _SEND_WORDS:
            return self._send(turn, state)
        if typed in _CHANGE_WORDS:
            return self._list_answers(state)
        return Step([Reply(text=bot_wording.NOT_UNDERSTOOD_CHOICE.format(choices="send or change")),
                     *self._where_we_are(turn, state)], state)

    def on_action(self, turn: Turn, rest: str) -> list[Reply]:
        """Every `incident-report:` button and the form submission, whether or not a draft is in progress."""
        person = turn.require_person()
        assert person.id is not None
        if rest == "form":
            return self._submit_form(turn)
        stored = conversations.get(connection=turn.connection, staff_id=person.id)
        if stored is None or stored.workflow != WORKFLOW:
            return [Reply(text=bot_wording.STALE_BUTTON)]
        step = self.resume(turn, dict(stored.data))
        keep(turn, step.state)
        return step.replies

    def _on_button(self, turn: Turn, state: dict[str, Any], value: str) -> Step:
        verb, _, rest = value.partition(":")
        if verb == "answer":
            name, _, answer = rest.partition(":")
            if not state["pending"] or state["pending"][0] != name:
                return Step([Reply(text=wording.EARLIER_BUTTON), *self._where_we_are(turn, state)], state)
            return self._answer(turn, state, answer)
        if verb == "back":
            return self._back(turn, state)
        if verb == "send" and not state["pending"]:
            return self._send(turn, state)
        if verb == "change" and rest in BY_NAME:
            return self._choose_change(state, str(number_of(rest)), turn.profile)
        if verb == "change":
            return self._list_answers(state)
        return Step([Reply(text=wording.WELCOME_BACK), *self._where_we_are(turn, state)], state)

    def _answer(self, turn: Turn, state: dict[str, Any], raw: str) -> Step:
        question = labelled(BY_NAME[state["pending"][0]], turn.profile)
        now = turn.now
        try:
            value = parse_answer(question, raw, now=now, zone=turn.profile.working_hours.zone)
            _check_order(question, value, state["answers"])
        except InvalidAnswer as problem:
            return Step([Reply(text=str(problem)), ask(question, state, turn.profile)], state)
        state["answers"][question.name] = value
        state["asked"] = [name for name in state["asked"] if name != question.name] + [question.name]
        state["pending"] = state["pending"][1:]
        removed = value.get("removed", []) if isinstance(value, dict) else []
        notes = (report.identifiers_note(removed),) if removed else ()
        replies = self._where_we_are(turn, state)
        if notes:
            replies[0] = dataclasses.replace(replies[0], notes=notes)
        return Step(replies, state)

    def _back(self, turn: Turn, state: dict[str, Any]) -> Step:
        if state["choosing"]:
            state["choosing"] = False
            return Step(self._where_we_are(turn, state), state)
        if not state["asked"]:
            return Step([Reply(text=wording.FIRST_QUESTION), *self._where_we_are(turn, state)], state)
        previous = state["asked"].pop()
        state["pending"] = [previous, *[name for name in state["pending"] if name != previous]]
        return Step(self._where_we_are(turn, state), state)

    def _where_we_are(self, turn: Turn, state: dict[str, Any]) -> list[Reply]:
        """The question to answer now, or the summary to send; answers that no longer fit are asked again."""
        if state["choosing"]:
            return [_change_menu()]
        if not state["pending"]:
            found = problems(state["answers"])
            if found:
                state["pending"] = [name for name in NAMES if name in found]
                first = state["pending"][0]
                return [Reply(text=found[first]), ask(BY_NAME[first], state, turn.profile)]
            return [summary(state, turn.profile)]
        return [ask(BY_NAME[state["pending"][0]], state, turn.profile)]

    def _list_answers(self, state: dict[str, Any]) -> Step:
        state["choosing"] = True
        return Step([_change_menu()], state)

    def _choose_change(self, state: dict[str, Any], raw: str, profile: Profile) -> Step:
        text = raw.strip().lower()
        picked = next((q.name for number, q in enumerate(QUESTIONS, start=1)
                       if text in (str(number), q.label.lower(), q.name)), None)
        if picked is None:
            return Step([Reply(text=wording.PICK_ONE.format(count=len(QUESTIONS))), _change_menu()], state)
        state["choosing"] = False
        state["pending"] = [picked]
        return Step([ask(BY_NAME[picked], state, profile)], state)

    def _send(self, turn: Turn, state: dict[str, Any]) -> Step:
        now = turn.now
        if problems(state["answers"]):
            return Step(self._where_we_are(turn, state), state)
        reporter = turn.require_person()
        incident = report.store(session=turn.session, reporter=reporter, answers=state["answers"],
                                channel=turn.message.channel.value, profile=turn.profile, now=now)
        return Step([report.received(incident, reporter=reporter, profile=turn.profile, now=now)], None)

    def _submit_form(self, turn: Turn) -> list[Reply]:
        reporter = turn.require_person()
        assert reporter.id is not None
        now = turn.now
        answers, found = parse_form(turn.message.form or {}, now=now, zone=turn.profile.working_hours.zone)
        removed = report.removed_identifiers(answers)
        notes = (report.identifiers_note(removed),) if removed else ()
        if not found:
            incident = report.store(session=turn.session, reporter=reporter, answers=answers,
                                    channel=turn.message.channel.value, profile=turn.profile, now=now)
            _clear_draft(turn, reporter.id)
            return [report.received(incident, reporter=reporter, profile=turn.profile, now=now, notes=notes)]
        pending = [name for name in NAMES if name in found]
        state = {"answers": answers, "asked": [name for name in NAMES if name in answers], "pending": pending,
                 "choosing": False}
        conversations.save(connection=turn.connection, staff_id=reporter.id, workflow=WORKFLOW, data=state,
                           now=turn.now)
        listed = "\n".join(f"- {BY_NAME[name].label}: {found[name]}" for name in pending)
        return [Reply(text=f"{wording.FORM_PROBLEMS}\n{listed}", notes=notes),
                ask(BY_NAME[pending[0]], state, turn.profile)]


def _change_menu() -> Reply:
    choices = tuple(Choice(question.label, f"{WORKFLOW}:change:{question.name}") for question in QUESTIONS)
    return Reply(text=wording.WHICH_TO_CHANGE, choices=choices + (Choice(wording.BACK, f"{WORKFLOW}:back"),))


def _check_order(question: Question, value: Any, answers: dict[str, Any]) -> None:
    """Said as soon as the discovery time is typed, rather than after the remaining questions."""
    if question.name == "discovered_at":
        problem = order_problem({**answers, question.name: value})
        if problem:
            raise InvalidAnswer(problem)


def ask(question: Question, state: dict[str, Any], profile: Profile) -> Reply:
    question = labelled(question, profile)
    heading = wording.QUESTION_HEADING.format(number=number_of(question.name), total=len(QUESTIONS))
    text = f"{heading}\n{question.prompt}"
    if question.hint:
        text += f"\n{question.hint}"
    choices = answer_choices(question)
    if question.kind is QuestionKind.WHEN:
        choices += (Choice(wording.NOW, f"{WORKFLOW}:answer:{question.name}:now"),)
    if state["asked"]:
        choices += (Choice(wording.BACK, f"{WORKFLOW}:back"),)
    return Reply(text=text, choices=choices, expects_text=question.kind is not QuestionKind.SELECT)


def keep(turn: Turn, state: dict[str, Any] | None) -> None:
    """Save or clear the draft after a button press (the core does this for typed answers)."""
    person = turn.require_person()
    assert person.id is not None
    if state is None:
        conversations.clear(connection=turn.connection, staff_id=person.id)
    else:
        conversations.save(connection=turn.connection, staff_id=person.id, workflow=WORKFLOW, data=state,
                           now=turn.now)


def _clear_draft(turn: Turn, staff_id: int) -> None:
    stored = conversations.get(connection=turn.connection, staff_id=staff_id)
    if stored is not None and stored.workflow == WORKFLOW:
        conversations.clear(connection=turn.connection, staff_id=staff_id)


def summary(state: dict[str, Any], profile: Profile) -> Reply:
    lines = [wording.SUMMARY_HEADING]
    for question in QUESTIONS:
        shown = shown_value(labelled(question, profile), state["answers"][question.name], profile.working_hours.zone)
        lines.append(f"- *{question.label}*: {shown}")
    lines.append("")
    lines.append(wording.CONFIRM_PROMPT)
    choices = (
        Choice(wording.SEND, f"{WORKFLOW}:send", ChoiceStyle.PRIMARY),
        Choice(wording.CHANGE, f"{WORKFLOW}:change"),
        Choice("Cancel", "cancel:", ChoiceStyle.DANGER),
    )
    return Reply(text="\n".join(lines), choices=choices)
