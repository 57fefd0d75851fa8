"""`igbot training import`: completions of courses, from the learning system's export.

Columns: course, completed_on, and employee_id or email (or both: the employee id wins). A
completion already recorded is left as it is, so re-importing a file changes nothing. After an
import, what people said they had done gives way to what the file says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, col, select

from storage import nudges
from storage.training import TrainingRecord
from bot.core.errors import CommandError
from workflows.imports.csvfile import Checker, Problem, Row, RowError, batched, header_of, rows
from workflows.imports.outcome import ImportOutcome
from workflows.imports.people import StaffIndex

BATCH = 5000


@dataclass(frozen=True)
class Completion:
    staff_id: int
    course: str
    completed_on: dt.date


def _id_column(path: Path) -> str | None:
    """"employee_id" when the file has it; otherwise it must have "email"."""
    header = header_of(path)
    if "employee_id" not in header and "email" not in header:
        raise CommandError(f"{path} needs an 'employee_id' or an 'email' column to say whose training each row is.")
    return "employee_id" if "employee_id" in header else None


def read(row: Row, index: StaffIndex, *, id_column: str | None, today: dt.date) -> tuple[Completion, list[Problem]]:
    check = Checker(row)
    staff_id = check.read(lambda: index.find(row, id_column=id_column, email_column="email"), 0)
    course = check.read(lambda: row.text("course", required=True), "")
    completed_on = check.read(lambda: _past(row, today), today)
    return Completion(staff_id, course, completed_on), check.problems


def _past(row: Row, today: dt.date) -> dt.date:
    completed_on = row.date("completed_on", required=True)
    assert completed_on is not None
    if completed_on > today:
        raise RowError("completed_on", f"{completed_on.isoformat()} is in the future")
    return completed_on


def check(path: Path, *, session: Session, today: dt.date) -> tuple[ImportOutcome, set[int]]:
    outcome = ImportOutcome(noun="training records")
    id_column = _id_column(path)
    index = StaffIndex.load(session)
    with rows(path, required=("course", "completed_on"), label="Checking") as lines:
        for row in lines:
            outcome.checked += 1
            outcome.problems += read(row, index, id_column=id_column, today=today)[1]
    return outcome, {problem.line for problem in outcome.problems}


def write(path: Path, *, session: Session, outcome: ImportOutcome, bad_lines: set[int], today: dt.date,
          now: dt.datetime) -> None:
    id_column = _id_column(path)
    index = StaffIndex.load(session)
    for batch in _batches(path, index, id_column, bad_lines, today):
        known = _recorded(session, batch)
        new = []
        for completion in batch:
            key = (completion.staff_id, completion.course, completion.completed_on)
            if key in known:
                outcome.unchanged += 1
                continue
            known.add(key)
            new.append({"staff_id": completion.staff_id, "course": completion.course,
                        "completed_on": completion.completed_on, "recorded_at": now})
        if new:  # one statement a batch, no objects kept: a million rows stream through
            session.execute(insert(TrainingRecord), new)
        outcome.added += len(new)
    nudges.clear_statements(session=session, training=True)
    outcome.skipped = len(bad_lines)
    outcome.written = True


def _batches(path: Path, index: StaffIndex, id_column: str | None, bad_lines: set[int],
             today: dt.date) -> Iterator[list[Completion]]:
    with rows(path, required=("course", "completed_on"), label="Importing") as lines:
        yield from batched((read(row, index, id_column=id_column, today=today)[0]
                            for row in lines if row.line not in bad_lines), BATCH)


def _recorded(session: Session, batch: list[Completion]) -> set[tuple[int, str, dt.date]]:
    """The completions of the batch's people that are already recorded."""
    staff_ids = sorted({completion.staff_id for completion in batch})
    statement = select(TrainingRecord.staff_id, TrainingRecord.course, col(TrainingRecord.completed_on)).where(
        col(TrainingRecord.staff_id).in_(staff_ids))
    return {(staff_id, course, completed_on) for staff_id, course, completed_on in session.exec(statement)}
