"""The incident register on the web: filters, an incident's record and audit trail, and the IG team's changes.

Every change goes through workflows/incidents/register.py, the functions the chat register uses,
so the rules (who may, in which status, the vulnerable minimum, reasons stored redacted) are the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.admin import wording
from bot.admin.overview import clock_of
from bot.admin.webapp import DASHBOARD, Dashboard, bad_input, forbidden, form, render, viewer
from bot.core.errors import CommandError
from storage import audit, directory, incidents
from storage.incidents import Incident, IncidentStatus
from storage.models import AuditEvent, StaffMember
from workflows.incidents import notices, register
from workflows.incidents.answers import describe_people
from workflows.incidents.questions import BY_NAME, labelled
from workflows.incidents.deadline import short_local_time
from workflows.incidents.grading import Grade, Outcome, describe
from workflows.incidents.kinds import all_kinds, kind_of
from workflows.incidents.wording import OUTCOMES, STATUSES

MOST_SHOWN = 200
TASKS = ("triage", "regrade", "notified", "not_reportable", "close")
_MARKUP = re.compile(r"[*_`]")


@dataclass(frozen=True)
class Filters:
    status: str = ""
    grade: str = ""
    kind: str = ""
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None

    @classmethod
    def read(cls, query: Mapping[str, str]) -> Filters:
        """The filters asked for; a value that is not one of the choices is one clear sentence (400)."""
        status, grade, kind = (query.get(name, "").strip() for name in ("status", "grade", "kind"))
        if status and status not in STATUSES and status != "open":
            raise bad_input("Pick a status from the list.")
        if grade and grade not in {outcome.value for outcome in Outcome}:
            raise bad_input("Pick a grade from the list.")
        if kind and kind not in {item.code for item in all_kinds()}:
            raise bad_input("Pick a kind of incident from the list.")
        return cls(status, grade, kind, _day(query.get("from", "")), _day(query.get("to", "")))


def _day(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise bad_input("Give dates as year-month-day, for example 2026-11-30.") from None


def plain(text: str) -> str:
    """Chat wording without its bold and code marks."""
    return _MARKUP.sub("", text)


def _require_ig(request: web.Request) -> None:
    if not viewer(request).sees_everything:
        raise forbidden(request.app[DASHBOARD].profile)


def register_data(session: Session, dashboard: Dashboard, staff_id: int, chosen: Filters,
                  now: dt.datetime) -> dict[str, Any]:
    zone = dashboard.calendar.zone
    statement = select(Incident)
    if chosen.status == "open":
        statement = statement.where(col(Incident.status).in_([status.value for status in incidents.OPEN_STATUSES]))
    elif chosen.status:
        statement = statement.where(Incident.status == chosen.status)
    if chosen.grade:
        outcome = func.coalesce(col(Incident.outcome), col(Incident.suggested_outcome))
        statement = statement.where(outcome == chosen.grade)
    if chosen.kind:
        statement = statement.where(Incident.kind == chosen.kind)
    if chosen.reported_from:
        since = dt.datetime.combine(chosen.reported_from, dt.time(), zone)
        statement = statement.where(col(Incident.reported_at) >= since)
    if chosen.reported_to:
        until = dt.datetime.combine(chosen.reported_to + dt.timedelta(days=1), dt.time(), zone)
        statement = statement.where(col(Incident.reported_at) < until)
    found = session.exec(statement.order_by(col(Incident.reported_at).desc(), col(Incident.id).desc())
                         .limit(MOST_SHOWN + 1)).all()
    rows = []
    for incident in found[:MOST_SHOWN]:
        row = {"reference": incident.reference, "reported": short_local_time(incident.reported_at, zone),
               "kind": kind_of(incident.kind).label, "status": notices.status_text(incident),
               "grade": f"{incident.current_likelihood} × {incident.current_severity}",
               "outcome": plain(notices.outcome_text(incident.current_outcome)), "left": "", "urgency": "",
               "urgency_text": ""}
        if incident.is_open:
            deadline = notices.deadline_of(incident, dashboard.profile)
            row["left"] = deadline.describe_left(now)
            row["urgency"], row["urgency_text"] = clock_of(deadline.time_left(now))
        rows.append(row)
    audit.record(session=session, now=now, action="dashboard.viewed", actor_id=staff_id, subject="incidents",
                 details={"shown": len(rows)})
    return {"rows": rows, "more": len(found) > MOST_SHOWN}


async def register_page(request: web.Request) -> web.Response:
    _require_ig(request)
    chosen = Filters.read(request.query)
    dashboard, staff_id = request.app[DASHBOARD], viewer(request).staff_id
    data = await dashboard.run(lambda session, now: register_data(session, dashboard, staff_id, chosen, now))
    return render(request, "incidents.html", {
        **data, "title": "Incidents", "page": "incidents", "filters": chosen, "statuses": STATUSES,
        "outcomes": {key: plain(value) for key, value in OUTCOMES.items()}, "kinds": all_kinds()})


def _find(session: Session, reference: str) -> Incident:
    incident = incidents.get_by_reference(session=session, reference=reference)
    if incident is None:
        raise web.HTTPNotFound()
    return incident


def detail_data(session: Session, dashboard: Dashboard, staff_id: int, reference: str,
                now: dt.datetime) -> dict[str, Any]:
    incident = _find(session, reference)
    zone, grading = dashboard.calendar.zone, dashboard.profile.incident_grading
    names = _names(session)
    actor = directory.get(session=session, staff_id=staff_id)
    assert actor is not None
    trail = session.exec(select(AuditEvent).where(AuditEvent.subject == incident.reference)
                         .order_by(col(AuditEvent.id))).all()
    deadline = notices.deadline_of(incident, dashboard.profile)
    urgency, urgency_text = clock_of(deadline.time_left(now))
    audit.record(session=session, now=now, action="dashboard.viewed", actor_id=staff_id, subject=incident.reference)
    return {
        "incident": incident, "kind": kind_of(incident.kind).label, "answers": _answers(incident, dashboard),
        "status": notices.status_text(incident), "reporter": names(incident.reporter_id),
        "grade": describe(Grade(incident.current_likelihood, incident.current_severity), grading),
        "outcome": plain(notices.outcome_text(incident.current_outcome)),
        "reported": short_local_time(incident.reported_at, zone),
        "discovered": short_local_time(incident.discovered_at, zone),
        "deadline": deadline.describe(now, zone) if incident.is_open else "",
        "urgency": urgency if incident.is_open else "", "urgency_text": urgency_text,
        "notes": [{"at": short_local_time(note.at, zone), "by": names(note.author_id), "text": note.text}
                  for note in incidents.notes_of(session=session, incident=incident)],
        "trail": [{"at": short_local_time(event.at, zone), "by": names(event.actor_id),
                   "action": event.action.split(".", 1)[-1].replace("_", " ")} for event in trail],
        "tasks": [task for task in TASKS if _allowed(task, actor, incident)],
        "likelihoods": grading.likelihood, "severities": grading.severity,
    }


def _answers(incident: Incident, dashboard: Dashboard) -> list[tuple[str, str]]:
    """The reporter's answers to the multiple-choice questions, in their words on the form."""
    def label(question: str, code: str) -> str:
        option = labelled(BY_NAME[question], dashboard.profile).option(code)
        return option.label if option else code

    people = ("not known" if incident.people_affected is None
              else f"about {describe_people(incident.people_affected, incident.people_affected_from)}")
    return [("Information involved", label("data_kind", incident.data_kind)),
            ("Vulnerable people", label("vulnerable", incident.vulnerable)),
            ("People affected", people), ("Back under control", label("contained", incident.contained))]


