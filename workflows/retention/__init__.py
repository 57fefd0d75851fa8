"""Retention: records kept longer than the profile's periods are deleted every night, and counted in the audit log."""

from __future__ import annotations

from bot.core.conversation import Conversation
from workflows.retention.apply import JOB, SLOT, run_job


def install(conversation: Conversation) -> None:
    conversation.schedule.at(JOB, SLOT, run_job(conversation.engine, conversation.profile), working_days_only=False)
