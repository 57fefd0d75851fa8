"""Incident reporting: the guided report, the register and its lifecycle, the 72-hour clock and reminders."""

from __future__ import annotations

import datetime as dt

from bot.core.conversation import Conversation
from bot.core.schedule import in_session
from workflows.incidents import reminders
from workflows.incidents.commands import IncidentButtons, IncidentCommands
from workflows.incidents.flow import IncidentReport
from workflows.incidents.questions import WORKFLOW


def install(conversation: Conversation) -> None:
    """Add the report workflow, its buttons and form, and the register's commands to the conversation."""
    workflow = IncidentReport()
    conversation.add_workflow(workflow)
    conversation.add_action(WORKFLOW, workflow.on_action)
    conversation.add_action("incident", IncidentButtons())
    conversation.add_command("incident-register", IncidentCommands())
    profile = conversation.profile
    conversation.schedule.every("incident-deadline-reminders", dt.timedelta(minutes=1), in_session(
        conversation.engine, lambda session, now: reminders.queue_deadline_reminders(session=session, profile=profile,
                                                                                     now=now)))
    conversation.schedule.every("incident-draft-reminders", dt.timedelta(minutes=5), in_session(
        conversation.engine, lambda session, now: reminders.queue_draft_reminders(session=session, profile=profile,
                                                                                  now=now)))


__all__ = ["WORKFLOW", "IncidentReport", "install"]
