"""Who igbot can reach directly: a Slack user id, or a stored Teams personal conversation."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import StaffMember
from storage.teams_references import TeamsConversationReference


def unreachable(*, session: Session) -> set[int]:
    """Active staff with neither a Slack id nor a Teams conversation igbot can write to."""
    in_teams = select(TeamsConversationReference.staff_id).where(col(TeamsConversationReference.staff_id).is_not(None))
    statement = select(StaffMember.id).where(StaffMember.active, col(StaffMember.slack_user_id).is_(None),
                                             col(StaffMember.id).not_in(in_teams))
    return {staff_id for staff_id in session.exec(statement).all() if staff_id is not None}
