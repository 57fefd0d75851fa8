"""The audit log's verification result: whether any recorded event was altered or removed (storage/audit.py)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from storage import audit
from workflows.evidence.model import Figure, Section, Table, yes_no

VERIFIED = ("every event's hash was recomputed and checked against the next event's, and the chain's end against "
            "its anchor (`igbot audit verify` does the same)")


def audit_log(*, session: Session, now: dt.datetime) -> Section:
    broken = audit.verify(session=session)
    end = audit.checkpoint(session=session)
    checked = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    when = f"the whole log, checked at {checked}"
    figures = [
        Figure("Intact", yes_no(broken is None), VERIFIED, when),
        Figure("Events recorded", f"{end.count:,}", "events in the audit log when it was checked, by its anchor", when),
    ]
    if broken is not None:
        figures.append(Figure("First problem", f"event {broken.event_id}: {broken.problem}",
                              "the first event altered, or after which events were removed", when))
    return Section(
        key="audit-log", title="The audit log's verification", evidence=(),
        summary=("igbot keeps a tamper-evident audit log of incident decisions, recorded decisions and evidence packs. "
                 + ("It was verified intact." if broken is None else "It is NOT intact: see the first problem below.")),
        figures=figures,
        table=Table(caption=f"The audit log's verification, checked at {checked}",
                    columns=("checked_at", "intact", "events", "last_event_id", "head_hash", "first_problem_event",
                             "problem"),
                    headings=("Checked", "Intact", "Events", "Last event", "Last event's hash", "First problem event",
                              "Problem"),
                    rows=[(checked, yes_no(broken is None), end.count, end.last_event_id or "", end.head_hash,
                           broken.event_id if broken else "", broken.problem if broken else "")]),
    )
