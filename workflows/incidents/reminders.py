"""Reminders queued in the outbox: the 72-hour clock for the IG team, and unfinished reports for their authors."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from bot.core import outbox
from storage import incidents
from storage.models import ConversationState
from workflows.incidents import notices, wording
from workflows.incidents.deadline import local_time
from workflows.incidents.questions import WORKFLOW

DRAFT_REMINDER_AFTER = dt.timedelta(hours=4)


def queue_deadline_reminders(*, session: Session, profile: Profile, now: dt.datetime) -> int:
    """Queue the IG team's reminder for each open incident that has passed a reminder hour since awareness.

    Reminder hours come from the profile (24, 48 and 64 by default). Only the latest hour
    passed is queued, and only if it passed after the report was made (the new-report
    notice already said how long was left); each is queued once, whichever replica gets there first.
    These go out at once, day or night: the 72-hour deadline of UK GDPR Art. 33 counts weekends
    and nights too, so they are the one kind of proactive message that ignores working hours.
    """
    queued = 0
    hours = sorted(profile.incident_grading.reminder_hours)
    for incident in incidents.get_open(session=session):
        passed = [hour for hour in hours if incident.discovered_at + dt.timedelta(hours=hour) <= now]
        if not passed or incident.discovered_at + dt.timedelta(hours=passed[-1]) < incident.reported_at:
            continue
        hour = passed[-1]
        reply = notices.reminder(incident, profile, hours=hour, now=now)
        if outbox.queue(session=session, now=now, dedup_key=f"incident-reminder:{incident.reference}:{hour}",
                          to_ig_team=True, replies=[reply]):
            queued += 1
    return queued


def queue_draft_reminders(*, session: Session, profile: Profile, now: dt.datetime,
                          after: dt.timedelta = DRAFT_REMINDER_AFTER) -> int:
    """Remind the author of each report left unfinished for `after`, once per draft, in working time only."""
    not_before = WorkingCalendar(profile).next_working_time(now)
    statement = select(ConversationState).where(
        ConversationState.workflow == WORKFLOW, col(ConversationState.updated_at) <= now - after
    )
    queued = 0
    for draft in session.exec(statement):
        reply = Reply(
            text=wording.DRAFT_REMINDER.format(started=local_time(draft.started_at, profile.working_hours.zone)),
            choices=(Choice(wording.CARRY_ON, f"{WORKFLOW}:continue", ChoiceStyle.PRIMARY),
                     Choice(wording.DISCARD, "discard:")),
        )
        key = f"incident-draft:{draft.staff_id}:{draft.started_at.isoformat()}"
        if outbox.queue(session=session, now=now, dedup_key=key, staff_id=draft.staff_id, replies=[reply],
                        not_before=not_before):
            queued += 1
    return queued
