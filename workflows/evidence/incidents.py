"""Incidents reported in the period, their grading, the reporting decisions and the lessons learnt (DSPT 6.1.x).

Each incident is shown as it stood at the end of the as-of date: a decision or a closure recorded
later is left out, with its text. Free text (reasons, lessons) is shown as stored, which is after
identifiers were redacted from it; the description of what happened is not part of the evidence.
Grades are the current ones: every regrading, with its reason, is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.core.profile import Profile
from storage.incidents import Incident
from workflows.evidence.model import Figure, Period, Section, Table
from workflows.evidence.people import STREAM_BATCH
from workflows.incidents.grading import Outcome
from workflows.incidents.kinds import kind_of
from workflows.incidents.notices import deadline_of, outcome_text

NOTIFIED = "notified to the ICO"
NOT_REPORTABLE = "recorded as not reportable"
UNDECIDED = "awaiting a decision"
COLUMNS = ("reference", "kind", "reported_at", "aware_at", "likelihood", "severity", "grade_outcome", "decision",
           "decided_at", "within_72_hours", "ico_reference", "reason_not_reported", "closed_at", "lessons_learnt")
HEADINGS = ("Reference", "Kind", "Reported", "Became aware", "Likelihood", "Severity", "Grade says", "Decision",
            "Decided", "Within the deadline", "ICO reference", "Reason not reported", "Closed", "Lessons learnt")


def incidents_in(*, session: Session, profile: Profile, period: Period) -> Section:
    statement = (select(Incident).where(col(Incident.reported_at) >= period.start, col(Incident.reported_at) < period.end)
                 .order_by(col(Incident.reported_at), col(Incident.id)))
    counts = _count(session, statement, profile, period)
    during = period.describe()
    hours = profile.incident_grading.deadline_hours
    figures = [
        Figure("Incidents reported", f"{counts['reported']:,}", "incidents reported to igbot in the period, "
               "near misses included", during),
        Figure("Graded reportable", f"{counts['reportable']:,}",
               "incidents whose grade (the IG team's, or the suggested one before triage) says report to the ICO",
               during),
        Figure("Notified to the ICO", f"{counts['notified']:,}", "incidents marked notified by the end of the "
               "as-of date", during),
        Figure(f"Notified within {hours} hours", f"{counts['in_time']:,} of {counts['notified']:,}",
               f"notified no later than {hours} hours after the organisation became aware", during),
        Figure("Recorded as not reportable", f"{counts['not_reportable']:,}",
               "incidents decided not reportable, each with its reason (UK GDPR Art. 33(5))", during),
        Figure("Awaiting a decision", f"{counts['undecided']:,}", "incidents with no reporting decision by the end "
               "of the as-of date", during),
        Figure("Closed with lessons learnt", f"{counts['closed']:,}", "incidents closed, with their lessons learnt, "
               "by the end of the as-of date", during),
    ]
    return Section(
        key="incidents", title="Incidents, their grading, reporting decisions and lessons learnt",
        evidence=("6.1.1", "6.1.2", "6.1.3"),
        summary=("The incident register for the period, with each incident's grade on the NHS notification guide's "
                 "grid, the reporting decision and the lessons learnt, as they stood at the end of the as-of date."),
        figures=figures,
        table=Table(caption=f"Incidents reported from {during}, oldest first", columns=COLUMNS, headings=HEADINGS,
                    rows=_rows(session, statement, profile, period)),
        notes=[] if counts["reported"] else [f"No incidents were reported from {during}."],
    )


def _count(session: Session, statement: SelectOfScalar[Incident], profile: Profile, period: Period) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in _rows(session, statement, profile, period):
        counts["reported"] += 1
        counts["reportable"] += row[6] != outcome_text(Outcome.NOT_REPORTABLE.value)
        counts["notified"] += row[7] == NOTIFIED
        counts["in_time"] += row[9] == "yes"
        counts["not_reportable"] += row[7] == NOT_REPORTABLE
        counts["undecided"] += row[7] == UNDECIDED
        counts["closed"] += bool(row[12])
    return counts


def _rows(session: Session, statement: SelectOfScalar[Incident], profile: Profile, period: Period) -> Iterator[tuple[object, ...]]:
    for incident in session.exec(statement.execution_options(yield_per=STREAM_BATCH)):
        yield _row(incident, profile, period.end)


def _row(incident: Incident, profile: Profile, end: dt.datetime) -> tuple[object, ...]:
    decided = incident.decided_at is not None and incident.decided_at < end
    notified = decided and incident.notified_at is not None
    closed = incident.closed_at is not None and incident.closed_at < end
    decision = (NOTIFIED if notified else NOT_REPORTABLE) if decided else UNDECIDED
    in_time = ""
    if notified:
        assert incident.notified_at is not None
        in_time = "yes" if incident.notified_at <= deadline_of(incident, profile).due_at else "no"
    return (
        incident.reference, kind_of(incident.kind).label, _moment(incident.reported_at), _moment(incident.discovered_at),
        incident.current_likelihood, incident.current_severity, outcome_text(incident.current_outcome), decision,
        _moment(incident.decided_at) if decided else "", in_time, incident.ico_reference if notified else "",
        incident.not_reportable_reason if decided and not notified else "",
        _moment(incident.closed_at) if closed else "", incident.lessons_learnt if closed else "",
    )


def _moment(value: dt.datetime | None) -> str:
    return "" if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
