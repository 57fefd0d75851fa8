"""`igbot staff import`: the staff directory kept in step with HR's export.

Columns: employee_id, name, email (required); team, job_title, manager_email, roles (separated by
";"), slack_id, teams_id, start_date, leaving_date, on_leave_until (optional). People are matched
by employee id, then by email; a leaving date on or before today deactivates them (DSPT 4.2.4),
and they are sent nothing more. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from storage.employment import Employment
from storage.models import Role, StaffMember
from workflows.imports.csvfile import Checker, Problem, Row, RowError, batched, rows
from workflows.imports.outcome import ImportOutcome

REQUIRED = ("employee_id", "name", "email")
BATCH = 1000
_ROLES = {role.value for role in Role}


@dataclass(frozen=True)
class Person:
    line: int
    employee_id: str
    name: str
    email: str
    team: str
    job_title: str
    manager_email: str
    roles: tuple[str, ...]
    slack_id: str | None
    teams_id: str | None
    started_on: dt.date | None
    left_on: dt.date | None
    on_leave_until: dt.date | None


def read(row: Row) -> tuple[Person, list[Problem]]:
    check = Checker(row)
    person = Person(
        line=row.line,
        employee_id=check.read(lambda: row.text("employee_id", required=True, longest=50), ""),
        name=check.read(lambda: row.text("name", required=True), ""),
        email=check.read(lambda: row.email("email"), ""),
        team=check.read(lambda: row.text("team", longest=100), ""),
        job_title=check.read(lambda: row.text("job_title"), ""),
        manager_email=check.read(lambda: row.email("manager_email", required=False), ""),
        roles=check.read(lambda: _roles(row), ("staff",)),
        slack_id=check.read(lambda: row.text("slack_id", longest=64), "") or None,
        teams_id=check.read(lambda: row.text("teams_id", longest=64), "") or None,
        started_on=check.read(lambda: row.date("start_date"), None),
        left_on=check.read(lambda: row.date("leaving_date"), None),
        on_leave_until=check.read(lambda: row.date("on_leave_until"), None),
    )
    if person.started_on and person.left_on and person.left_on < person.started_on:
        check.problem("leaving_date", "is before the start date")
    if person.manager_email and person.manager_email == person.email:
        check.problem("manager_email", "is the person's own email")
    return person, check.problems


def _roles(row: Row) -> tuple[str, ...]:
    names = [name.strip().lower().replace(" ", "_") for name in row.text("roles").replace(",", ";").split(";")]
    roles = tuple(dict.fromkeys(name for name in names if name)) or ("staff",)
    unknown = [name for name in roles if name not in _ROLES]
    if unknown:
        raise RowError("roles", f"{unknown[0]!r} is not a role (roles are: {', '.join(sorted(_ROLES))})")
    return roles


@dataclass
class Directory:
    """What the database already holds, read once: enough to check a file of any size against it."""

    staff_by_email: dict[str, int]
    email_by_staff: dict[int, str]
    staff_by_employee: dict[str, int]
    holder_of_slack: dict[str, int]
    holder_of_teams: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> Directory:
        people = session.exec(select(StaffMember.id, StaffMember.email, StaffMember.slack_user_id,
                                     StaffMember.teams_user_id)).all()
        employed = session.exec(select(Employment.employee_id, Employment.staff_id)).all()
        return cls(staff_by_email={email: staff_id for staff_id, email, _, _ in people if staff_id is not None},
                   email_by_staff={staff_id: email for staff_id, email, _, _ in people if staff_id is not None},
                   staff_by_employee=dict(employed),
                   holder_of_slack={slack: staff_id for staff_id, _, slack, _ in people if slack and staff_id},
                   holder_of_teams={teams: staff_id for staff_id, _, _, teams in people if teams and staff_id})

    def match(self, person: Person) -> int | None:
        return self.staff_by_employee.get(person.employee_id) or self.staff_by_email.get(person.email)


def check(path: Path, *, session: Session) -> tuple[ImportOutcome, set[int]]:
    """Every problem in the file, and the lines that have one; nothing is written."""
    outcome = ImportOutcome(noun="people")
    known = Directory.load(session)
    first_line: dict[tuple[str, str], int] = {}
    managers: list[tuple[int, str]] = []
    emails_in_file: set[str] = set()
    with rows(path, required=REQUIRED, label="Checking") as lines:
        for row in lines:
            outcome.checked += 1
            person, problems = read(row)
            outcome.problems += problems
            for column, value in (("employee_id", person.employee_id), ("email", person.email),
                                  ("slack_id", person.slack_id), ("teams_id", person.teams_id)):
                if value and first_line.setdefault((column, value), row.line) != row.line:
                    outcome.problems.append(Problem(row.line, column, f"{value!r} is also on line "
                                                                      f"{first_line[(column, value)]}"))
            outcome.problems += _clashes(person, known)
            emails_in_file.add(person.email)
            if person.manager_email:
                managers.append((row.line, person.manager_email))
    for line, email in managers:
        if email not in emails_in_file and email not in known.staff_by_email:
            outcome.problems.append(Problem(line, "manager_email", f"{email} is not in this file or the directory"))
    return outcome, {problem.line for problem in outcome.problems}


def _clashes(person: Person, known: Directory) -> list[Problem]:
    """Values that belong to someone else already in the directory."""
    problems = []
    by_employee = known.staff_by_employee.get(person.employee_id)
    by_email = known.staff_by_email.get(person.email)
    if by_employee and by_email and by_employee != by_email:
        problems.append(Problem(person.line, "email", f"{person.email} belongs to another employee in the directory"))
    me = by_employee or by_email
    for column, value, holders in (("slack_id", person.slack_id, known.holder_of_slack),
                                   ("teams_id", person.teams_id, known.holder_of_teams)):
        holder = holders.get(value) if value else None
        if holder is not None and holder != me:
            problems.append(Problem(person.line, column, f"{value!r} belongs to someone else in the directory"))
    return problems


def write(path: Path, *, session: Session, outcome: ImportOutcome, bad_lines: set[int], today: dt.date) -> None:
    """Upsert every good row, then link managers; counts go into `outcome`."""
    added: set[int] = set()
    changed: set[int] = set()
    deactivated: set[int] = set()
    managers: dict[int, str] = {}
    for batch in _batches(path, bad_lines):
        matched = list(_matched(session, batch))
        befores = []
        for person, member, employment, _ in matched:
            befores.append(_snapshot(member, employment))
            _apply(person, member, employment, today)
            session.add(member)
        session.flush()  # new people get their ids
        for (person, member, employment, is_new), before in zip(matched, befores):
            assert member.id is not None
            employment.staff_id = member.id
            session.add(employment)
            if is_new:
                added.add(member.id)
            elif before != _snapshot(member, employment):
                (deactivated if before[0] and not member.active else changed).add(member.id)
            managers[member.id] = person.manager_email
        session.flush()
    changed |= _link_managers(session, managers) - added
    outcome.added, outcome.deactivated = len(added), len(deactivated)
    outcome.changed = len(changed - deactivated)
    outcome.skipped = len(bad_lines)
    outcome.unchanged = outcome.checked - outcome.skipped - outcome.added - outcome.changed - outcome.deactivated
    outcome.written = True


def _batches(path: Path, bad_lines: set[int]) -> Iterator[list[Person]]:
    with rows(path, required=REQUIRED, label="Importing") as lines:
        yield from batched((read(row)[0] for row in lines if row.line not in bad_lines), BATCH)


def _matched(session: Session, batch: list[Person]) -> Iterator[tuple[Person, StaffMember, Employment, bool]]:
    """Each person with their directory entry and employment row, new ones made for those not there yet."""
    employments = {employment.employee_id: employment for employment in session.exec(
        select(Employment).where(col(Employment.employee_id).in_([person.employee_id for person in batch])))}
    by_email = {member.email: member for member in session.exec(
        select(StaffMember).where(col(StaffMember.email).in_([person.email for person in batch])))}
    staff_ids = [employment.staff_id for employment in employments.values()]
    by_id = {member.id: member for member in session.exec(select(StaffMember).where(col(StaffMember.id).in_(staff_ids)))}
    for person in batch:
        employment = employments.get(person.employee_id)
        member = by_id.get(employment.staff_id) if employment else by_email.get(person.email)
        is_new = member is None
        member = member or StaffMember(email=person.email, name=person.name)
        if employment is None:
            employment = session.exec(select(Employment).where(Employment.staff_id == member.id)).first() \
                if member.id is not None else None
            employment = employment or Employment(staff_id=member.id or 0, employee_id="")  # filled in by _apply
        yield person, member, employment, is_new


def _snapshot(member: StaffMember, employment: Employment) -> tuple[object, ...]:
    return (member.active, member.email, member.name, member.team, member.job_title, tuple(member.roles),
            member.slack_user_id, member.teams_user_id, employment.employee_id, employment.started_on,
            employment.left_on, employment.on_leave_until)


def _apply(person: Person, member: StaffMember, employment: Employment, today: dt.date) -> None:
    member.email, member.name, member.team = person.email, person.name, person.team
    member.job_title = person.job_title or member.job_title
    member.roles = list(person.roles)
    member.slack_user_id = person.slack_id or member.slack_user_id
    member.teams_user_id = person.teams_id or member.teams_user_id
    member.active = person.left_on is None or person.left_on > today
    employment.employee_id = person.employee_id
    employment.started_on, employment.left_on = person.started_on, person.left_on
    employment.on_leave_until = person.on_leave_until


def _link_managers(session: Session, managers: dict[int, str]) -> set[int]:
    """Set each person's manager from their manager's email; the ids whose manager changed."""
    ids_by_email = {email: staff_id for staff_id, email in session.exec(select(StaffMember.id, StaffMember.email))}
    changed = set()
    staff_ids = list(managers)
    for start in range(0, len(staff_ids), BATCH):
        chunk = staff_ids[start:start + BATCH]
        for member in session.exec(select(StaffMember).where(col(StaffMember.id).in_(chunk))):
            assert member.id is not None
            manager_id = ids_by_email.get(managers[member.id]) if managers[member.id] else None
            if member.manager_id != manager_id:
                member.manager_id = manager_id
                session.add(member)
                changed.add(member.id)
        session.flush()
    return changed
