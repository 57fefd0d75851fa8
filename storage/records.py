"""Contact records: when a worker saw someone, and when (if yet) they wrote it up.

A record is known by its ID in the case management system, never by the name of the person
it is about; igbot stores no more than the ID, the worker and the two times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import UTCDateTime


class ContactRecord(SQLModel, table=True):
    __tablename__ = "contact_record"

    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(max_length=64, unique=True)
    worker_id: int = Field(foreign_key="staff_member.id", index=True)
    contacted_at: dt.datetime = Field(sa_type=UTCDateTime)
    written_up_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    imported_at: dt.datetime = Field(sa_type=UTCDateTime)


def get_by_record_ids(*, session: Session, record_ids: Sequence[str]) -> dict[str, ContactRecord]:
    if not record_ids:
        return {}
    found = session.exec(select(ContactRecord).where(col(ContactRecord.record_id).in_(record_ids))).all()
    return {record.record_id: record for record in found}


def unwritten_by(*, session: Session, by: dt.datetime) -> list[tuple[str, int, dt.datetime]]:
    """(record id, worker id, contact time) of every record contacted at or before `by` and not yet written up."""
    statement = (
        select(ContactRecord.record_id, ContactRecord.worker_id, ContactRecord.contacted_at)
        .where(col(ContactRecord.written_up_at).is_(None), col(ContactRecord.contacted_at) <= by)
        .order_by(col(ContactRecord.worker_id), col(ContactRecord.contacted_at))
    )
    return [(record_id, worker_id, contacted_at) for record_id, worker_id, contacted_at in session.exec(statement)]
