"""Information Governance training: who completed which course when, and whether it is still valid."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from sqlmodel import Field, Session, SQLModel, col, func, select

from storage import directory
from storage.types import UTCDateTime

DUE_SOON_DAYS = 30


class TrainingRecord(SQLModel, table=True):
    """One completion of a course by one member of staff."""

    __tablename__ = "training_record"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    course: str = Field(max_length=200)
    completed_on: dt.date
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)


class TrainingState(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NEVER = "never"


@dataclass(frozen=True)
class TrainingStatus:
    """Where one person stands with a course on a given day."""

    course: str
    state: TrainingState
    completed_on: dt.date | None = None
    valid_until: dt.date | None = None

    @property
    def overdue_since(self) -> dt.date | None:
        return self.valid_until if self.state is TrainingState.OVERDUE else None

    @property
    def needs_action(self) -> bool:
        return self.state in (TrainingState.OVERDUE, TrainingState.NEVER)


def record_completion(*, session: Session, staff_id: int, course: str, completed_on: dt.date,
                      today: dt.date, now: dt.datetime) -> TrainingRecord:
    if completed_on > today:
        raise ValueError(f"a completion date cannot be in the future ({completed_on.isoformat()})")
    if directory.get(session=session, staff_id=staff_id) is None:
        raise ValueError(f"no member of staff has the id {staff_id}")
    record = TrainingRecord(staff_id=staff_id, course=course.strip(), completed_on=completed_on, recorded_at=now)
    session.add(record)
    session.flush()
    return record


def latest_completion(*, session: Session, staff_id: int, course: str) -> dt.date | None:
    statement = (
        select(TrainingRecord)
        .where(TrainingRecord.staff_id == staff_id, TrainingRecord.course == course)
        .order_by(col(TrainingRecord.completed_on).desc())
        .limit(1)
    )
    latest = session.exec(statement).first()
    return latest.completed_on if latest is not None else None


def status(*, session: Session, staff_id: int, course: str, validity_months: int, today: dt.date,
           due_soon_days: int = DUE_SOON_DAYS) -> TrainingStatus:
    """The course is valid for `validity_months` from the latest completion; due soon in its last `due_soon_days`."""
    completed_on = latest_completion(session=session, staff_id=staff_id, course=course)
    return status_from(completed_on, course=course, validity_months=validity_months, today=today,
                       due_soon_days=due_soon_days)


def status_from(completed_on: dt.date | None, *, course: str, validity_months: int, today: dt.date,
                due_soon_days: int = DUE_SOON_DAYS) -> TrainingStatus:
    """Where someone stands on `today`, given their latest completion (None: never)."""
    if completed_on is None:
        return TrainingStatus(course=course, state=TrainingState.NEVER)
    valid_until = add_months(completed_on, validity_months)
    if today >= valid_until:
        state = TrainingState.OVERDUE
    elif today >= valid_until - dt.timedelta(days=due_soon_days):
        state = TrainingState.DUE_SOON
    else:
        state = TrainingState.CURRENT
    return TrainingStatus(course=course, state=state, completed_on=completed_on, valid_until=valid_until)


def latest_completions(*, session: Session, course: str) -> dict[int, dt.date]:
    """Each member of staff's latest completion of `course`, in one query."""
    statement = (select(TrainingRecord.staff_id, func.max(TrainingRecord.completed_on))
                 .where(TrainingRecord.course == course).group_by(col(TrainingRecord.staff_id)))
    return {staff_id: completed_on for staff_id, completed_on in session.exec(statement)}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def seed_demo_completions(*, session: Session, course: str, validity_months: int, today: dt.date,
                          now: dt.datetime) -> int:
    """Invented completion dates for a demo directory: the same people every time, a few overdue, a few never trained.

    People are ordered by a hash of their email, so the choice does not depend on the file's order.
    Returns how many completions were added; does nothing when any training is already recorded.
    """
    if session.exec(select(TrainingRecord.id).limit(1)).first() is not None:
        return 0
    people = sorted(directory.get_all(session=session), key=lambda member: _digest(member.email))
    added = 0
    for position, member in enumerate(people):
        assert member.id is not None
        if position < 3:
            continue  # never trained
        days = _digest(member.email) % 350
        if position < 8:
            completed_on = add_months(today, -validity_months) - dt.timedelta(days=1 + days % 120)
        else:
            completed_on = today - dt.timedelta(days=days)
        session.add(TrainingRecord(staff_id=member.id, course=course, completed_on=completed_on, recorded_at=now))
        added += 1
    session.flush()
    return added


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def trained_between(*, session: Session, course: str, after: dt.date, until: dt.date) -> set[int]:
    """Staff with a completion of `course` after `after` and on or before `until`: those trained at `until`."""
    statement = select(TrainingRecord.staff_id).distinct().where(
        TrainingRecord.course == course, col(TrainingRecord.completed_on) > after,
        col(TrainingRecord.completed_on) <= until)
    return set(session.exec(statement).all())
