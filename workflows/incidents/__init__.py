"""Incident reporting: the guided report, the register and its lifecycle, the 72-hour clock and reminders."""

from __future__ import annotations

from bot.conversation import Conversation
from storage.types import utcnow
from workflows.incidents.commands import IncidentButtons, IncidentCommands
from workflows.incidents.flow import Clock, IncidentReport
from workflows.incidents.questions import WORKFLOW


def install(conversation: Conversation, *, clock: Clock = utcnow) -> None:
    """Add the report workflow, its buttons and form, and the register's commands to the conversation."""
    workflow = IncidentReport(clock=clock)
    conversation.add_workflow(workflow)
    conversation.add_action(WORKFLOW, workflow.on_action)
    conversation.add_action("incident", IncidentButtons(clock=clock))
    conversation.add_command("incident-register", IncidentCommands(clock=clock))


__all__ = ["WORKFLOW", "IncidentReport", "install"]
