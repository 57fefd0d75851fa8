"""Incident reporting: the guided report, the register and its lifecycle, the 72-hour clock and reminders."""

from __future__ import annotations

import datetime as dt

from bot.core import wording as bot_wording
from bot.core.conversation import Conversation
from bot.core.schedule import in_session
from storage.models import IG_ROLES
from workflows.incidents import notices, reminders, wording
from workflows.incidents.commands import (
    FOLLOW_UP,
    IG_TASKS,
    REGISTER,
    STAFF_TASKS,
    IncidentButtons,
    IncidentCommands,
    awaiting_triage,
)
from workflows.incidents.flow import IncidentReport
from workflows.incidents.questions import WORKFLOW


def install(conversation: Conversation) -> None:
    """Add the report workflow, its buttons and form, and the register's commands to the conversation."""
    workflow = IncidentReport()
    conversation.add_workflow(workflow)
    conversation.add_action(WORKFLOW, workflow.on_action)
    conversation.add_action("incident", IncidentButtons())
    conversation.add_command(REGISTER, IncidentCommands(IG_TASKS), roles=IG_ROLES, who=bot_wording.IG_TEAM,
                             help_line=wording.REGISTER_HELP_LINE)
    conversation.add_command(FOLLOW_UP, IncidentCommands(STAFF_TASKS), help_line=wording.FOLLOW_UP_HELP_LINE)
    conversation.add_waiting(awaiting_triage)
    conversation.add_inbox(notices.inbox_items)
    profile = conversation.profile
    conversation.schedule.every("incident-deadline-reminders", dt.timedelta(minutes=1), in_session(
        conversation.engine, lambda session, now: reminders.queue_deadline_reminders(session=session, profile=profile,
                                                                                     now=now)))
    conversation.schedule.every("incident-draft-reminders", dt.timedelta(minutes=5), in_session(
        conversation.engine, lambda session, now: reminders.queue_draft_reminders(session=session, profile=profile,
                                                                                  now=now)))


__all__ = ["WORKFLOW", "IncidentReport", "install"]
