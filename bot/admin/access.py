"""Who may see what on the dashboard: the IG roles everything; a manager their own reporting line; others nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select
from sqlmodel import Session, col, select

from storage.models import IG_ROLES, Role, StaffMember


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as the pages need them: who they are and what they may see."""

    staff_id: int
    name: str
    sees_everything: bool
    csrf_token: str = ""

    @property
    def is_manager_only(self) -> bool:
        return not self.sees_everything


def may_use_dashboard(member: StaffMember) -> bool:
    return member.active and (member.has_role(*IG_ROLES) or member.has_role(Role.MANAGER))


def viewer_of(member: StaffMember, *, csrf_token: str = "") -> Viewer:
    assert member.id is not None, "a stored staff member always has an id"
    return Viewer(staff_id=member.id, name=member.name, sees_everything=member.has_role(*IG_ROLES),
                  csrf_token=csrf_token)


def reporting_line(manager_id: int) -> Select[tuple[int]]:
    """The ids of everyone who reports to this manager, directly or through other managers (a query)."""
    line = (select(col(StaffMember.id).label("id"))
            .where(StaffMember.manager_id == manager_id).cte("reporting_line", recursive=True))
    below = select(col(StaffMember.id)).join(line, col(StaffMember.manager_id) == line.c.id)
    line = line.union(below)
    return select(line.c.id)


def scope_key(viewer: Viewer) -> str:
    """A name for what this viewer may see, under which figures counted for them can be kept."""
    return "organisation" if viewer.sees_everything else f"line-of-{viewer.staff_id}"


def in_scope(viewer: Viewer) -> Select[tuple[int]] | None:
    """The staff this viewer may see, as a query to filter by; None when they see everyone."""
    return None if viewer.sees_everything else reporting_line(viewer.staff_id)


def line_ids(*, session: Session, viewer: Viewer) -> set[int] | None:
    scope = in_scope(viewer)
    return None if scope is None else set(session.execute(scope).scalars().all())