def _names(session: Session) -> Callable[[int | None], str]:
    def name_of(staff_id: int | None) -> str:
        if staff_id is None:
            return "igbot"
        member = session.get(StaffMember, staff_id)
        return member.name if member else "someone no longer in the directory"
    return name_of


def _allowed(task: str, actor: StaffMember, incident: Incident) -> bool:
    try:
        if task == "triage":
            register.require_ig(actor)
            return incident.status == IncidentStatus.REPORTED
        register.check(task=task, actor=actor, incident=incident)
    except CommandError:
        return False
    return True


async def detail_page(request: web.Request) -> web.Response:
    _require_ig(request)
    dashboard, staff_id = request.app[DASHBOARD], viewer(request).staff_id
    reference = request.match_info["reference"]
    data = await dashboard.run(lambda session, now: detail_data(session, dashboard, staff_id, reference, now))
    done = wording.DONE.get(request.query.get("done", ""), "")
    return render(request, "incident.html", {**data, "title": data["incident"].reference, "page": "incidents",
                                             "done": done})


def change(session: Session, dashboard: Dashboard, staff_id: int, reference: str, fields: Mapping[str, str],
           now: dt.datetime) -> str:
    """Make the change asked for, through the register; a refusal rolls everything back and is one sentence."""
    incident = _find(session, reference)
    actor = directory.get(session=session, staff_id=staff_id)
    assert actor is not None
    task, profile = fields.get("task", ""), dashboard.profile
    try:
        if task == "triage":
            register.confirm_grade(session=session, actor=actor, incident=incident, profile=profile, now=now)
        elif task == "regrade":
            grade = Grade(_score(fields.get("likelihood", "")), _score(fields.get("severity", "")))
            reason = _required(fields.get("reason", ""), "Say why the grade is changing.")
            register.regrade(session=session, actor=actor, incident=incident, grade=grade, reason=reason,
                             profile=profile, now=now)
        elif task == "notified":
            register.mark_notified(session=session, actor=actor, incident=incident, now=now,
                                   ico_reference=fields.get("ico_reference", ""))
        elif task == "not_reportable":
            reason = _required(fields.get("reason", ""), "Say why it is not reportable: Art. 33(5) asks for it.")
            register.mark_not_reportable(session=session, actor=actor, incident=incident, reason=reason, now=now)
        elif task == "close":
            lessons = _required(fields.get("lessons", ""), "Write the lessons learnt before closing.")
            register.close(session=session, actor=actor, incident=incident, lessons=lessons, now=now)
        else:
            raise bad_input("Pick one of the changes on the page.")
    except CommandError as error:
        raise bad_input(plain(str(error))) from None
    return incident.reference


def _score(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 5:
        raise bad_input("Pick a likelihood and a severity from 1 to 5.")
    return int(text)


def _required(text: str, problem: str) -> str:
    if not text.strip():
        raise bad_input(problem)
    if len(text) > 2000:
        raise bad_input("Please keep it under 2,000 characters.")
    return text


async def change_incident(request: web.Request) -> web.Response:
    _require_ig(request)
    dashboard, staff_id, fields = request.app[DASHBOARD], viewer(request).staff_id, form(request)
    reference = request.match_info["reference"]
    done = await dashboard.run(lambda session, now: change(session, dashboard, staff_id, reference, fields, now))
    task = {"triage": "triaged", "regrade": "regraded"}.get(fields.get("task", ""), fields.get("task", ""))
    raise web.HTTPSeeOther(f"/admin/incidents/{done}?done={task}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/incidents", register_page)
    app.router.add_get("/incidents/{reference}", detail_page)
    app.router.add_post("/incidents/{reference}", change_incident)
