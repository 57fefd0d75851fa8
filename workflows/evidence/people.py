"""Who works here and who leads data security (DSPT 1.1.5, 4.1.1), and who left and lost their access (4.2.4).

Staff *in post* on the as-of date are those in the directory who had not left by then: a leaving
date from HR's staff import after the as-of date still counts them; a directory entry deactivated
without a leaving date does not. Where HR gave a start date, it must be on or before the as-of date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy import select as columns  # five columns: more than sqlmodel's select() is typed for
from sqlmodel import Session, col, func, select

from bot.core.profile import Profile
from storage.employment import Employment
from storage.models import IG_ROLES, Role, StaffMember
from workflows.evidence.model import Figure, Period, Section, Table, percent, yes_no

STREAM_BATCH = 5000
ROLE_NAMES = {
    Role.STAFF: "Member of staff", Role.MANAGER: "Line manager", Role.IG_OFFICER: "IG officer",
    Role.DPO: "Data Protection Officer", Role.CALDICOTT_GUARDIAN: "Caldicott Guardian",
    Role.SIRO: "Senior Information Risk Owner",
}
IN_POST = ("staff in the directory on the as-of date: not left by then (leaving date from HR's staff import), "
           "and started by then where a start date is known")


def in_post(period: Period) -> ColumnElement[bool]:
    """The condition, on staff_member outer-joined to employment, for being in post on the as-of date."""
    as_of = period.ends_on
    not_left = or_(and_(col(Employment.left_on).is_(None), col(StaffMember.active)), col(Employment.left_on) > as_of)
    started = or_(col(Employment.started_on).is_(None), col(Employment.started_on) <= as_of)
    return and_(not_left, started)


def staff_and_roles(*, session: Session, profile: Profile, period: Period) -> Section:
    roles: Counter[str] = Counter()
    teams: set[str] = set()
    ig_ids: list[int] = []
    headcount = 0
    ig_values = {role.value for role in IG_ROLES}
    statement = (select(StaffMember.id, StaffMember.roles, StaffMember.team)
                 .outerjoin(Employment, col(Employment.staff_id) == col(StaffMember.id))
                 .where(in_post(period)).execution_options(yield_per=STREAM_BATCH))
    for staff_id, held, team in session.exec(statement):
        headcount += 1
        teams.add(team)
        roles.update(set(held))
        if staff_id is not None and ig_values & set(held):
            ig_ids.append(staff_id)
    leads = session.exec(select(StaffMember).where(col(StaffMember.id).in_(ig_ids))
                         .order_by(col(StaffMember.name))).all() if ig_ids else []
    when = period.on_the_day()
    figures = [
        Figure("Staff in post", f"{headcount:,}", IN_POST, when),
        Figure("Teams", f"{len(teams):,}", "distinct teams of the staff in post, as the directory names them now", when),
        Figure("Line managers", f"{roles[Role.MANAGER.value]:,}", "staff in post with the manager role", when),
        Figure("Staff in an IG role", f"{len(leads):,}",
               "staff in post holding at least one of: IG officer, DPO, Caldicott Guardian, SIRO", when),
    ]
    return Section(
        key="staff-and-roles", title="Staff, roles and who leads data security", evidence=("1.1.5", "4.1.1"),
        summary=(f"{profile.roles.siro.name} is named as Senior Information Risk Owner in the organisation profile, "
                 f"{profile.roles.dpo.name} as Data Protection Officer and {profile.roles.caldicott_guardian.name} as "
                 "Caldicott Guardian. The table sets the profile's named leads beside the staff the directory gives "
                 "each role."),
        figures=figures,
        table=Table(caption=f"Roles: the lead named in the organisation profile and the staff in post with the role "
                            f"{when}", columns=("role", "named_in_profile", "staff_in_post_with_role", "holders"),
                    headings=("Role", "Named in the organisation profile", "Staff in post with the role",
                              "Holders in the directory (IG roles only)"),
                    rows=list(_role_rows(profile, roles, list(leads)))),
    )


def _role_rows(profile: Profile, roles: Counter[str], leads: list[StaffMember]) -> Iterator[tuple[object, ...]]:
    named = {Role.IG_OFFICER: profile.roles.ig_officer, Role.DPO: profile.roles.dpo,
             Role.CALDICOTT_GUARDIAN: profile.roles.caldicott_guardian, Role.SIRO: profile.roles.siro}
    for role in (Role.SIRO, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.IG_OFFICER, Role.MANAGER, Role.STAFF):
        holder = named.get(role)
        holders = "; ".join(f"{member.name} ({member.job_title or 'no job title'}, {member.team or 'no team'})"
                            for member in leads if member.has_role(role)) if role in IG_ROLES else ""
        yield (ROLE_NAMES[role], holder.name if holder else "", roles[role.value], holders)
    deputy = profile.roles.deputy_caldicott_guardian
    if deputy is not None:
        yield (deputy.title, deputy.name, "", "")


LEAVER = ("staff whose leaving date (from HR's staff import) falls in the period; access removed means their "
          "igbot directory entry is deactivated, so igbot neither answers nor messages them")


def leavers(*, session: Session, period: Period) -> Section:
    in_period = (col(Employment.left_on) > period.starts_after, col(Employment.left_on) <= period.ends_on)
    counts = dict(session.exec(select(StaffMember.active, func.count())
                               .join(Employment, col(Employment.staff_id) == col(StaffMember.id))
                               .where(*in_period).group_by(col(StaffMember.active))).all())
    left, still = sum(counts.values()), counts.get(True, 0)
    removed = left - still
    statement = (columns(col(Employment.employee_id), col(StaffMember.name), col(StaffMember.team),
                         col(Employment.left_on), col(StaffMember.active))
                 .join(StaffMember, col(Employment.staff_id) == col(StaffMember.id))
                 .where(*in_period).order_by(col(Employment.left_on), col(Employment.employee_id))
                 .execution_options(yield_per=STREAM_BATCH))
    rows = ((employee_id, name, team, left_on.isoformat(), yes_no(not active))
            for employee_id, name, team, left_on, active in session.execute(statement))
    during, recorded = period.describe(), f"{period.describe()}, as recorded when the pack was made"
    return Section(
        key="leavers", title="Leavers and the removal of their access", evidence=("4.2.4",),
        summary="Everyone who left in the period, with whether their access through igbot was removed.",
        figures=[
            Figure("Leavers", f"{left:,}", LEAVER, during),
            Figure("Access removed", f"{removed:,} ({percent(removed, left)})",
                   "leavers whose igbot directory entry is deactivated", recorded),
            Figure("Access not yet removed", f"{still:,}",
                   "leavers whose directory entry is still active: import HR's current staff list to deactivate them",
                   recorded),
        ],
        table=Table(caption=f"Leavers from {during}, by leaving date",
                    columns=("employee_id", "name", "team", "left_on", "access_removed"),
                    headings=("Employee ID", "Name", "Team", "Leaving date", "Access removed"), rows=rows),
        notes=[] if left else [f"No one left from {during}."],
    )
