"""Lessons-learnt broadcasts: written by the IG team, sent in working time, acknowledged, reminded and reported."""

from __future__ import annotations

import datetime as dt

from bot.core import wording as bot_wording
from bot.core.conversation import Conversation
from bot.core.schedule import in_session
from storage.models import IG_ROLES, Role
from workflows.broadcasts import wording
from workflows.broadcasts.commands import COMPOSE, MANAGE, STATUS, BroadcastButtons, Compose, Manage, Status, waiting_broadcasts
from workflows.broadcasts.render import ACTION
from workflows.broadcasts.send import remind_now, send_due, send_reminders

JOB = "broadcasts"
REMINDERS_JOB = "broadcast-reminders"


def install(conversation: Conversation) -> None:
    """The commands, the buttons, the waiting items, the job that sends due broadcasts and the daily reminders."""
    profile, calendar, engine = conversation.profile, conversation.calendar, conversation.engine
    conversation.add_command(COMPOSE, Compose(), roles=IG_ROLES, who=bot_wording.IG_TEAM, help_line=wording.HELP_LINE)
    conversation.add_command(MANAGE, Manage(), roles=IG_ROLES, who=bot_wording.IG_TEAM)
    conversation.add_command(STATUS, Status(), roles=IG_ROLES | {Role.MANAGER}, who=wording.STATUS_WHO,
                             help_line=wording.STATUS_HELP_LINE)
    conversation.add_action(ACTION, BroadcastButtons())
    conversation.add_waiting(waiting_broadcasts)
    conversation.schedule.every(JOB, dt.timedelta(minutes=1), in_session(
        engine, lambda session, now: send_due(session=session, profile=profile, calendar=calendar, now=now)))
    hour, minute = profile.broadcasts.time.split(":")
    conversation.schedule.at(REMINDERS_JOB, f"{int(minute)} {int(hour)} * * *", in_session(
        engine, lambda session, now: send_reminders(session=session, profile=profile, calendar=calendar, now=now)))


__all__ = ["JOB", "REMINDERS_JOB", "install", "remind_now"]
