"""The App Home tab: the person's training status, what is waiting for them, and buttons to start the main flows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.core import wording
from bot.core.chat import Choice, ChoiceStyle
from bot.core.conversation import Conversation, label_of, start_action
from bot.slack import markup
from bot.slack.blocks import Block, button
from storage import conversations, directory, incidents, training
from storage.incidents import IncidentStatus
from storage.engine import session_scope
from storage.training import TrainingStatus
from workflows import training as training_workflow
from workflows.incidents import questions as incident_questions
from workflows.training import describe

INCIDENT_REPORT = incident_questions.WORKFLOW
SHARING_CHECK = "can-i-share"  # the decision tree's id
TRAINING = training_workflow.NAME
MAX_REFERENCES = 5

HOME_BUTTONS = (
    Choice(label="Report an incident", action=start_action(INCIDENT_REPORT), style=ChoiceStyle.DANGER),
    Choice(label="Can I share this?", action=start_action(SHARING_CHECK), style=ChoiceStyle.PRIMARY),
    Choice(label="My training", action=start_action(TRAINING)),
    Choice(label="Help", action="help:"),
)


@dataclass(frozen=True)
class HomeSummary:
    name: str | None
    training: TrainingStatus | None
    unfinished: str | None
    awaiting_triage: tuple[str, ...] = ()  # incident references, for the IG roles


def summarise(*, engine: Engine, conversation: Conversation, staff_id: int | None, today: dt.date) -> HomeSummary:
    """Read what the tab shows, in one short unit of work (call it in a worker thread)."""
    if staff_id is None:
        return HomeSummary(name=None, training=None, unfinished=None)
    with session_scope(engine) as session:
        person = directory.get(session=session, staff_id=staff_id)
        if person is None:
            return HomeSummary(name=None, training=None, unfinished=None)
        status = training.status(session=session, staff_id=staff_id, course=conversation.profile.training.name,
                                 validity_months=conversation.profile.training.validity_months, today=today,
                                 due_soon_days=conversation.profile.training.due_soon_days)
        state = conversations.get(connection=session.connection(), staff_id=staff_id)
        unfinished = _label(conversation, state.workflow) if state is not None else None
        triage = incidents.get_all(session=session, status=IncidentStatus.REPORTED) if person.is_ig else ()
        return HomeSummary(name=person.name, training=status, unfinished=unfinished,
                           awaiting_triage=tuple(incident.reference for incident in triage))


def view(summary: HomeSummary, *, conversation: Conversation, today: dt.date) -> Block:
    profile = conversation.profile
    values = profile.placeholders()
    if summary.name is None:
        intro = wording.NOT_IN_DIRECTORY.format(**values)
        return {"type": "home", "blocks": [_header(), _section(intro), _buttons((HOME_BUTTONS[-1],))]}
    blocks: list[Block] = [
        _header(),
        _section(f"Hello {summary.name}. " + wording.SLACK_HOME_INTRO),
        _buttons(HOME_BUTTONS),
        {"type": "divider"},
    ]
    if summary.training is not None:
        blocks.append(_section(f"*{wording.TRAINING_TITLE}*\n" + describe(summary.training, profile=profile, today=today)))
    blocks += _waiting(summary)
    return {"type": "home", "blocks": blocks}


def _waiting(summary: HomeSummary) -> list[Block]:
    items: list[str] = []
    if summary.unfinished:
        items.append(wording.SLACK_HOME_UNFINISHED.format(label=summary.unfinished))
    if summary.awaiting_triage:
        shown = ", ".join(summary.awaiting_triage[:MAX_REFERENCES])
        more = f" and {len(summary.awaiting_triage) - MAX_REFERENCES} more" if len(summary.awaiting_triage) > MAX_REFERENCES else ""
        items.append(wording.SLACK_HOME_TRIAGE.format(count=len(summary.awaiting_triage), references=shown + more,
                                                      first=summary.awaiting_triage[0]))
    if summary.training is not None and summary.training.needs_action:
        items.append(wording.SLACK_HOME_TRAINING_DUE.format(course=summary.training.course))
    text = "\n".join(f"- {item}" for item in items) if items else wording.SLACK_HOME_NOTHING_WAITING
    blocks = [{"type": "divider"}, _section("*Waiting for you*\n" + text)]
    if summary.unfinished:
        blocks.append(_buttons((Choice(label="Cancel it", action="cancel:"),)))
    return blocks


def _label(conversation: Conversation, workflow_name: str) -> str:
    workflow = conversation.workflows.get(workflow_name)
    return (label_of(workflow) if workflow is not None else "") or workflow_name


def _header() -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": "igbot"}}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markup.truncate(markup.mrkdwn(text), 3000)}}


def _buttons(choices: tuple[Choice, ...]) -> Block:
    return {"type": "actions", "elements": [button(choice, index) for index, choice in enumerate(choices)]}
