"""`igbot nudge plan [--json] [--at DATETIME]` (what would be sent and why, sending nothing) and `igbot nudge status`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from typing import Any

from sqlmodel import Session, col, func, select

from bot.core.clock import Clock
from bot.core.profile import Profile, load_profile
from bot.core.settings import load_settings
from bot.core.working_time import WorkingCalendar
from storage import directory, nudges
from storage.engine import session_scope
from storage.outbox import OutboxMessage
from workflows.nudges.plan import Due, NudgePlan, plan
from workflows.nudges.send import what_is_due


def register(subparsers: Any) -> None:
    nudge = subparsers.add_parser("nudge", help="training and record nudges")
    actions = nudge.add_subparsers(dest="nudge_command", metavar="ACTION", required=True)
    planning = actions.add_parser("plan", help="what would be sent at a moment, and why, without sending")
    planning.add_argument("--json", action="store_true", help="one JSON object, for other tools")
    planning.add_argument("--at", metavar="DATETIME", help="e.g. 2026-11-23T10:00 (the organisation's time zone "
                                                           "unless an offset is given); default now")
    planning.set_defaults(handler=_plan)
    actions.add_parser("status", help="how many items are in each state").set_defaults(handler=_status)


def _moment(text: str | None, profile: Profile) -> dt.datetime | None:
    if text is None:
        return Clock().now()
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=profile.working_hours.zone)).astimezone(dt.UTC)


def _plan(arguments: argparse.Namespace) -> int:
    from bot.core.database import open_database

    settings = load_settings()
    profile = load_profile(settings.profile_path)
    at = _moment(arguments.at, profile)
    if at is None:
        print(f"igbot: --at {arguments.at!r} is not a date and time such as 2026-11-23T10:00.", file=sys.stderr)
        return 2
    engine = open_database(settings)
    with session_scope(engine) as session:
        planned = plan(session=session, profile=profile, calendar=WorkingCalendar(profile), now=at)
        described = describe(session, planned, profile)
        session.rollback()  # planning writes nothing
    print(json.dumps(described, indent=2) if arguments.json else "\n".join(_lines(described)))
    return 0


def describe(session: Session, planned: NudgePlan, profile: Profile) -> dict[str, Any]:
    """The plan as plain data: who would be told what and why, and how many items wait and why."""
    zone = profile.working_hours.zone
    emails = _emails(session, [n.staff_id for n in planned.nudges] + [e.staff_id for e in planned.escalations])
    return {
        "at": planned.at.astimezone(zone).isoformat(),
        "working_time": planned.working_time,
        "nudges": [{"staff_id": nudge.staff_id, "email": emails.get(nudge.staff_id), "items": _items(nudge.due, nudge.reasons)}
                   for nudge in planned.nudges],
        "managers_told": [{"staff_id": escalation.staff_id, "email": emails.get(escalation.staff_id),
                           "manager_id": escalation.manager_id, "nudges_sent": escalation.nudges_sent,
                           "about": what_is_due(escalation.due)} for escalation in planned.escalations],
        "held": dict(sorted(planned.held.items())),
    }


def _items(due: Due, reasons: dict[str, str]) -> list[dict[str, str]]:
    items = []
    if due.training is not None:
        valid_until = due.training.valid_until.isoformat() if due.training.valid_until else None
        items.append({"item": nudges.TRAINING, "state": due.training.state.value, "valid_until": valid_until or "",
                      "why": reasons[nudges.TRAINING]})
    for late in due.records:
        item = nudges.record_item(late.record_id)
        items.append({"item": item, "state": "late", "due_at": late.due_at.isoformat(), "why": reasons[item]})
    return items


def _emails(session: Session, staff_ids: list[int]) -> dict[int, str]:
    found = {}
    for staff_id in staff_ids:
        member = directory.get(session=session, staff_id=staff_id)
        if member is not None:
            found[staff_id] = member.email
    return found


def _lines(described: dict[str, Any]) -> list[str]:
    lines = [f"At {described['at']}: {len(described['nudges'])} nudge(s), "
             f"{len(described['managers_told'])} manager note(s)."]
    if not described["working_time"]:
        lines.append("That is outside working time: nothing is sent then.")
    for nudge in described["nudges"]:
        lines.append(f"- {nudge['email']}: " + "; ".join(f"{item['item']} ({item['state']}, {item['why']})"
                                                         for item in nudge["items"]))
    for told in described["managers_told"]:
        lines.append(f"- manager of {told['email']} told after {told['nudges_sent']} nudges: {told['about']}")
    for reason, count in described["held"].items():
        lines.append(f"  {count} item(s) wait: {reason}")
    return lines


def _status(arguments: argparse.Namespace) -> int:
    from bot.core.database import open_database

    settings = load_settings()
    engine = open_database(settings)
    with session_scope(engine) as session:
        states = nudges.counts(session=session)
        delivered: Counter[str] = Counter(dict(session.exec(
            select(OutboxMessage.status, func.count()).where(
                col(OutboxMessage.dedup_key).startswith("nudge")).group_by(col(OutboxMessage.status))).all()))
    for name, count in states.items():
        print(f"{name}: {count:,}")
    for status in ("pending", "sent", "failed"):
        print(f"messages {status}: {delivered.get(status, 0):,}")
    return 0
