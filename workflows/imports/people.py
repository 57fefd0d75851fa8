"""Finding the member of staff a row is about, by employee id or email, for a file of any size."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from storage.employment import Employment
from storage.models import StaffMember
from workflows.imports.csvfile import Row, RowError


@dataclass
class StaffIndex:
    """Every member of staff's id by email and by employee id, read once."""

    by_email: dict[str, int]
    by_employee: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> StaffIndex:
        people = session.exec(select(StaffMember.id, StaffMember.email)).all()
        employed = session.exec(select(Employment.employee_id, Employment.staff_id)).all()
        return cls(by_email={email.lower(): staff_id for staff_id, email in people if staff_id is not None},
                   by_employee=dict(employed))

    def find(self, row: Row, *, id_column: str | None, email_column: str) -> int:
        """The staff id the row names: by employee id when the file has that column and it is filled, else by email."""
        employee_id = row.text(id_column, longest=50) if id_column else ""
        if employee_id:
            if employee_id not in self.by_employee:
                raise RowError(id_column or "", f"no one in the directory has the employee id {employee_id!r}")
            return self.by_employee[employee_id]
        email = row.email(email_column)
        if email not in self.by_email:
            raise RowError(email_column, f"no one in the directory has the email {email}")
        return self.by_email[email]
