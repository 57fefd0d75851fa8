"""The questions of an incident report, as data: asked one at a time in chat, or all at once as a form.

Each answer is parsed and checked by the question it answers (nothing in the future, nothing implausibly
old); `problems` checks the answers together (none missing, not discovered before it happened).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.profile import Profile
from bot.core.chat import Choice, FieldKind, Form, FormField
from workflows.incidents import wording
from workflows.incidents.answers import (
    InvalidAnswer,
    check_past,
    clean_text,
    describe_people,
    fewest_people,
    most_people,
    parse_people,
    parse_when,
)
from workflows.incidents.grading import Contained, DataKind, Vulnerable
from workflows.incidents.kinds import all_kinds

WORKFLOW = "incident-report"
FORM_ID = f"{WORKFLOW}:form"


class QuestionKind(StrEnum):
    SELECT = "select"
    WHEN = "when"
    PEOPLE = "people"
    TEXT = "text"


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    prompt: str
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    hint: str = ""

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


def _options(pairs: tuple[tuple[str, str], ...]) -> tuple[Option, ...]:
    return tuple(Option(code=str(code), label=label) for code, label in pairs)


QUESTIONS: tuple[Question, ...] = (
    Question("kind", "Kind of incident", "What kind of incident is it?", QuestionKind.SELECT,
             options=tuple(Option(kind.code, kind.label) for kind in all_kinds())),
    Question("happened_at", "When it happened", "When did it happen? Your best guess is fine.", QuestionKind.WHEN,
             hint=wording.WHEN_HINT),
    Question("discovered_at", "When it was discovered", "When was it discovered?", QuestionKind.WHEN,
             hint=wording.WHEN_HINT),
    Question("data_kind", "Kind of information", "What kind of information is involved?", QuestionKind.SELECT,
             options=_options((
                 (DataKind.PERSONAL, "Personal data only (names, contact details, addresses)"),
                 # In a health or care service, case notes are about someone's health: special category.
                 (DataKind.SPECIAL, "Health or other special category data (case notes, test results, "
                                    "ethnicity, religion, sexuality, crime)"),
                 (DataKind.NONE, "No personal data"),
                 (DataKind.UNSURE, "Not sure"),
             ))),
    Question("vulnerable", "Children or vulnerable adults", "Is it about children or vulnerable adults?",
             QuestionKind.SELECT,
             options=_options((
                 (Vulnerable.CHILDREN, "Children or young people"),
                 (Vulnerable.VULNERABLE_ADULTS, "Vulnerable adults"),
                 (Vulnerable.NONE, "Neither"),
                 (Vulnerable.UNSURE, "Not sure"),
             ))),
    Question("people_affected", "People affected", "Roughly how many people are affected?", QuestionKind.PEOPLE,
             hint="A number, a range such as 10-20, or *not sure*."),
    Question("contained", "Back under control", "Is the information back under our control?", QuestionKind.SELECT,
             options=_options((
                 (Contained.YES, "Yes: recovered, or confirmed deleted"),
                 (Contained.PARTLY, "Partly"),
                 (Contained.NO, "No"),
                 (Contained.UNSURE, "Not sure yet"),
             ))),
    Question("containment", "Done to contain it", "What has been done to contain it so far?", QuestionKind.TEXT,
             hint=wording.NO_IDENTIFIERS_HINT),
    Question("told", "Who has been told", "Who has been told about it so far (e.g. your manager, the recipient)?",
             QuestionKind.TEXT, hint=wording.NO_IDENTIFIERS_HINT),
    Question("description", "What happened", "Briefly, what happened?", QuestionKind.TEXT,
             hint=wording.NO_IDENTIFIERS_HINT),
)

BY_NAME = {question.name: question for question in QUESTIONS}


def labelled(question: Question, profile: Profile) -> Question:
    """The question with its options worded as the organisation's profile says (its data categories)."""
    labels: dict[str, str] = ({str(code): label for code, label in profile.incident_reporting.data_categories.items()}
                              if question.name == "data_kind" else {})
    if not labels:
        return question
    return replace(question, options=tuple(Option(option.code, labels.get(option.code, option.label))
                                           for option in question.options))
NAMES = tuple(question.name for question in QUESTIONS)


def number_of(name: str) -> int:
    return NAMES.index(name) + 1


def parse_answer(question: Question, raw: str, *, now: dt.datetime, zone: ZoneInfo) -> Any:
    """The stored value of one answer (JSON-friendly); raises InvalidAnswer.

    Free text comes back as {"text": redacted, "removed": [kinds of identifier taken out]}.
    """
    if question.kind is QuestionKind.SELECT:
        return _pick(question, raw)
    if question.kind is QuestionKind.WHEN:
        what = "it happened" if question.name == "happened_at" else "it was discovered"
        moment = check_past(parse_when(raw, now=now, zone=zone), now=now, what=what)
        return moment.isoformat()
    if question.kind is QuestionKind.PEOPLE:
        return parse_people(raw)
    cleaned = clean_text(raw, today=now.astimezone(zone).date())
    return {"text": cleaned.text, "removed": list(cleaned.removed)}


