"""`igbot retention run [--dry-run]`: apply the profile's retention periods now, or say what that would delete."""

from __future__ import annotations

import argparse
from typing import Any

from bot.core.clock import Clock
from bot.core.profile import Profile, load_profile
from bot.core.settings import load_settings
from storage.retention import Kind
from workflows.retention.apply import WHAT, apply, preview


def register(subparsers: Any) -> None:
    retention = subparsers.add_parser("retention", help="delete what is kept longer than the profile's periods")
    actions = retention.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="delete now what the nightly job would delete (counted in the audit log)")
    run.add_argument("--dry-run", action="store_true", help="say what would be deleted, and delete nothing")
    run.set_defaults(handler=_run)


def _run(arguments: argparse.Namespace) -> int:
    from bot.core.database import open_database

    settings = load_settings()
    profile = load_profile(settings.profile_path)
    engine = open_database(settings)
    now = Clock().now()
    try:
        counts = preview(engine, profile, now) if arguments.dry_run else apply(engine, profile, now)
    finally:
        engine.dispose()
    print("\n".join(describe(counts, profile, dry_run=arguments.dry_run)))
    return 0


def describe(counts: dict[Kind, int], profile: Profile, *, dry_run: bool) -> list[str]:
    retention = profile.retention
    periods = {Kind.CONVERSATION_STATE: f"untouched for over {retention.conversation_state}",
               Kind.MESSAGE_LOG: f"older than {retention.message_log}",
               Kind.KNOWLEDGE_GAPS: f"older than {retention.knowledge_gaps}, none still waiting for an answer",
               Kind.INCIDENTS: f"closed over {retention.incidents} ago ({retention.reported_incidents} if reported "
                               "to the ICO); open incidents are never deleted",
               Kind.DECISIONS: f"older than {retention.decisions}"}
    verb = "would be deleted" if dry_run else "deleted"
    lines = [f"- {counts[kind]} {WHAT[kind]} {verb}: {periods[kind]}" for kind in Kind]
    total = sum(counts.values())
    if dry_run:
        lines.append(f"Nothing was deleted (--dry-run); {total} record(s) are past their retention.")
    else:
        lines.append(f"{total} record(s) deleted; the counts are in the audit log. The audit log itself is kept.")
    return lines
