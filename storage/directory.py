"""The staff directory: who people are, their team, manager, roles and platform ids."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from storage.models import Role, StaffMember


def get(*, session: Session, staff_id: int) -> StaffMember | None:
    return session.get(StaffMember, staff_id)


def get_by_email(*, session: Session, email: str) -> StaffMember | None:
    statement = select(StaffMember).where(func.lower(StaffMember.email) == email.strip().lower())
    return session.exec(statement).first()


def get_by_slack_id(*, session: Session, slack_user_id: str) -> StaffMember | None:
    return session.exec(select(StaffMember).where(StaffMember.slack_user_id == slack_user_id)).first()


def get_by_teams_id(*, session: Session, teams_user_id: str) -> StaffMember | None:
    return session.exec(select(StaffMember).where(StaffMember.teams_user_id == teams_user_id)).first()


def get_all(*, session: Session, team: str | None = None) -> Sequence[StaffMember]:
    statement = select(StaffMember).where(StaffMember.active).order_by(StaffMember.name)
    if team is not None:
        statement = statement.where(StaffMember.team == team)
    return session.exec(statement).all()


def get_with_role(*, session: Session, role: Role) -> list[StaffMember]:
    return [member for member in get_all(session=session) if member.has_role(role)]


def reports_of(*, session: Session, manager_id: int) -> Sequence[StaffMember]:
    statement = select(StaffMember).where(StaffMember.manager_id == manager_id, StaffMember.active)
    return session.exec(statement.order_by(StaffMember.name)).all()


def count(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(StaffMember)).one()


def create(
    *,
    session: Session,
    email: str,
    name: str,
    job_title: str = "",
    team: str = "",
    manager_id: int | None = None,
    roles: Sequence[Role] = (Role.STAFF,),
) -> StaffMember:
    member = StaffMember(
        email=email.strip().lower(),
        name=name,
        job_title=job_title,
        team=team,
        manager_id=manager_id,
        roles=[role.value for role in roles],
    )
    session.add(member)
    session.flush()
    return member


def link_platform_id(*, session: Session, member: StaffMember, slack_user_id: str | None = None,
                     teams_user_id: str | None = None) -> StaffMember:
    if slack_user_id is not None:
        member.slack_user_id = slack_user_id
    if teams_user_id is not None:
        member.teams_user_id = teams_user_id
    session.add(member)
    session.flush()
    return member


def link_if_free(*, session: Session, member: StaffMember, slack_user_id: str | None = None,
                 teams_user_id: str | None = None) -> bool:
    """Link a platform id to `member` unless another staff member holds it; False (nothing changed) if one does.

    A leaver's deactivated entry may still hold a person's Slack or Entra id when they are
    matched again by email under a new entry: they are answered, and the id stays where it is.
    """
    try:
        with session.begin_nested():
            link_platform_id(session=session, member=member, slack_user_id=slack_user_id, teams_user_id=teams_user_id)
    except IntegrityError:
        session.refresh(member)
        return False
    return True


def active_managers(*, session: Session) -> dict[int, int | None]:
    """Every active member of staff's id, with their manager's id: one light query for a whole organisation."""
    statement = select(StaffMember.id, StaffMember.manager_id).where(StaffMember.active)
    return {staff_id: manager_id for staff_id, manager_id in session.exec(statement) if staff_id is not None}
