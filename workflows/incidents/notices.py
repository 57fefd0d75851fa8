"""How an incident reads: the IG team's notices and reminders (never any free text or names in them),
the full record for the reporter and the IG team, and one line per incident for lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.inbox import InboxItem, raised_by
from bot.core.profile import Profile
from storage import directory, incidents
from storage.incidents import Incident, IncidentNote, IncidentStatus
from storage.models import StaffMember
from workflows.incidents import wording
from workflows.incidents.answers import describe_people
from workflows.incidents.deadline import ReportingDeadline, short_local_time
from workflows.incidents.grading import Grade, Outcome, describe, involves_vulnerable
from workflows.incidents.kinds import kind_of
from workflows.incidents.questions import BY_NAME, labelled


def deadline_of(incident: Incident, profile: Profile) -> ReportingDeadline:
    return ReportingDeadline.from_awareness(incident.discovered_at, hours=profile.incident_grading.deadline_hours)


def outcome_text(outcome: str) -> str:
    return wording.OUTCOMES.get(outcome, outcome)


def status_text(incident: Incident) -> str:
    return wording.STATUSES.get(incident.status, incident.status)


def _option_label(question: str, code: str, profile: Profile) -> str:
    option = labelled(BY_NAME[question], profile).option(code)
    return option.label if option else code


def _people(incident: Incident) -> str:
    if incident.people_affected is None:
        return "not known"
    return f"about {describe_people(incident.people_affected, incident.people_affected_from)}"


def _grade_line(incident: Incident, profile: Profile) -> str:
    grading = profile.incident_grading
    suggested = Grade(incident.suggested_likelihood, incident.suggested_severity)
    line = f"Suggested grade: {describe(suggested, grading)}: {outcome_text(incident.suggested_outcome)}"
    if incident.likelihood is not None and incident.severity is not None and incident.outcome is not None:
        confirmed = Grade(incident.likelihood, incident.severity)
        line += f"\n- Confirmed grade: {describe(confirmed, grading)}: {outcome_text(incident.outcome)}"
    return line


def _facts_lines(incident: Incident, profile: Profile, now: dt.datetime) -> list[str]:
    """What the IG team may see in a shared channel: categories and counts, no free text, no names."""
    information = _option_label("data_kind", incident.data_kind, profile).split(" (")[0]
    if involves_vulnerable(incident.vulnerable):
        information += f"; involves {_option_label('vulnerable', incident.vulnerable, profile).lower()}"
    lines = [
        f"- Kind: {kind_of(incident.kind).label}",
        f"- Information: {information}; people affected: {_people(incident)}",
        f"- Back under control: {_option_label('contained', incident.contained, profile)}",
        f"- {_grade_line(incident, profile)}",
    ]
    if incident.is_open:
        lines.append(f"- ICO deadline: {deadline_of(incident, profile).describe(now, profile.working_hours.zone)}")
    return lines


def new_report(incident: Incident, profile: Profile, now: dt.datetime) -> Reply:
    return Reply(
        title=wording.NEW_REPORT_TITLE.format(reference=incident.reference),
        text="\n".join(_facts_lines(incident, profile, now)),
        choices=(Choice(wording.TRIAGE, f"incident:triage:{incident.reference}", ChoiceStyle.PRIMARY),),
    )


def reminder(incident: Incident, profile: Profile, *, hours: int, now: dt.datetime) -> Reply:
    deadline = deadline_of(incident, profile).describe(now, profile.working_hours.zone)
    return Reply(
        title=wording.REMINDER_TITLE.format(reference=incident.reference, hours=hours),
        text=wording.REMINDER.format(reference=incident.reference, hours=hours, status=status_text(incident),
                                     deadline=deadline),
        choices=(Choice(wording.TRIAGE, f"incident:triage:{incident.reference}", ChoiceStyle.PRIMARY),),
    )


def note_added(incident: Incident) -> Reply:
    return Reply(
        text=wording.NOTE_ADDED.format(reference=incident.reference),
        choices=(Choice(wording.SHOW, f"incident:show:{incident.reference}"),),
    )


def full_record(incident: Incident, *, profile: Profile, now: dt.datetime, reporter: StaffMember | None,
                notes: Sequence[IncidentNote]) -> str:
    """Everything in the register about one incident, for the reporter or the IG team."""
    zone = profile.working_hours.zone
    lines = [f"*{incident.reference}*: {status_text(incident)}"]
    if reporter is not None:
        lines.append(f"- Reported by {reporter.name} ({reporter.team}) on {short_local_time(incident.reported_at, zone)}")
    lines.append(f"- Happened {short_local_time(incident.happened_at, zone)}; "
                 f"discovered {short_local_time(incident.discovered_at, zone)}")
    lines += _facts_lines(incident, profile, now)
    lines += _decision_lines(incident, zone)
    sections = [
        ("What happened", incident.description),
        ("Done to contain it", incident.containment),
        ("Who has been told", incident.told),
        ("Grade reason", incident.grade_reason),
        ("Why not reportable", incident.not_reportable_reason),
        ("Lessons learnt", incident.lessons_learnt),
    ]
    text = "\n".join(lines)
    for heading, body in sections:
        if body:
            text += f"\n\n*{heading}*\n{body}"
    if notes:
        added = "\n".join(f"- {short_local_time(note.at, zone)}: {note.text}" for note in notes)
        text += f"\n\n*Added later*\n{added}"
    return text


def _decision_lines(incident: Incident, zone: ZoneInfo) -> list[str]:
    lines = []
    if incident.notified_at is not None:
        reference = f" (ICO reference {incident.ico_reference})" if incident.ico_reference else ""
        lines.append(f"- Notified to the ICO on {short_local_time(incident.notified_at, zone)}{reference}")
    if incident.closed_at is not None:
        lines.append(f"- Closed on {short_local_time(incident.closed_at, zone)}")
    return lines


def ig_choices(incident: Incident) -> tuple[Choice, ...]:
    """The next steps the IG team can take on an incident, as buttons."""
    reference = incident.reference
    status = IncidentStatus(incident.status)
    if status is IncidentStatus.CLOSED:
        return ()
    choices = []
    if status is IncidentStatus.REPORTED:
        choices.append(Choice(wording.CONFIRM_GRADE, f"incident:confirm:{reference}", ChoiceStyle.PRIMARY))
    if incident.is_open:
        choices.append(Choice(wording.CHANGE_GRADE, f"incident:regrade:{reference}"))
    if status is IncidentStatus.TRIAGED:
        choices.append(Choice(wording.MARK_NOTIFIED, f"incident:notified:{reference}"))
        choices.append(Choice(wording.MARK_NOT_REPORTABLE, f"incident:not_reportable:{reference}"))
    if status in (IncidentStatus.NOTIFIED, IncidentStatus.NOT_REPORTABLE):
        choices.append(Choice(wording.CLOSE, f"incident:close:{reference}"))
    return tuple(choices)


def list_line(incident: Incident, profile: Profile, now: dt.datetime) -> str:
    kind = kind_of(incident.kind).label
    line = f"- *{incident.reference}* {kind}: {status_text(incident)}, {outcome_text(incident.current_outcome)}"
    if incident.is_open:
        line += f"; {deadline_of(incident, profile).describe_left(now)}"
    return line



# Reports this close to the 72-hour deadline (or past it) stand in the IG team's inbox even once triaged.
DEADLINE_NEAR = dt.timedelta(hours=24)


def inbox_items(session: Session, profile: Profile, now: dt.datetime) -> list[InboxItem]:
    """New reports waiting for triage, and reportable ones near or past their 72-hour deadline."""
    items = []
    for incident in incidents.get_open(session=session):
        deadline = deadline_of(incident, profile)
        waiting_triage = incident.status == IncidentStatus.REPORTED.value
        near = Outcome(incident.current_outcome).is_reportable and deadline.time_left(now) <= DEADLINE_NEAR
        if not (waiting_triage or near):
            continue
        reporter = directory.get(session=session, staff_id=incident.reporter_id)
        items.append(InboxItem(
            kind="New report" if waiting_triage else "Deadline", reference=incident.reference,
            raised_by=raised_by(reporter), at=incident.reported_at, state=status_text(incident),
            summary=f"{kind_of(incident.kind).label}, {outcome_text(incident.current_outcome)}; "
                    f"72-hour clock: {deadline.describe_left(now)}",
            choices=(Choice(f"Triage {incident.reference}", f"incident:triage:{incident.reference}"),),
        ))
    return items
