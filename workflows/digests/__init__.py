"""Weekly digests: each manager's team, and the organisation for the IG officer."""

from __future__ import annotations

from bot.core.conversation import Conversation
from bot.core.schedule import in_session
from workflows.digests.send import send_digests

JOB = "weekly-digests"


def install(conversation: Conversation) -> None:
    """The weekly job, on `digests.day` at `digests.time` in the organisation's time zone, once across replicas.

    It runs on a bank holiday too (a week is not skipped); the outbox holds the digests until working time.
    """
    profile, calendar = conversation.profile, conversation.calendar
    hour, minute = profile.digests.time.split(":")
    conversation.schedule.at(JOB, f"{int(minute)} {int(hour)} * * {profile.digests.day}", in_session(
        conversation.engine, lambda session, now: send_digests(session=session, profile=profile, calendar=calendar,
                                                              now=now)), working_days_only=False)


__all__ = ["JOB", "install"]
