"""`igbot records import`: contact records awaiting write-up, from the case management system's export.

Columns: record_id, worker_email, contact_time, write_up_time (empty while not written up). A
record is known by its ID, never by the name of the person it is about: a value that looks like
a name is refused. Re-importing a file changes nothing; a record whose write-up arrived is changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage import nudges, records
from storage.nudges import record_item
from storage.records import ContactRecord
from workflows.imports.csvfile import Checker, Problem, Row, RowError, batched, rows
from workflows.imports.outcome import ImportOutcome
from workflows.imports.people import StaffIndex

REQUIRED = ("record_id", "worker_email", "contact_time")
BATCH = 5000
# An ID: letters, digits and - _ / . with at least one digit, and no spaces (so never "Jane Smith").
_RECORD_ID = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-_/.]{0,63}$")


@dataclass(frozen=True)
class Contact:
    record_id: str
    worker_id: int
    contacted_at: dt.datetime
    written_up_at: dt.datetime | None


def read(row: Row, index: StaffIndex, *, zone: ZoneInfo, now: dt.datetime) -> tuple[Contact, list[Problem]]:
    check = Checker(row)
    record_id = check.read(lambda: _record_id(row), "")
    worker_id = check.read(lambda: index.find(row, id_column=None, email_column="worker_email"), 0)
    contacted_at = check.read(lambda: _not_future(row, "contact_time", zone, now, required=True), None)
    written_up_at = check.read(lambda: _not_future(row, "write_up_time", zone, now, required=False), None)
    if contacted_at and written_up_at and written_up_at < contacted_at:
        check.problem("write_up_time", "is before the contact time")
    return Contact(record_id, worker_id, contacted_at or now, written_up_at), check.problems


def _record_id(row: Row) -> str:
    value = row.text("record_id", required=True, longest=64)
    if not _RECORD_ID.match(value):
        raise RowError("record_id", "must be the record's ID (letters, digits and - _ / . with at least one digit, "
                                    "no spaces), never a name")
    return value


def _not_future(row: Row, column: str, zone: ZoneInfo, now: dt.datetime, *, required: bool) -> dt.datetime | None:
    at = row.datetime(column, zone, required=required)
    if at is not None and at > now:
        raise RowError(column, f"{at.isoformat()} is in the future")
    return at


def check(path: Path, *, session: Session, zone: ZoneInfo, now: dt.datetime) -> tuple[ImportOutcome, set[int]]:
    outcome = ImportOutcome(noun="contact records")
    index = StaffIndex.load(session)
    first_line: dict[str, int] = {}
    with rows(path, required=REQUIRED, label="Checking") as lines:
        for row in lines:
            outcome.checked += 1
            contact, problems = read(row, index, zone=zone, now=now)
            outcome.problems += problems
            if contact.record_id and first_line.setdefault(contact.record_id, row.line) != row.line:
                outcome.problems.append(Problem(row.line, "record_id", f"{contact.record_id!r} is also on line "
                                                                       f"{first_line[contact.record_id]}"))
    return outcome, {problem.line for problem in outcome.problems}


def write(path: Path, *, session: Session, outcome: ImportOutcome, bad_lines: set[int], zone: ZoneInfo,
          now: dt.datetime) -> None:
    index = StaffIndex.load(session)
    for batch in _batches(path, index, bad_lines, zone, now):
        stored = records.get_by_record_ids(session=session, record_ids=[contact.record_id for contact in batch])
        for contact in batch:
            record = stored.get(contact.record_id)
            if record is None:
                session.add(ContactRecord(record_id=contact.record_id, worker_id=contact.worker_id,
                                          contacted_at=contact.contacted_at, written_up_at=contact.written_up_at,
                                          imported_at=now))
                outcome.added += 1
            elif (record.worker_id, record.contacted_at, record.written_up_at) != (
                    contact.worker_id, contact.contacted_at, contact.written_up_at):
                record.worker_id, record.contacted_at = contact.worker_id, contact.contacted_at
                record.written_up_at, record.imported_at = contact.written_up_at, now
                session.add(record)
                outcome.changed += 1
            else:
                outcome.unchanged += 1
        nudges.clear_statements(session=session, items=[record_item(contact.record_id) for contact in batch])
        session.flush()
        session.expunge_all()
    outcome.skipped = len(bad_lines)
    outcome.written = True


def _batches(path: Path, index: StaffIndex, bad_lines: set[int], zone: ZoneInfo,
             now: dt.datetime) -> Iterator[list[Contact]]:
    with rows(path, required=REQUIRED, label="Importing") as lines:
        yield from batched((read(row, index, zone=zone, now=now)[0] for row in lines if row.line not in bad_lines),
                           BATCH)