def _pick(question: Question, raw: str) -> str:
    """An option by its number, its code, or its label (or the start of it), ignoring case."""
    text = raw.strip().lower().rstrip(".")
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(question.options):
        return question.options[int(text) - 1].code
    for option in question.options:
        if text in (option.code.lower(), option.label.lower()):
            return option.code
    starting = [option for option in question.options if text and option.label.lower().startswith(text)]
    if len(starting) == 1:
        return starting[0].code
    raise InvalidAnswer(wording.PICK_ONE.format(count=len(question.options)))


def problems(answers: dict[str, Any]) -> dict[str, str]:
    """What is wrong with a set of answers taken together, by question name."""
    found: dict[str, str] = {name: wording.MISSING_ANSWER for name in NAMES if name not in answers}
    order = order_problem(answers)
    if order:
        found["discovered_at"] = order
    return found


def order_problem(answers: dict[str, Any]) -> str | None:
    """Why the two times cannot both be right (discovered before it happened), or None.

    One rule for the form, the summary and the question asked in chat, so they never disagree.
    """
    happened = _moment(answers.get("happened_at"))
    discovered = _moment(answers.get("discovered_at"))
    if happened and discovered and discovered < happened:
        return wording.DISCOVERED_BEFORE_HAPPENED
    return None


def _moment(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def parse_form(values: dict[str, str], *, now: dt.datetime, zone: ZoneInfo) -> tuple[dict[str, Any], dict[str, str]]:
    """Every field of a submitted form: the answers that could be read, and the problems with the rest."""
    answers: dict[str, Any] = {}
    found: dict[str, str] = {}
    for question in QUESTIONS:
        raw = str(values.get(question.name) or "").strip()
        if not raw and question.kind is QuestionKind.PEOPLE:
            answers[question.name] = None  # the form says: leave it empty if you're not sure
            continue
        if not raw:
            found[question.name] = wording.MISSING_ANSWER
            continue
        try:
            answers[question.name] = parse_answer(question, _form_value(question, raw), now=now, zone=zone)
        except InvalidAnswer as error:
            found[question.name] = str(error)
    cross = problems(answers)
    found.update({name: message for name, message in cross.items() if name not in found})
    for name in found:
        answers.pop(name, None)
    return answers, found


def _form_value(question: Question, raw: str) -> str:
    """Select values may come back as the option's button value: take the code after the last colon."""
    if question.kind is QuestionKind.SELECT and ":" in raw:
        return raw.rsplit(":", 1)[1]
    return raw


def build_form(profile: Profile) -> Form:
    kinds = {
        QuestionKind.SELECT: FieldKind.SELECT,
        QuestionKind.WHEN: FieldKind.DATETIME,
        QuestionKind.PEOPLE: FieldKind.NUMBER,
        QuestionKind.TEXT: FieldKind.LONG_TEXT,
    }
    fields = tuple(
        FormField(
            name=question.name,
            label=question.prompt,
            kind=kinds[question.kind],
            options=tuple(Choice(label=option.label, action=option.code) for option in question.options),
            hint=_form_hint(question),
            required=question.kind is not QuestionKind.PEOPLE,
        )
        for question in (labelled(question, profile) for question in QUESTIONS)
    )
    return Form(form_id=FORM_ID, title="Report an incident", fields=fields, submit_label="Send report")


def _form_hint(question: Question) -> str:
    """Hints written for typing read oddly beside a date picker or a number box."""
    if question.kind is QuestionKind.WHEN:
        return ""
    if question.kind is QuestionKind.PEOPLE:
        return wording.PEOPLE_FORM_HINT
    return question.hint.replace("*", "")


def answer_choices(question: Question) -> tuple[Choice, ...]:
    """Buttons for a question asked in chat; their values name the question, so an old button is recognised."""
    return tuple(Choice(label=option.label, action=f"{WORKFLOW}:answer:{question.name}:{option.code}")
                 for option in question.options)


def shown_value(question: Question, value: Any, zone: ZoneInfo) -> str:
    """An answer as the summary shows it."""
    from workflows.incidents.deadline import short_local_time

    if question.kind is QuestionKind.SELECT:
        option = question.option(str(value))
        return option.label if option else str(value)
    if question.kind is QuestionKind.WHEN:
        return short_local_time(dt.datetime.fromisoformat(value), zone)
    if question.kind is QuestionKind.PEOPLE:
        return describe_people(most_people(value), fewest_people(value))
    return str(value["text"])
