"""A small organisation to nudge: the demo directory, everyone trained but the people a test names, and records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from bot.core.profile import Profile
from storage import directory, employment
from storage.engine import session_scope
from storage.records import ContactRecord
from storage.training import TrainingRecord

RECORDED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def staff_id(engine: Engine, email: str) -> int:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        assert member is not None and member.id is not None, f"{email} is not in the demo directory"
        return member.id


def train_everyone(engine: Engine, profile: Profile, *, on: dt.date, but: dict[str, dt.date | None]) -> None:
    """Everyone completed the course `on`; the people in `but` on their own date, or never (None)."""
    with session_scope(engine) as session:
        for member in directory.get_all(session=session):
            assert member.id is not None
            completed_on = but.get(member.email, on)
            if completed_on is not None:
                session.add(TrainingRecord(staff_id=member.id, course=profile.training.name,
                                           completed_on=completed_on, recorded_at=RECORDED_AT))


def add_record(engine: Engine, email: str, record_id: str, contacted_at: dt.datetime,
               written_up_at: dt.datetime | None = None) -> None:
    worker = staff_id(engine, email)
    with session_scope(engine) as session:
        session.add(ContactRecord(record_id=record_id, worker_id=worker, contacted_at=contacted_at,
                                  written_up_at=written_up_at, imported_at=RECORDED_AT))


def set_employment(engine: Engine, email: str, *, left_on: dt.date | None = None,
                   on_leave_until: dt.date | None = None) -> None:
    member = staff_id(engine, email)
    with session_scope(engine) as session:
        session.add(employment.Employment(staff_id=member, employee_id=f"E{member:05d}", left_on=left_on,
                                          on_leave_until=on_leave_until))
