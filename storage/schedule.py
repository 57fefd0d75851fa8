"""Claims on scheduled slots, so a calendar job runs once per slot however many replicas run the schedule.

A replica that reaches a slot first inserts its row; the others find it there and skip. A
claim whose job finished is final; one whose worker died before finishing can be taken over
once its lease has passed; one whose job failed is released, so that the slot is tried again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint, delete, update
from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import UTCDateTime, insert_for


class ScheduledRun(SQLModel, table=True):
    """One run of a calendar job for one slot ("weekly-digest" at Monday 09:00)."""

    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("job", "slot", name="uq_scheduled_run_job_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=100)
    slot: dt.datetime = Field(sa_type=UTCDateTime)
    claimed_at: dt.datetime = Field(sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


def claim(*, session: Session, job: str, slot: dt.datetime, now: dt.datetime, lease: dt.timedelta) -> bool:
    """True when this caller may run `job` for `slot`: nobody claimed it, or a claim was left unfinished past its lease."""
    inserted = session.execute(
        insert_for(session.get_bind().dialect.name, ScheduledRun)
        .values(job=job, slot=slot, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["job", "slot"])
        .returning(col(ScheduledRun.id))
    ).scalar_one_or_none()
    if inserted is not None:
        return True
    taken_over = session.exec(
        update(ScheduledRun)
        .where(col(ScheduledRun.job) == job, col(ScheduledRun.slot) == slot,
               col(ScheduledRun.finished_at).is_(None), col(ScheduledRun.claimed_at) < now - lease)
        .values(claimed_at=now)
    )
    return bool(taken_over.rowcount)


def finish(*, session: Session, job: str, slot: dt.datetime, now: dt.datetime) -> None:
    session.execute(update(ScheduledRun).where(col(ScheduledRun.job) == job, col(ScheduledRun.slot) == slot)
                    .values(finished_at=now))


def release(*, session: Session, job: str, slot: dt.datetime) -> None:
    """Give a slot back after its job failed, so that it is tried again."""
    session.execute(delete(ScheduledRun).where(col(ScheduledRun.job) == job, col(ScheduledRun.slot) == slot,
                                               col(ScheduledRun.finished_at).is_(None)))


def finished(*, session: Session, job: str) -> list[dt.datetime]:
    """The slots `job` has run for, oldest first."""
    statement = (select(ScheduledRun.slot)
                 .where(ScheduledRun.job == job, col(ScheduledRun.finished_at).is_not(None))
                 .order_by(col(ScheduledRun.slot)))
    return list(session.exec(statement).all())
