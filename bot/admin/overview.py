"""The overview (training, its trend, late records, open incidents, knowledge gaps) and a team's people."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlmodel import Session, col, func, select

from bot.admin import charts, figures, wording
from bot.admin.broadcasts import summaries as broadcast_summaries
from bot.admin.access import Viewer, in_scope, line_ids, scope_key
from bot.admin.webapp import DASHBOARD, Dashboard, forbidden, render, viewer
from storage import audit, employment, incidents
from storage.models import StaffMember
from storage.records import ContactRecord
from storage.training import TrainingRecord
from workflows.incidents import notices
from workflows.incidents.kinds import kind_of
from workflows.nudges.rules import earliest_late_contact, late_record, training_status

TEAMS_IN_CHART = 20
RECENT_BROADCASTS = 5
TEAMS_IN_LATE_TABLE = 20


@dataclass(frozen=True)
class IncidentClock:
    reference: str
    kind: str
    status: str
    time_left: str
    urgency: str  # "overdue", "urgent", "soon" or "ok": a class, always shown with its words too
    urgency_text: str


def clock_of(time_left: dt.timedelta) -> tuple[str, str]:
    if time_left <= dt.timedelta(0):
        return "overdue", wording.CLOCK_OVERDUE
    if time_left < dt.timedelta(hours=12):
        return "urgent", wording.CLOCK_URGENT
    if time_left < dt.timedelta(hours=24):
        return "soon", wording.CLOCK_SOON
    return "ok", wording.CLOCK_OK


def open_clocks(session: Session, dashboard: Dashboard, now: dt.datetime) -> list[IncidentClock]:
    clocks = []
    for incident in incidents.get_open(session=session):
        deadline = notices.deadline_of(incident, dashboard.profile)
        urgency, text = clock_of(deadline.time_left(now))
        clocks.append(IncidentClock(incident.reference, kind_of(incident.kind).label, notices.status_text(incident),
                                    deadline.describe_left(now), urgency, text))
    return sorted(clocks, key=lambda clock: ("overdue urgent soon ok".split().index(clock.urgency), clock.reference))


def overview_data(session: Session, dashboard: Dashboard, who: Viewer, now: dt.datetime) -> dict[str, Any]:
    profile, today = dashboard.profile, dashboard.today(now)
    scope = in_scope(who)
    counted, _ = dashboard.figures.fetch(f"staff:{today}:{scope_key(who)}", now, lambda: figures.staff_figures(
        session=session, profile=profile, calendar=dashboard.calendar, now=now, scope=scope))
    teams, trend, late = counted.teams, counted.trend, counted.late
    target = profile.training.target_percent
    shown = teams[:TEAMS_IN_CHART]
    staff, trained = sum(team.staff for team in teams), sum(team.trained for team in teams)
    data: dict[str, Any] = {
        "title": "Overview", "target": target, "teams": shown, "team_count": len(teams),
        "teams_meeting": sum(team.percent >= target for team in teams),
        "staff": staff, "trained": trained, "percent": round(100 * trained / staff) if staff else 100,
        "bar_chart": charts.bar_chart(shown, target=target, chart_id="by-team",
                                      title=f"Training completion by team against the {target}% target"),
        "trend": trend, "line_chart": charts.line_chart(trend, target=target, chart_id="trend",
                                                        title="Training completion over the last 12 months"),
        "late": late[:TEAMS_IN_LATE_TABLE], "late_total": sum(team.late for team in late),
        "write_up_hours": profile.records.write_up_hours, "course": profile.training.name,
        "today": today, "clocks": [], "gaps": 0, "top_gaps": [],
        "counted_at": dashboard.calendar.local(counted.counted_at),
        "recount_minutes": dashboard.figures.keep // dt.timedelta(minutes=1),
    }
    data["broadcasts"] = broadcast_summaries(session, dashboard, who, now, limit=RECENT_BROADCASTS)
    if who.sees_everything:
        month_start = dt.datetime.combine(today.replace(day=1), dt.time(), dashboard.calendar.zone)
        data["clocks"] = open_clocks(session, dashboard, now)
        data["gaps"], data["top_gaps"] = figures.gaps_since(session=session, since=month_start)
    audit.record(session=session, now=now, action="dashboard.viewed", actor_id=who.staff_id, subject="overview",
                 details={"scope": "organisation" if who.sees_everything else "reporting line"})
    return data


async def overview(request: web.Request) -> web.Response:
    who = viewer(request)
    dashboard = request.app[DASHBOARD]
    data = await dashboard.run(lambda session, now: overview_data(session, dashboard, who, now))
    return render(request, "overview.html", {**data, "page": "overview"})


@dataclass(frozen=True)
class PersonRow:
    name: str
    job_title: str
    training: str
    valid_until: dt.date | None
    late: int


TRAINING_WORDS = {"current": "current", "due_soon": "due soon", "overdue": "overdue", "never": "never done"}


def team_data(session: Session, dashboard: Dashboard, who: Viewer, team: str, now: dt.datetime) -> dict[str, Any]:
    """The people of one team (within the viewer's reporting line), their training and late records."""
    today = dashboard.today(now)
    allowed = line_ids(session=session, viewer=who)
    statement = select(StaffMember).where(col(StaffMember.active).is_(True),
                                          StaffMember.team == ("" if team == figures.NO_TEAM else team))
    members = [member for member in session.exec(statement.order_by(col(StaffMember.name)))
               if allowed is None or member.id in allowed]
    if not members:
        raise forbidden(dashboard.profile) if allowed is not None else web.HTTPNotFound()
    ids = [member.id for member in members if member.id is not None]
    left = {staff_id for staff_id, job in employment.get_by_staff_ids(session=session, staff_ids=ids).items()
            if job.left_on is not None and job.left_on <= today}
    latest = dict(session.exec(select(TrainingRecord.staff_id, func.max(TrainingRecord.completed_on))
                               .where(TrainingRecord.course == dashboard.profile.training.name,
                                      col(TrainingRecord.staff_id).in_(ids))
                               .group_by(col(TrainingRecord.staff_id))).all())
    late = Counter(worker for worker, contacted in session.exec(
        select(ContactRecord.worker_id, ContactRecord.contacted_at).where(
            col(ContactRecord.worker_id).in_(ids), col(ContactRecord.written_up_at).is_(None),
            col(ContactRecord.contacted_at) <= earliest_late_contact(profile=dashboard.profile, now=now)))
        if late_record("", contacted, None, profile=dashboard.profile, calendar=dashboard.calendar, now=now))
    rows = []
    for member in members:
        if member.id is None or member.id in left:
            continue
        status = training_status(latest.get(member.id), profile=dashboard.profile, today=today)
        rows.append(PersonRow(member.name, member.job_title, TRAINING_WORDS[status.state.value], status.valid_until,
                              late[member.id]))
    audit.record(session=session, now=now, action="dashboard.viewed", actor_id=who.staff_id, subject="team",
                 details={"people": len(rows)})
    return {"title": f"Team: {team}", "team": team, "people": rows, "course": dashboard.profile.training.name}


async def team(request: web.Request) -> web.Response:
    who = viewer(request)
    dashboard = request.app[DASHBOARD]
    name = request.query.get("team", "").strip()[:100]
    if not name:
        raise web.HTTPSeeOther("/admin/")
    data = await dashboard.run(lambda session, now: team_data(session, dashboard, who, name, now))
    return render(request, "team.html", {**data, "page": "overview"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", overview)
    app.router.add_get("/team", team)
