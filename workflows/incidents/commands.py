"""Typed commands and buttons for the register: show, triage, grade, notified, not reportable, close, add.

"triage IG-2026-0001", "not reportable IG-2026-0001 <reason>", "add to IG-2026-0001 <text>", or the
buttons on the IG team's notice. When something is missing (a reason, a grade, the text to add)
igbot asks for it; that short exchange is kept under the command's own name (REGISTER for the IG
team's tasks, FOLLOW_UP for a reporter's), never inside a draft report, as

    {"task": "regrade", "reference": "IG-2026-0001", "step": "severity", "likelihood": 4}
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bot.core import wording as bot_wording
from bot.core.chat import Choice, Reply
from bot.core.conversation import Step, Turn
from bot.core.errors import CommandError
from bot.core.waiting import WaitingItem
from bot.core import outbox
from storage import conversations, directory, incidents
from workflows.incidents import notices, register, wording
from workflows.incidents.grading import Grade, describe

REGISTER = "incident-register"
FOLLOW_UP = "incident-follow-up"
# What anyone may do with their own reports; everything else is the IG team's.
STAFF_TASKS = frozenset({"show", "add"})
_REF = r"(?P<ref>ig-\d{4}-\d{1,6})"
_REST = r"(?:\s*[:,\-]?\s+(?P<text>.+))?"
_COMMANDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (task, re.compile(pattern, re.IGNORECASE | re.DOTALL))
    for task, pattern in (
        ("list", r"^(?:incidents|open incidents|list incidents|incident list|the register)$"),
        ("show", rf"^(?:show|view|incident)\s+{_REF}$"),
        ("triage", rf"^triage\s+{_REF}$"),
        ("confirm", rf"^confirm(?:\s+grade)?(?:\s+(?:of|for))?\s+{_REF}$"),
        ("regrade", rf"^(?:regrade|change grade(?:\s+(?:of|for))?)\s+{_REF}$"),
        ("notified", rf"^(?:mark\s+)?notified\s+{_REF}{_REST}$"),
        ("not_reportable", rf"^(?:mark\s+)?not reportable\s+{_REF}{_REST}$"),
        ("close", rf"^close\s+{_REF}{_REST}$"),
        ("add", rf"^add(?:\s+to)?\s+{_REF}{_REST}$"),
    )
)
# What to ask for when a command arrives without it, and the first step of each guided update.
_FIRST_STEP = {"regrade": "likelihood", "notified": "ico_reference", "not_reportable": "reason",
               "close": "lessons", "add": "text"}



@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    begin: dict[str, Any] | None = None  # a guided update to start, when something is missing


def matches(text: str) -> bool:
    return _match(text) is not None


def command_for(task: str) -> str:
    """The name of the command that holds a guided update of `task`."""
    return FOLLOW_UP if task in STAFF_TASKS else REGISTER


def _match(text: str) -> tuple[str, str, str] | None:
    stripped = text.strip()
    for task, pattern in _COMMANDS:
        found = pattern.match(stripped)
        if found:
            groups = found.groupdict()
            return task, (groups.get("ref") or "").upper(), (groups.get("text") or "").strip()
    return None


def run(turn: Turn, *, now: dt.datetime) -> Outcome:
    """Carry out a typed command."""
    matched = _match(turn.text)
    assert matched is not None, "run only what matches"
    task, reference, text = matched
    return perform(turn, task=task, reference=reference, text=text, now=now)


def perform(turn: Turn, *, task: str, reference: str, text: str, now: dt.datetime) -> Outcome:
    if task == "list":
        return Outcome([_list(turn, now)])
    incident = register.find(session=turn.session, reference=reference)
    person = turn.require_person()
    if task == "show":
        if not register.can_view(person, incident):
            raise register.NotAllowed(wording.NOT_YOURS.format(reference=incident.reference))
        return Outcome([_record(turn, incident, now)])
    if task in ("triage", "confirm"):
        register.require_ig(person)
    if task in _FIRST_STEP:
        register.check(task=task, actor=person, incident=incident)
    if task == "triage":
        return Outcome([_record(turn, incident, now)])
    if task == "confirm":
        register.confirm_grade(session=turn.session, actor=person, incident=incident, profile=turn.profile, now=now)
        return Outcome([_triaged(turn, incident)])
    if text:
        return Outcome(_finish(turn, task, incident.reference, {}, text, now))
    return _begin(turn, task, incident.reference)


def _begin(turn: Turn, task: str, reference: str) -> Outcome:
    state = {"task": task, "reference": reference, "step": _FIRST_STEP[task]}
    return Outcome([_ask(turn, state)], begin=state)


def resume_update(turn: Turn, state: dict[str, Any], *, now: dt.datetime) -> Step:
    """The next answer in a guided update: a grade, a reason, lessons learnt or text to add."""
    if turn.text and matches(turn.text):
        outcome = run(turn, now=now)
        return Step(outcome.replies, outcome.begin)
    step = state["step"]
    raw = turn.text
    if turn.message.action:
        _, _, pressed_step, value = (turn.message.action.split(":") + ["", "", "", ""])[:4]
        if pressed_step != step:
            return Step([_ask(turn, state)], state)
        raw = value
    if step in ("likelihood", "severity"):
        score = _score(raw, turn.profile.incident_grading.likelihood if step == "likelihood"
                       else turn.profile.incident_grading.severity)
        if score is None:
            return Step([Reply(text=wording.PICK_GRADE), _ask(turn, state)], state)
        state[step] = score
        state["step"] = "severity" if step == "likelihood" else "reason"
        return Step([_ask(turn, state)], state)
    if not raw.strip():
        return Step([_ask(turn, state)], state)
    try:
        return Step(_finish(turn, state["task"], state["reference"], state, raw, now), None)
    except CommandError as refusal:
        return Step([Reply(text=str(refusal))], None)


def _finish(turn: Turn, task: str, reference: str, state: dict[str, Any], text: str, now: dt.datetime) -> list[Reply]:
    person = turn.require_person()
    session = turn.session
    incident = register.find(session=session, reference=reference)
    if task == "add":
        register.add_information(session=session, actor=person, incident=incident, text=text, now=now)
        return [Reply(text=wording.NOTE_STORED.format(reference=reference))]
    if task == "regrade":
        grade = Grade(likelihood=state["likelihood"], severity=state["severity"])
        register.regrade(session=session, actor=person, incident=incident, grade=grade, reason=text,
                         profile=turn.profile, now=now)
        return [_triaged(turn, incident)]
    if task == "notified":
        ico_reference = "" if text.strip().lower() in ("none", "no", "skip", "-") else text
        register.mark_notified(session=session, actor=person, incident=incident, now=now, ico_reference=ico_reference)
        return [Reply(text=wording.NOTIFIED.format(reference=reference), choices=notices.ig_choices(incident))]
    if task == "not_reportable":
        register.mark_not_reportable(session=session, actor=person, incident=incident, reason=text, now=now)
        return [Reply(text=wording.NOT_REPORTABLE.format(reference=reference), choices=notices.ig_choices(incident))]
    register.close(session=session, actor=person, incident=incident, lessons=text, now=now)
    return [Reply(text=wording.CLOSED.format(reference=reference))]


def _ask(turn: Turn, state: dict[str, Any]) -> Reply:
    reference = state["reference"]
    step = state["step"]
    grading = turn.profile.incident_grading
    if step in ("likelihood", "severity"):
        scale = grading.likelihood if step == "likelihood" else grading.severity
        question = wording.ASK_LIKELIHOOD if step == "likelihood" else wording.ASK_SEVERITY
        choices = tuple(Choice(f"{score} {label}", f"{REGISTER}:grade:{step}:{score}") for score, label in scale.items())
        return Reply(text=question.format(reference=reference), choices=choices)
    questions = {"reason": wording.ASK_GRADE_REASON if state["task"] == "regrade" else wording.ASK_NOT_REPORTABLE_REASON,
                 "lessons": wording.ASK_LESSONS, "text": wording.ASK_NOTE, "ico_reference": wording.ASK_ICO_REFERENCE}
    return Reply(text=questions[step].format(reference=reference))


def _score(raw: str, scale: dict[int, str]) -> int | None:
    text = raw.strip().lower()
    for score, label in scale.items():
        if text in (str(score), label.lower(), f"{score} {label.lower()}"):
            return score
    return None


def _triaged(turn: Turn, incident: incidents.Incident) -> Reply:
    grade = Grade(incident.current_likelihood, incident.current_severity)
    text = wording.TRIAGED.format(reference=incident.reference, grade=describe(grade, turn.profile.incident_grading),
                                  outcome=notices.outcome_text(incident.current_outcome))
    return Reply(text=text, choices=notices.ig_choices(incident))


def _record(turn: Turn, incident: incidents.Incident, now: dt.datetime) -> Reply:
    """The full record (names, what happened) for the person alone: asked for where others can see,
    it goes to their direct messages and the shared conversation is only told so."""
    person = turn.require_person()
    reporter = directory.get(session=turn.session, staff_id=incident.reporter_id)
    notes = incidents.notes_of(session=turn.session, incident=incident)
    text = notices.full_record(incident, profile=turn.profile, now=now, reporter=reporter, notes=notes)
    if person.is_ig:
        choices = notices.ig_choices(incident)
    else:
        choices = (Choice(wording.ADD_INFORMATION, f"incident:add:{incident.reference}"),)
    record = Reply(text=text, choices=choices)
    if not turn.message.shared:
        return record
    outbox.queue(session=turn.session, now=now, dedup_key=f"incident-record:{incident.reference}:{person.id}:{now.isoformat()}",
                   replies=[record], staff_id=person.id)
    return Reply(text=wording.RECORD_SENT_PRIVATELY.format(reference=incident.reference))


def _list(turn: Turn, now: dt.datetime) -> Reply:
    register.require_ig(turn.require_person())
    open_incidents = incidents.get_not_closed(session=turn.session)
    if not open_incidents:
        return Reply(text=wording.NO_OPEN_INCIDENTS)
    lines = [notices.list_line(incident, turn.profile, now) for incident in open_incidents]
    choices = tuple(Choice(incident.reference, f"incident:triage:{incident.reference}") for incident in open_incidents[:10])
    return Reply(text=wording.OPEN_INCIDENTS + "\n" + "\n".join(lines), choices=choices)


@dataclass
class IncidentButtons:
    """Buttons whose value starts `incident:` ("incident:triage:IG-2026-0001")."""

    def __call__(self, turn: Turn, rest: str) -> list[Reply]:
        task, _, reference = rest.partition(":")
        if task not in ("show", "triage", "confirm", *_FIRST_STEP):
            return [Reply(text=bot_wording.STALE_BUTTON)]
        outcome = perform(turn, task=task, reference=reference, text="", now=turn.now)
        _keep_update(turn, outcome)
        return outcome.replies


@dataclass(frozen=True)
class IncidentCommands:
    """The register's typed commands: "incidents", "triage REF", "add to REF ...", "close REF ...".

    Registered twice: the IG team's tasks under REGISTER, a reporter's own under FOLLOW_UP.
    """

    tasks: frozenset[str]

    def matches(self, text: str) -> bool:
        matched = _match(text)
        return matched is not None and matched[0] in self.tasks

    def __call__(self, turn: Turn) -> Step:
        outcome = run(turn, now=turn.now)
        return Step(outcome.replies, outcome.begin)

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return resume_update(turn, state, now=turn.now)


IG_TASKS = frozenset(task for task, _ in _COMMANDS) - STAFF_TASKS


MAX_REFERENCES = 5


def awaiting_triage(turn: Turn) -> list[WaitingItem]:
    """For the IG team's summaries: new reports nobody has triaged yet."""
    if turn.person is None or not turn.person.is_ig:
        return []
    references = [incident.reference
                  for incident in incidents.get_all(session=turn.session, status=incidents.IncidentStatus.REPORTED)]
    if not references:
        return []
    shown = ", ".join(references[:MAX_REFERENCES])
    more = f" and {len(references) - MAX_REFERENCES} more" if len(references) > MAX_REFERENCES else ""
    return [WaitingItem(bot_wording.HOME_TRIAGE.format(count=len(references), references=shown + more,
                                                       first=references[0]))]


def _keep_update(turn: Turn, outcome: Outcome) -> None:
    """Keep a guided update a button started, never over something else the person has not finished."""
    if outcome.begin is not None:
        person = turn.require_person()
        assert person.id is not None
        stored = conversations.get(connection=turn.connection, staff_id=person.id)
        if stored is not None and stored.workflow not in (REGISTER, FOLLOW_UP):
            raise CommandError(bot_wording.FINISH_SOMETHING_FIRST)
        conversations.save(connection=turn.connection, staff_id=person.id, workflow=command_for(outcome.begin["task"]),
                           data=outcome.begin, now=turn.now)
