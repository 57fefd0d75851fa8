"""What HR knows about a member of staff that the directory does not: employee id, start, leaving and leave dates.

Kept beside `staff_member` rather than in it: the directory is who people are; this is what
the staff import keeps in step with HR. A leaver's directory entry is deactivated by the
import (DSPT 4.2.4); someone on leave is sent nothing until they are back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Field, Session, SQLModel, col, select


class Employment(SQLModel, table=True):
    __tablename__ = "employment"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id", unique=True)
    employee_id: str = Field(max_length=50, unique=True)
    started_on: dt.date | None = None
    left_on: dt.date | None = None
    on_leave_until: dt.date | None = None

    def is_away(self, today: dt.date) -> bool:
        """Left, or on leave today: nothing is sent to them."""
        left = self.left_on is not None and self.left_on <= today
        on_leave = self.on_leave_until is not None and today <= self.on_leave_until
        return left or on_leave


def get_by_employee_id(*, session: Session, employee_id: str) -> Employment | None:
    return session.exec(select(Employment).where(Employment.employee_id == employee_id)).first()


def get_by_staff_ids(*, session: Session, staff_ids: Iterable[int]) -> dict[int, Employment]:
    ids = list(staff_ids)
    if not ids:
        return {}
    found = session.exec(select(Employment).where(col(Employment.staff_id).in_(ids))).all()
    return {employment.staff_id: employment for employment in found}


def away_on(*, session: Session, today: dt.date) -> set[int]:
    """Staff ids of everyone who has left or is on leave on `today`."""
    statement = select(Employment.staff_id).where(
        (col(Employment.left_on) <= today) | (col(Employment.on_leave_until) >= today))
    return set(session.exec(statement).all())


def on_leave(*, session: Session, today: dt.date) -> set[int]:
    """Staff ids of everyone on leave on `today` (they still count in their team's figures)."""
    statement = select(Employment.staff_id).where(col(Employment.on_leave_until) >= today)
    return set(session.exec(statement).all())
