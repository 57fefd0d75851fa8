"""The incident register: reports, the information added to them later, and their reference numbers.

Reference numbers run per year (IG-2026-0001, IG-2026-0002, ...). The next number comes
from a counter row per year, incremented by one atomic upsert in the same transaction as
the report, so two reports stored at the same moment on different replicas never share
a number, and a report that fails to store leaves no gap behind it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import Integer, Text
from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import UTCDateTime, insert_for

REFERENCE_PREFIX = "IG"
_REFERENCE = re.compile(r"^IG-(\d{4})-(\d{1,6})$", re.IGNORECASE)


class IncidentStatus(StrEnum):
    REPORTED = "reported"
    TRIAGED = "triaged"
    NOTIFIED = "notified"
    NOT_REPORTABLE = "not_reportable"
    CLOSED = "closed"


# While an incident is in one of these, the 72-hour clock matters and reminders are sent.
OPEN_STATUSES = (IncidentStatus.REPORTED, IncidentStatus.TRIAGED)


class Incident(SQLModel, table=True):
    """One reported incident. Free text is stored only after identifiers were redacted from it."""

    __tablename__ = "incident"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(default="", max_length=20, unique=True)
    status: str = Field(default=IncidentStatus.REPORTED.value, max_length=20, index=True)
    reporter_id: int = Field(foreign_key="staff_member.id", index=True)
    reported_via: str = Field(max_length=20)
    kind: str = Field(max_length=40)
    happened_at: dt.datetime = Field(sa_type=UTCDateTime)
    discovered_at: dt.datetime = Field(sa_type=UTCDateTime)
    data_kind: str = Field(max_length=20)
    vulnerable: str = Field(max_length=20)
    people_affected: int | None = None  # the highest number given, which the grade is judged on
    people_affected_from: int | None = None  # the lowest, when a range such as "10-20" was given
    contained: str = Field(max_length=20)
    containment: str = Field(default="", sa_type=Text)
    told: str = Field(default="", sa_type=Text)
    description: str = Field(default="", sa_type=Text)
    suggested_likelihood: int
    suggested_severity: int
    suggested_outcome: str = Field(max_length=20)
    likelihood: int | None = None
    severity: int | None = None
    outcome: str | None = Field(default=None, max_length=20)
    grade_reason: str = Field(default="", sa_type=Text)
    graded_by_id: int | None = Field(default=None, foreign_key="staff_member.id")
    ico_reference: str = Field(default="", max_length=100)
    not_reportable_reason: str = Field(default="", sa_type=Text)
    lessons_learnt: str = Field(default="", sa_type=Text)
    reported_at: dt.datetime = Field(sa_type=UTCDateTime)
    triaged_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    notified_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def current_likelihood(self) -> int:
        return self.likelihood if self.likelihood is not None else self.suggested_likelihood

    @property
    def current_severity(self) -> int:
        return self.severity if self.severity is not None else self.suggested_severity

    @property
    def current_outcome(self) -> str:
        return self.outcome if self.outcome is not None else self.suggested_outcome


class IncidentNote(SQLModel, table=True):
    """Information added to a report after it was made (redacted like the report itself)."""

    __tablename__ = "incident_note"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    author_id: int = Field(foreign_key="staff_member.id")
    at: dt.datetime = Field(sa_type=UTCDateTime)
    text: str = Field(sa_type=Text)


class IncidentCounter(SQLModel, table=True):
    """The last reference number given out in a year."""

    __tablename__ = "incident_counter"

    year: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    last_number: int = 0


def format_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"


def normalise_reference(text: str) -> str | None:
    """'ig-2026-42' or ' IG-2026-0042 ' -> 'IG-2026-0042'; None when it is not a reference."""
    match = _REFERENCE.match(text.strip())
    if match is None:
        return None
    return format_reference(int(match.group(1)), int(match.group(2)))


def next_number(*, session: Session, year: int) -> int:
    """Take the next number for `year`; the counter row stays locked until the transaction ends."""
    statement = (
        insert_for(session.get_bind().dialect.name, IncidentCounter)
        .values(year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=["year"], set_={"last_number": col(IncidentCounter.last_number) + 1}
        )
        .returning(col(IncidentCounter.last_number))
    )
    number: int = session.execute(statement).scalar_one()
    return number


def create(*, session: Session, incident: Incident, year: int) -> Incident:
    """Store a new report with the next reference number of `year`."""
    incident.reference = format_reference(year, next_number(session=session, year=year))
    incident.status = IncidentStatus.REPORTED.value
    session.add(incident)
    session.flush()
    return incident


def get_by_reference(*, session: Session, reference: str) -> Incident | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    return session.exec(select(Incident).where(Incident.reference == normalised)).first()


def get_all(*, session: Session, status: IncidentStatus | None = None) -> Sequence[Incident]:
    statement = select(Incident).order_by(col(Incident.reported_at), col(Incident.id))
    if status is not None:
        statement = statement.where(Incident.status == status.value)
    return session.exec(statement).all()


def get_not_closed(*, session: Session) -> Sequence[Incident]:
    """Everything the register still has to finish: waiting for a decision, or decided (notified, not
    reportable) but not yet closed with its lessons learnt."""
    statement = select(Incident).where(Incident.status != IncidentStatus.CLOSED.value)
    return session.exec(statement.order_by(col(Incident.discovered_at), col(Incident.id))).all()


def get_open(*, session: Session) -> Sequence[Incident]:
    statement = select(Incident).where(col(Incident.status).in_([status.value for status in OPEN_STATUSES]))
    return session.exec(statement.order_by(col(Incident.discovered_at), col(Incident.id))).all()


def update(*, session: Session, incident: Incident, now: dt.datetime) -> Incident:
    incident.updated_at = now
    session.add(incident)
    session.flush()
    return incident


def add_note(*, session: Session, incident: Incident, author_id: int, text: str,
             now: dt.datetime) -> IncidentNote:
    assert incident.id is not None, "a stored incident always has an id"
    note = IncidentNote(incident_id=incident.id, author_id=author_id, text=text, at=now)
    session.add(note)
    update(session=session, incident=incident, now=now)
    return note


def notes_of(*, session: Session, incident: Incident) -> Sequence[IncidentNote]:
    statement = select(IncidentNote).where(IncidentNote.incident_id == incident.id)
    return session.exec(statement.order_by(col(IncidentNote.at), col(IncidentNote.id))).all()
