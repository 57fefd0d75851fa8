"""`igbot incident list|show|export` for the IG team, and `igbot audit verify`.

A bad reference or a broken audit chain is one sentence on standard error and exit code 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.core.clock import Clock
from bot.core.database import configured_session
from bot.core.errors import CommandError
from bot.core.neutralise import for_csv
from bot.core.profile import Profile
from storage import audit, directory, incidents
from storage.incidents import Incident, IncidentNote, IncidentStatus
from workflows.incidents import notices
from workflows.incidents import register as lifecycle
from workflows.incidents.kinds import kind_of

_BOLD = re.compile(r"\*([^*\n]+)\*")
_CSV_COLUMNS = (
    "reference", "status", "kind", "reported_via", "reported_at", "happened_at", "discovered_at", "deadline",
    "data_kind", "vulnerable", "people_affected_from", "people_affected", "contained", "suggested_likelihood", "suggested_severity",
    "suggested_outcome", "likelihood", "severity", "outcome", "triaged_at", "notified_at", "ico_reference",
    "not_reportable_reason", "closed_at", "lessons_learnt", "description", "containment", "told", "grade_reason",
    "notes",
)


def register(subparsers: Any) -> None:
    incident = subparsers.add_parser("incident", help="the incident register")
    actions = incident.add_subparsers(dest="incident_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="incidents, oldest first")
    listing.add_argument("--json", action="store_true", help="one JSON array, for other tools")
    listing.add_argument("--status", choices=[status.value for status in IncidentStatus])
    listing.set_defaults(handler=_list)
    show = actions.add_parser("show", help="everything recorded about one incident")
    show.add_argument("reference", metavar="REF", help="e.g. IG-2026-0042")
    show.set_defaults(handler=_show)
    export = actions.add_parser("export", help="the whole register, e.g. for DSPT evidence")
    export.add_argument("--csv", action="store_true", help="as CSV (the default, and so far the only format)")
    export.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(handler=_export)

    audit_parser = subparsers.add_parser("audit", help="the tamper-evident audit log")
    audit_actions = audit_parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_actions.add_parser("verify", help="check that no event was altered or removed").set_defaults(handler=_verify)


def _list(arguments: argparse.Namespace) -> int:
    now = Clock().now()
    status = IncidentStatus(arguments.status) if arguments.status else None
    with configured_session() as (session, profile):
        found = incidents.get_all(session=session, status=status)
        if arguments.json:
            json.dump([_summary(incident, profile) for incident in found], sys.stdout, indent=2)
            sys.stdout.write("\n")
        elif not found:
            print("No incidents." if status is None else f"No incidents are {status.value.replace('_', ' ')}.")
        else:
            for incident in found:
                print(_plain(notices.list_line(incident, profile, now).removeprefix("- ")))
    return 0


def _show(arguments: argparse.Namespace) -> int:
    with configured_session() as (session, profile):
        try:
            incident = lifecycle.find(session=session, reference=arguments.reference)
        except CommandError as error:
            print(f"igbot: {error}", file=sys.stderr)
            return 1
        reporter = directory.get(session=session, staff_id=incident.reporter_id)
        notes = incidents.notes_of(session=session, incident=incident)
        print(_plain(notices.full_record(incident, profile=profile, now=Clock().now(), reporter=reporter, notes=notes)))
    return 0


def _export(arguments: argparse.Namespace) -> int:
    with configured_session() as (session, profile):
        rows = [_row(incident, profile, incidents.notes_of(session=session, incident=incident))
                for incident in incidents.get_all(session=session)]
    if arguments.output is None:
        _write_csv(sys.stdout, rows)
        return 0
    with arguments.output.open("w", encoding="utf-8", newline="") as output:
        _write_csv(output, rows)
    print(f"Exported {len(rows)} incidents to {arguments.output}.", file=sys.stderr)
    return 0


def _verify(arguments: argparse.Namespace) -> int:
    with configured_session() as (session, _):
        broken = audit.verify(session=session)
    if broken is None:
        print("The audit log is intact.")
        return 0
    print(f"igbot: the audit log is not intact: event {broken.event_id} — {broken.problem}.", file=sys.stderr)
    return 1


def _summary(incident: Incident, profile: Profile) -> dict[str, Any]:
    """The register's facts about an incident, without its free text."""
    return {
        "reference": incident.reference,
        "status": incident.status,
        "kind": incident.kind,
        "kind_label": kind_of(incident.kind).label,
        "reported_at": incident.reported_at.isoformat(),
        "happened_at": incident.happened_at.isoformat(),
        "discovered_at": incident.discovered_at.isoformat(),
        "deadline": notices.deadline_of(incident, profile).due_at.isoformat(),
        "data_kind": incident.data_kind,
        "vulnerable": incident.vulnerable,
        "people_affected": incident.people_affected,
        "suggested": {"likelihood": incident.suggested_likelihood, "severity": incident.suggested_severity,
                      "outcome": incident.suggested_outcome},
        "grade": None if incident.likelihood is None else {
            "likelihood": incident.likelihood, "severity": incident.severity, "outcome": incident.outcome},
        "notified_at": _iso(incident.notified_at),
        "closed_at": _iso(incident.closed_at),
    }


def _row(incident: Incident, profile: Profile, notes: Sequence[IncidentNote]) -> dict[str, str]:
    """One incident a row; notes added after the report, oldest first, each with when it was added."""
    values: dict[str, Any] = {column: getattr(incident, column, None) for column in _CSV_COLUMNS}
    values["deadline"] = notices.deadline_of(incident, profile).due_at
    values["notes"] = "\n".join(f"{note.at.isoformat()}: {note.text}" for note in notes)
    return {column: _cell(value) for column, value in values.items()}


def _cell(value: Any) -> str:
    """Text for a spreadsheet cell; a cell that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    return for_csv(text)


def _write_csv(output: TextIO, rows: list[dict[str, str]]) -> None:
    writer = csv.DictWriter(output, fieldnames=list(_CSV_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _plain(text: str) -> str:
    return _BOLD.sub(r"\1", text)
