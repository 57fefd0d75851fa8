"""Storing a finished report, and what the reporter is told once it is safely stored.

The report, its audit events and the IG team's notice are written in one transaction; the
conversation core commits it before any reply leaves, so nobody is told "received" about a
report that was not stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from bot.core.chat import Choice, Reply
from bot.core.profile import Profile
from bot.core import outbox
from storage import audit, incidents
from storage.incidents import Incident
from storage.models import StaffMember
from workflows.incidents import notices, wording
from workflows.incidents.answers import fewest_people, most_people
from workflows.incidents.grading import Contained, DataKind, GradingFacts, Vulnerable, outcome_for, suggest
from workflows.incidents.kinds import kind_of


def facts_of(answers: dict[str, Any]) -> GradingFacts:
    return GradingFacts(
        kind=kind_of(answers["kind"]),
        contained=Contained(answers["contained"]),
        data_kind=DataKind(answers["data_kind"]),
        vulnerable=Vulnerable(answers["vulnerable"]),
        people_affected=most_people(answers["people_affected"]),
    )


def store(*, session: Session, reporter: StaffMember, answers: dict[str, Any], channel: str, profile: Profile,
          now: dt.datetime) -> Incident:
    """Store a complete, checked set of answers as a new incident, with its audit trail and the IG team's notice."""
    assert reporter.id is not None, "a stored staff member always has an id"
    grading = profile.incident_grading
    grade = suggest(facts_of(answers), grading)
    outcome = outcome_for(grade, grading)
    incident = Incident(
        reporter_id=reporter.id,
        reported_via=channel,
        kind=answers["kind"],
        happened_at=dt.datetime.fromisoformat(answers["happened_at"]),
        discovered_at=dt.datetime.fromisoformat(answers["discovered_at"]),
        data_kind=answers["data_kind"],
        vulnerable=answers["vulnerable"],
        people_affected=most_people(answers["people_affected"]),
        people_affected_from=fewest_people(answers["people_affected"]),
        contained=answers["contained"],
        containment=answers["containment"]["text"],
        told=answers["told"]["text"],
        description=answers["description"]["text"],
        suggested_likelihood=grade.likelihood,
        suggested_severity=grade.severity,
        suggested_outcome=outcome.value,
        reported_at=now,
        updated_at=now,
    )
    year = now.astimezone(profile.working_hours.zone).year
    incidents.create(session=session, incident=incident, year=year)
    reference = incident.reference
    audit.record(session=session, now=now, action="incident.reported", actor_id=reporter.id, subject=reference,
                 details={"reference": reference, "kind": incident.kind, "channel": channel})
    audit.record(session=session, now=now, action="incident.graded", actor_id=None, subject=reference,
                 details={"reference": reference, "likelihood": grade.likelihood, "severity": grade.severity,
                          "outcome": outcome.value, "suggested": True})
    outbox.queue(session=session, now=now, dedup_key=f"incident-reported:{reference}", to_ig_team=True,
                   replies=[notices.new_report(incident, profile, now)])
    return incident


def removed_identifiers(answers: dict[str, Any]) -> list[str]:
    """The kinds of identifier taken out of any free-text answer."""
    kinds: list[str] = []
    for value in answers.values():
        if isinstance(value, dict):
            kinds += [kind for kind in value.get("removed", []) if kind not in kinds]
    return kinds


def identifiers_note(kinds: list[str]) -> str:
    listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return wording.IDENTIFIERS_REMOVED.format(kinds=listed)


def received(incident: Incident, *, reporter: StaffMember, profile: Profile, now: dt.datetime,
             notes: tuple[str, ...] = ()) -> Reply:
    """The reply once the report is stored: its reference, what to do now, and what happens next."""
    reference = incident.reference
    deadline = notices.deadline_of(incident, profile)
    advice = [*kind_of(incident.kind).advice, wording.KEEP_EVIDENCE]
    if profile.organisation.log_in_incident_system_too:
        advice.append(wording.ALSO_LOG.format(incident_system=profile.organisation.incident_system, reference=reference))
    if deadline.is_overdue(now):
        next_steps = wording.NEXT_STEPS_OVERDUE
    else:
        next_steps = wording.NEXT_STEPS.format(deadline=deadline.describe(now, profile.working_hours.zone))
    text = "\n\n".join([
        wording.RECEIVED.format(first_name=reporter.name.split()[0], reference=reference),
        wording.DO_NOW + "\n" + "\n".join(f"- {line}" for line in advice),
        wording.NEXT_HEADING + "\n" + next_steps + " " + wording.ADD_LATER.format(reference=reference),
    ])
    return Reply(
        title=wording.RECEIVED_TITLE.format(reference=reference),
        text=text,
        notes=notes,
        choices=(Choice(wording.ADD_INFORMATION, f"incident:add:{reference}"),),
    )
