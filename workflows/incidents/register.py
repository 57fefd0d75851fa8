"""The incident register's lifecycle: reported -> triaged -> notified or not reportable -> closed.

Only IG roles (IG officer, DPO, Caldicott Guardian, SIRO) can triage, change or close an
incident; the reporter and the IG team can add information. Every change is recorded in the
tamper-evident audit log, with references and grades only, never free text. Reasons and
lessons are free text, so they are stored redacted.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.core import wording as bot_wording
from bot.core.errors import CommandError
from bot.core.profile import Profile
from bot.core import outbox
from storage import audit, incidents
from storage.incidents import Incident, IncidentNote, IncidentStatus
from storage.models import StaffMember
from workflows.incidents import notices, wording
from workflows.incidents.answers import InvalidAnswer, clean_text
from workflows.incidents.grading import Grade, involves_vulnerable, outcome_for, with_vulnerable_minimum
from workflows.incidents.kinds import kind_of

class NotAllowed(CommandError):
    """The person does not hold a role that may do this."""


def require_ig(actor: StaffMember) -> None:
    if not actor.is_ig:
        raise NotAllowed(bot_wording.NOT_ALLOWED.format(roles=bot_wording.IG_TEAM))


def can_view(actor: StaffMember, incident: Incident) -> bool:
    return actor.is_ig or actor.id == incident.reporter_id


def find(*, session: Session, reference: str) -> Incident:
    """The incident with this reference, or a CommandError that says what a reference looks like."""
    normalised = incidents.normalise_reference(reference)
    if normalised is None:
        raise CommandError(wording.NOT_A_REFERENCE.format(text=reference.strip() or "That"))
    incident = incidents.get_by_reference(session=session, reference=normalised)
    if incident is None:
        raise CommandError(wording.NO_SUCH_INCIDENT.format(reference=normalised))
    return incident


def confirm_grade(*, session: Session, actor: StaffMember, incident: Incident, profile: Profile,
                  now: dt.datetime) -> Incident:
    """Triage: the IG officer accepts the suggested grade."""
    require_ig(actor)
    if incident.status != IncidentStatus.REPORTED:
        raise CommandError(wording.ALREADY_DECIDED.format(reference=incident.reference,
                                                          status=notices.status_text(incident)))
    suggested = Grade(incident.suggested_likelihood, incident.suggested_severity)
    _set_grade(session, actor, incident, suggested, reason="", profile=profile, now=now)
    return incident


def regrade(*, session: Session, actor: StaffMember, incident: Incident, grade: Grade, reason: str,
            profile: Profile, now: dt.datetime) -> Incident:
    """Triage with a different grade, or change the grade later; the reason is required."""
    check(task="regrade", actor=actor, incident=incident)
    for score in (grade.likelihood, grade.severity):
        if not 1 <= score <= 5:
            raise CommandError(wording.PICK_GRADE)
    if involves_vulnerable(incident.vulnerable):
        near_miss = kind_of(incident.kind).is_near_miss
        if with_vulnerable_minimum(grade, profile.incident_grading, near_miss=near_miss) != grade:
            raise CommandError(wording.BELOW_VULNERABLE_MINIMUM.format(
                reference=incident.reference, minimum=profile.incident_grading.vulnerable_minimum))
    cleaned = _clean(reason, now)
    previous = Grade(incident.current_likelihood, incident.current_severity)
    _set_grade(session, actor, incident, grade, reason=cleaned, profile=profile, now=now)
    audit.record(session=session, now=now, action="incident.regraded", actor_id=actor.id, subject=incident.reference,
                 details={"reference": incident.reference, "likelihood": grade.likelihood,
                          "severity": grade.severity, "outcome": incident.outcome,
                          "previous_likelihood": previous.likelihood, "previous_severity": previous.severity})
    return incident


def _set_grade(session: Session, actor: StaffMember, incident: Incident, grade: Grade, *, reason: str,
               profile: Profile, now: dt.datetime) -> None:
    incident.likelihood = grade.likelihood
    incident.severity = grade.severity
    incident.outcome = outcome_for(grade, profile.incident_grading).value
    incident.grade_reason = reason
    incident.graded_by_id = actor.id
    if incident.status == IncidentStatus.REPORTED:
        incident.status = IncidentStatus.TRIAGED.value
        incident.triaged_at = now
        audit.record(session=session, now=now, action="incident.triaged", actor_id=actor.id, subject=incident.reference,
                     details={"reference": incident.reference, "likelihood": grade.likelihood,
                              "severity": grade.severity, "outcome": incident.outcome})
    incidents.update(session=session, incident=incident, now=now)


def mark_notified(*, session: Session, actor: StaffMember, incident: Incident, now: dt.datetime,
                  ico_reference: str = "") -> Incident:
    """The ICO (and DHSC where needed) has been told: the clock stops."""
    check(task="notified", actor=actor, incident=incident)
    incident.status = IncidentStatus.NOTIFIED.value
    incident.notified_at = now
    incident.decided_at = now
    incident.ico_reference = _clean(ico_reference, now)[:100] if ico_reference.strip() else ""
    incidents.update(session=session, incident=incident, now=now)
    audit.record(session=session, now=now, action="incident.notified", actor_id=actor.id, subject=incident.reference,
                 details={"reference": incident.reference, "outcome": incident.current_outcome})
    return incident


def mark_not_reportable(*, session: Session, actor: StaffMember, incident: Incident, reason: str,
                        now: dt.datetime) -> Incident:
    """Not reported to the ICO: the reason is recorded, as Art. 33(5) requires."""
    check(task="not_reportable", actor=actor, incident=incident)
    incident.not_reportable_reason = _clean(reason, now)
    incident.status = IncidentStatus.NOT_REPORTABLE.value
    incident.decided_at = now
    incidents.update(session=session, incident=incident, now=now)
    audit.record(session=session, now=now, action="incident.not_reportable", actor_id=actor.id, subject=incident.reference,
                 details={"reference": incident.reference, "outcome": incident.current_outcome})
    return incident


def close(*, session: Session, actor: StaffMember, incident: Incident, lessons: str, now: dt.datetime) -> Incident:
    """Closed with the lessons learnt, once it is notified or recorded as not reportable."""
    check(task="close", actor=actor, incident=incident)
    incident.lessons_learnt = _clean(lessons, now)
    incident.status = IncidentStatus.CLOSED.value
    incident.closed_at = now
    incidents.update(session=session, incident=incident, now=now)
    audit.record(session=session, now=now, action="incident.closed", actor_id=actor.id, subject=incident.reference,
                 details={"reference": incident.reference})
    return incident


def add_information(*, session: Session, actor: StaffMember, incident: Incident, text: str,
                    now: dt.datetime) -> IncidentNote:
    """The reporter or the IG team adds to a report; the IG team is told (without the text)."""
    assert actor.id is not None, "a stored staff member always has an id"
    check(task="add", actor=actor, incident=incident)
    note = incidents.add_note(session=session, incident=incident, author_id=actor.id, text=_clean(text, now), now=now)
    audit.record(session=session, now=now, action="incident.information_added", actor_id=actor.id,
                 subject=incident.reference, details={"reference": incident.reference, "note_id": note.id})
    outbox.queue(session=session, now=now, dedup_key=f"incident-note:{note.id}", to_ig_team=True,
                   replies=[notices.note_added(incident)])
    return note


def check(*, task: str, actor: StaffMember, incident: Incident) -> None:
    """Refuse, with the reason, a change this person cannot make to this incident now.

    Called before igbot asks for a reason or lessons learnt, so nobody types them in vain.
    """
    reference = incident.reference
    if task == "add":
        if not can_view(actor, incident):
            raise NotAllowed(wording.NOT_YOURS.format(reference=reference))
    else:
        require_ig(actor)
    status = IncidentStatus(incident.status)
    if status is IncidentStatus.CLOSED:
        raise CommandError(wording.ALREADY_CLOSED.format(reference=reference))
    if task == "regrade" and not incident.is_open:  # the ICO decision rests on the grade it was made on
        raise CommandError(wording.GRADE_ALREADY_DECIDED.format(reference=reference,
                                                                status=notices.status_text(incident)))
    if task in ("notified", "not_reportable") and status is IncidentStatus.REPORTED:
        raise CommandError(wording.NEEDS_TRIAGE.format(reference=reference))
    already = (task == "notified" and status is IncidentStatus.NOTIFIED) or (
        task == "not_reportable" and status is not IncidentStatus.TRIAGED)
    if already:
        raise CommandError(wording.ALREADY_DECIDED.format(reference=reference, status=notices.status_text(incident)))
    if task == "close" and status not in (IncidentStatus.NOTIFIED, IncidentStatus.NOT_REPORTABLE):
        raise CommandError(wording.CANNOT_CLOSE_YET.format(reference=reference))


def _clean(text: str, now: dt.datetime) -> str:
    try:  # the day only tells a birth date from a recent date: the time zone makes no difference to that
        return clean_text(text, today=now.date()).text
    except InvalidAnswer as problem:
        raise CommandError(str(problem)) from None
