"""Nudges: a kind daily reminder to each person about their own training and late records, and their manager told when reminders have not worked."""

from __future__ import annotations

from bot.core.conversation import Conversation
from bot.core.schedule import in_session
from workflows.nudges.buttons import NudgeButtons
from workflows.nudges.send import ACTION, send_nudges

JOB = "nudges"


def install(conversation: Conversation) -> None:
    """The daily nudge job (at `nudges.time` on working days, once across replicas) and the nudge buttons."""
    profile, calendar = conversation.profile, conversation.calendar
    hour, minute = profile.nudges.time.split(":")
    conversation.add_action(ACTION, NudgeButtons(calendar))
    conversation.schedule.at(JOB, f"{int(minute)} {int(hour)} * * *", in_session(
        conversation.engine, lambda session, now: send_nudges(session=session, profile=profile, calendar=calendar,
                                                             now=now)))


__all__ = ["JOB", "install"]
