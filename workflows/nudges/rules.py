"""The rules nudges follow, read from the profile: where someone stands with training, and when a record is late.

Training is current, due soon (`training.due_soon_days` before it runs out), overdue, or never
done. A record is late once its write-up window (`records.write_up_hours`) has passed since
the contact without a write-up, the window counted in calendar hours or in the organisation's
working hours (`records.counted_in`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage import training
from storage.training import TrainingState, TrainingStatus

NEEDS_A_NUDGE = frozenset({TrainingState.DUE_SOON, TrainingState.OVERDUE, TrainingState.NEVER})


@dataclass(frozen=True)
class LateRecord:
    record_id: str
    contacted_at: dt.datetime
    due_at: dt.datetime


def training_status(completed_on: dt.date | None, *, profile: Profile, today: dt.date) -> TrainingStatus:
    course = profile.training
    return training.status_from(completed_on, course=course.name, validity_months=course.validity_months,
                                today=today, due_soon_days=course.due_soon_days)


def write_up_due(contacted_at: dt.datetime, *, profile: Profile, calendar: WorkingCalendar) -> dt.datetime:
    """When the write-up window of a contact closes."""
    hours = profile.records.write_up_hours
    if profile.records.counted_in == "working_hours":
        return calendar.add_working_hours(contacted_at, hours)
    return contacted_at.astimezone(dt.UTC) + dt.timedelta(hours=hours)


def late_record(record_id: str, contacted_at: dt.datetime, written_up_at: dt.datetime | None, *, profile: Profile,
                calendar: WorkingCalendar, now: dt.datetime) -> LateRecord | None:
    """The record as a late one, or None when it is written up or still inside its window."""
    if written_up_at is not None:
        return None
    due_at = write_up_due(contacted_at, profile=profile, calendar=calendar)
    return LateRecord(record_id, contacted_at, due_at) if now >= due_at else None


def earliest_late_contact(*, profile: Profile, now: dt.datetime) -> dt.datetime:
    """No contact after this can be late yet: working hours never pass faster than calendar hours."""
    return now - dt.timedelta(hours=profile.records.write_up_hours)
