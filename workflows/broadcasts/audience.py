"""Who a broadcast goes to: an audience as people write it, and as the directory resolves it on the day.

Written as `everyone`, `team:NAME` (several with commas), `role:ROLE`, `line:EMAIL` (a manager's whole
reporting line, however deep) or `emails:a@example.org,b@example.org`; stored as
{"kind": "teams", "values": ["Harbour Recovery"]}. Leavers (inactive, or past their leaving date) are
left out; people igbot can reach on neither Slack nor Teams are kept, with no channel, so the report
names them instead of dropping them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from bot.core.errors import CommandError
from storage import employment
from storage.broadcasts import Recipient
from storage.models import Role, StaffMember
from storage.teams_references import PERSONAL, TeamsConversationReference

_PREFIXES = {"team": "teams", "teams": "teams", "role": "roles", "roles": "roles", "line": "reporting_line",
             "emails": "emails", "email": "emails"}
_NAMES = {"everyone": "everyone", "teams": "team", "roles": "role", "reporting_line": "line", "emails": "emails"}
_ROLE_WORDS = {role.value.replace("_", " "): role.value for role in Role} | {role.value: role.value for role in Role}


def parse(text: str) -> dict[str, Any]:
    """`team:Harbour Recovery` as the stored audience; a CommandError saying how to write one otherwise."""
    written = text.strip()
    if written.lower() in ("everyone", "all", "all staff"):
        return {"kind": "everyone", "values": []}
    prefix, colon, rest = written.partition(":")
    kind = _PREFIXES.get(prefix.strip().lower())
    values = [value.strip() for value in rest.split(",") if value.strip()]
    if not colon or kind is None or not values:
        raise CommandError("An audience is everyone, team:NAME, role:ROLE, line:EMAIL or emails:a@example.org,"
                           "b@example.org.")
    if kind == "roles":
        unknown = [value for value in values if value.lower() not in _ROLE_WORDS]
        if unknown:
            raise CommandError(f"There is no role {unknown[0]!r}; the roles are "
                               f"{', '.join(role.value for role in Role)}.")
        values = [_ROLE_WORDS[value.lower()] for value in values]
    if kind in ("emails", "reporting_line"):
        values = [value.lower() for value in values]
    return {"kind": kind, "values": values}


def written(audience: dict[str, Any]) -> str:
    """The audience as a person would type it again."""
    kind = audience.get("kind", "")
    if kind == "everyone":
        return "everyone"
    return f"{_NAMES.get(kind, kind)}:{','.join(audience.get('values', []))}"


@dataclass
class Resolved:
    """The people an audience means today, and what in it matched nobody."""

    recipients: list[Recipient] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    left_out: int = 0  # leavers named or counted in the audience

    @property
    def unreachable(self) -> int:
        return sum(1 for person in self.recipients if not person.channel)


@dataclass(frozen=True)
class _Person:
    staff_id: int
    email: str
    team: str
    manager_id: int | None
    roles: list[str]
    slack: bool
    active: bool


def resolve(*, session: Session, audience: dict[str, Any], today: dt.date) -> Resolved:
    """Today's recipients of `audience`, each with the platform igbot will reach them on ("" for neither)."""
    people = _people(session)
    left = employment.away_on(session=session, today=today) - employment.on_leave(session=session, today=today)
    chosen, unmatched = _choose(people, audience)
    in_teams = _reachable_in_teams(session)
    resolved = Resolved(unmatched=unmatched)
    for person in chosen:
        if not person.active or person.staff_id in left:
            resolved.left_out += 1
            continue
        channel = "slack" if person.slack else "teams" if person.staff_id in in_teams else ""
        resolved.recipients.append(Recipient(person.staff_id, person.team, channel))
    return resolved


def _choose(people: list[_Person], audience: dict[str, Any]) -> tuple[list[_Person], list[str]]:
    kind, values = audience.get("kind"), list(audience.get("values", []))
    if kind == "everyone":
        return people, []
    if kind == "teams":
        wanted = {value.lower(): value for value in values}
        chosen = [person for person in people if person.team.lower() in wanted]
        found = {person.team.lower() for person in chosen}
        return chosen, [value for key, value in wanted.items() if key not in found]
    if kind == "roles":
        chosen = [person for person in people if set(person.roles) & set(values)]
        found = {role for person in chosen for role in person.roles}
        return chosen, [value for value in values if value not in found]
    if kind == "emails":
        by_email = {person.email: person for person in people}
        return ([by_email[value] for value in dict.fromkeys(values) if value in by_email],
                [value for value in values if value not in by_email])
    if kind == "reporting_line":
        return _reporting_lines(people, values)
    raise CommandError("An audience is everyone, team:NAME, role:ROLE, line:EMAIL or emails:a@example.org.")


def _reporting_lines(people: list[_Person], managers: list[str]) -> tuple[list[_Person], list[str]]:
    """Everyone under each manager, however many levels down (the manager too), each once."""
    by_email = {person.email: person for person in people}
    reports: dict[int, list[_Person]] = defaultdict(list)
    for person in people:
        if person.manager_id is not None:
            reports[person.manager_id].append(person)
    chosen: dict[int, _Person] = {}
    for email in managers:
        top = by_email.get(email)
        if top is None:
            continue
        waiting = [top]
        while waiting:
            person = waiting.pop()
            if person.staff_id in chosen:
                continue  # a loop in the directory's managers is walked once
            chosen[person.staff_id] = person
            waiting += reports[person.staff_id]
    return list(chosen.values()), [email for email in managers if email not in by_email]


def line_of(*, session: Session, manager_id: int) -> set[int]:
    """The staff ids of a manager's whole reporting line, the manager included."""
    people = _people(session)
    manager = next((person for person in people if person.staff_id == manager_id), None)
    if manager is None:
        return set()
    chosen, _ = _reporting_lines(people, [manager.email])
    return {person.staff_id for person in chosen}


def _people(session: Session) -> list[_Person]:
    """Everyone in the directory, as light rows: a whole organisation in one query."""
    statement = select_columns(col(StaffMember.id), col(StaffMember.email), col(StaffMember.team),
                               col(StaffMember.manager_id), col(StaffMember.roles), col(StaffMember.slack_user_id),
                               col(StaffMember.active)).order_by(col(StaffMember.id))
    return [_Person(int(staff_id), email.lower(), team, manager_id, list(roles or []), bool(slack), bool(active))
            for staff_id, email, team, manager_id, roles, slack, active in session.execute(statement).all()
            if staff_id is not None]


def _reachable_in_teams(session: Session) -> set[int]:
    statement = select(TeamsConversationReference.staff_id).where(
        col(TeamsConversationReference.staff_id).is_not(None),
        col(TeamsConversationReference.conversation_type) == PERSONAL)
    return {staff_id for staff_id in session.exec(statement).all() if staff_id is not None}
