"""`igbot broadcast send|list|edit|cancel|status|report`: broadcasts from the command line.

Every command says who is running it with `--as EMAIL`, as `igbot chat` does: sending, listing,
changing and cancelling are for the IG team; `status` and `report` also for a manager, who sees
their own reporting line. A refusal or a bad input is one sentence on standard error and a
non-zero exit; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.core.chat import Reply
from bot.core.clock import Clock
from bot.core.errors import CommandError
from bot.core.profile import Profile, load_profile
from bot.core.settings import load_settings
from storage import broadcasts, directory
from storage.engine import session_scope
from storage.models import StaffMember
from workflows.broadcasts import audience, compose, render, report, wording
from workflows.broadcasts.compose import Draft, people

_HEADING = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$")
_BOLD = re.compile(r"\*([^*\n]+)\*")
IG_ONLY = "only the IG team can send, list, change or cancel broadcasts."


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("broadcast", help="lessons-learnt broadcasts")
    actions = parser.add_subparsers(dest="broadcast_command", metavar="ACTION", required=True)
    sending = actions.add_parser("send", help="send (or schedule) a broadcast; --dry-run shows it without sending")
    _operator(sending)
    source = sending.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", type=Path, metavar="FILE", help="the Markdown body; a first '# Title' line is its title")
    source.add_argument("--body", metavar="TEXT", help="the Markdown body, given inline")
    sending.add_argument("--title", help="the title (default: the file's first '# ' heading)")
    sending.add_argument("--audience", required=True, help="everyone, team:NAME, role:ROLE, line:EMAIL or emails:A,B")
    _acknowledgement(sending)
    sending.add_argument("--at", metavar="DATETIME", help="when to send, e.g. 2026-11-24T09:30 (default: now)")
    sending.add_argument("--incident", metavar="REF", help="the closed incident whose lessons these are")
    sending.add_argument("--dry-run", action="store_true", help="show the message and the audience; send nothing")
    sending.set_defaults(handler=_send)
    listing = actions.add_parser("list", help="every broadcast, newest first")
    _operator(listing)
    listing.add_argument("--json", action="store_true", help="one JSON array, for other tools")
    listing.set_defaults(handler=_list)
    editing = actions.add_parser("edit", help="change a scheduled broadcast before it goes")
    editing.add_argument("broadcast_id", type=int, metavar="ID")
    _operator(editing)
    editing.add_argument("--title")
    editing.add_argument("--file", type=Path, metavar="FILE", help="a new Markdown body")
    editing.add_argument("--audience")
    _acknowledgement(editing, required=False)
    editing.add_argument("--at", metavar="DATETIME")
    editing.set_defaults(handler=_edit)
    cancelling = actions.add_parser("cancel", help="stop a scheduled broadcast before it goes")
    cancelling.add_argument("broadcast_id", type=int, metavar="ID")
    _operator(cancelling)
    cancelling.set_defaults(handler=_cancel)
    status = actions.add_parser("status", help="who has read it: overall, by team, and who is outstanding")
    status.add_argument("broadcast_id", type=int, metavar="ID")
    _operator(status)
    status.set_defaults(handler=_status)
    reporting = actions.add_parser("report", help="every recipient and their acknowledgement, dated, as CSV")
    reporting.add_argument("broadcast_id", type=int, metavar="ID")
    _operator(reporting)
    reporting.add_argument("--csv", action="store_true", help="as CSV (the default, and so far the only format)")
    reporting.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    reporting.set_defaults(handler=_report)


def _operator(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="operator", required=True, metavar="EMAIL", help="who is running this command")


def _acknowledgement(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--ack-by", metavar="DATE", help="the date by which people should press I've read this")
    group.add_argument("--no-ack", action="store_true", help="no acknowledgement is asked for")


@contextmanager
def _database() -> Iterator[tuple[Session, Profile]]:
    from bot.core.database import open_database

    settings = load_settings()
    profile = load_profile(settings.profile_path)
    engine = open_database(settings)
    try:
        with session_scope(engine) as session:
            yield session, profile
    finally:
        engine.dispose()


def _run(arguments: argparse.Namespace, work: Any, *, ig_only: bool = True) -> int:
    """Run `work(session, profile, operator, now)` as the operator; a refusal or bad input is one sentence."""
    now = Clock().now()
    try:
        with _database() as (session, profile):
            operator = directory.get_by_email(session=session, email=arguments.operator)
            if operator is None or not operator.active:
                raise CommandError(f"no one with the email {arguments.operator} is in the staff directory.")
            if ig_only and not operator.is_ig:
                raise CommandError(IG_ONLY)
            return int(work(session, profile, operator, now))
    except CommandError as error:
        message = str(error)
        print(f"igbot: {message[:1].lower() + message[1:]}", file=sys.stderr)
        return 1


def _read_body(path: Path) -> tuple[str | None, str]:
    """The file's text, and its title when the first line is a '# ' heading (taken out of the body)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text.") from None
    lines = text.strip().splitlines()
    heading = _HEADING.match(lines[0]) if lines else None
    if heading is None:
        return None, text
    return heading.group(1), "\n".join(lines[1:])


def _send(arguments: argparse.Namespace) -> int:
    def work(session: Session, profile: Profile, operator: StaffMember, now: Any) -> int:
        today = now.astimezone(profile.working_hours.zone).date()
        title, body = _read_body(arguments.file) if arguments.file else (None, arguments.body)
        required, ack_by = (False, None) if arguments.no_ack else compose.parse_ack_by(arguments.ack_by, today=today)
        draft = Draft(title=arguments.title or title or "", body=body, audience=audience.parse(arguments.audience),
                      ack_required=required, ack_by=ack_by, incident_reference=arguments.incident,
                      send_at=compose.parse_send_at(arguments.at or "now", profile=profile, now=now))
        draft = compose.check(draft, session=session, profile=profile, today=today)
        shown, count = compose.preview(draft, session=session, profile=profile, now=now)
        unreachable = audience.resolve(session=session, audience=draft.audience, today=today).unreachable
        if arguments.dry_run:
            print(plain(shown[0]))
            print(f"\n{people(count)} would receive it; {people(unreachable)} can't be reached on Slack or Teams. "
                  "Nothing was sent (--dry-run).")
            session.rollback()
            return 0
        broadcast = compose.create(draft, session=session, sender=operator, now=now)
        if draft.send_at is None:
            print(wording.SENDING_NOW.format(broadcast_id=broadcast.id, count=people(count)).replace("`", ""))
        else:
            print(wording.SCHEDULED.format(broadcast_id=broadcast.id, count=people(count),
                                           when=render.moment(broadcast.send_at, profile)).replace("`", ""))
        return 0

    return _run(arguments, work)


def plain(reply: Reply, *, buttons: bool = True) -> str:
    """A reply as plain terminal text: its title, text without markup, notes and buttons in brackets."""
    lines = [reply.title or "", "=" * len(reply.title or ""), _BOLD.sub(r"\1", reply.text).replace("`", "")]
    lines += list(reply.notes)
    lines += [" ".join(f"[{choice.label}]" for choice in reply.choices)] if reply.choices and buttons else []
    return "\n".join(line for line in lines if line)


def _list(arguments: argparse.Namespace) -> int:
    def work(session: Session, profile: Profile, operator: StaffMember, now: Any) -> int:
        found = broadcasts.get_all(session=session)
        if arguments.json:
            print(json.dumps([{"id": b.id, "title": b.title, "status": b.status.value, "send_at": b.send_at.isoformat(),
                               "audience": audience.written(b.audience),
                               "ack_by": b.ack_by.isoformat() if b.ack_by else None} for b in found], indent=2))
            return 0
        if not found:
            print(wording.LIST_EMPTY)
        for b in found:
            print(f"{b.id}  {b.status.value:<9}  {render.moment(b.send_at, profile)}  {audience.written(b.audience)}"
                  f"  {b.title}")
        return 0

    return _run(arguments, work)


def _edit(arguments: argparse.Namespace) -> int:
    def work(session: Session, profile: Profile, operator: StaffMember, now: Any) -> int:
        today = now.astimezone(profile.working_hours.zone).date()
        changes: dict[str, Any] = {}
        if arguments.file:
            title, changes["body"] = _read_body(arguments.file)
            if title and not arguments.title:
                changes["title"] = title
        if arguments.title:
            changes["title"] = arguments.title
        if arguments.audience:
            changes["audience"] = audience.parse(arguments.audience)
        if arguments.no_ack:
            changes.update(ack_required=False, ack_by=None)
        elif arguments.ack_by:
            changes.update(zip(("ack_required", "ack_by"), compose.parse_ack_by(arguments.ack_by, today=today)))
        if arguments.at:
            changes["send_at"] = compose.parse_send_at(arguments.at, profile=profile, now=now)
        if not changes:
            raise CommandError("say what to change: --title, --file, --audience, --ack-by, --no-ack or --at.")
        compose.edit(arguments.broadcast_id, changes, session=session, profile=profile, editor=operator, now=now)
        print(wording.EDITED.format(broadcast_id=arguments.broadcast_id, what=", ".join(sorted(changes))))
        return 0

    return _run(arguments, work)


def _cancel(arguments: argparse.Namespace) -> int:
    def work(session: Session, profile: Profile, operator: StaffMember, now: Any) -> int:
        compose.cancel(arguments.broadcast_id, session=session, by=operator, now=now)
        print(wording.CANCELLED.format(broadcast_id=arguments.broadcast_id))
        return 0

    return _run(arguments, work)


def _found(session: Session, broadcast_id: int) -> broadcasts.Broadcast:
    broadcast = broadcasts.get(session=session, broadcast_id=broadcast_id)
    if broadcast is None:
        raise CommandError(wording.NO_SUCH_BROADCAST.format(broadcast_id=broadcast_id))
    return broadcast


def _status(arguments: argparse.Namespace) -> int:
    def work(session: Session, profile: Profile, operator: StaffMember, now: Any) -> int:
        among = report.scope_for(session=session, viewer=operator)
        shown = report.status(_found(session, arguments.broadcast_id), session=session, profile=profile, among=among)
        print(plain(shown, buttons=False))
        return 0

    return _run(arguments, work, ig_only=False)


def _report(arguments: argparse.Namespace) -> int:
    def work(session: Session, profile: Profile, operator: StaffMember, now: Any) -> int:
        among = report.scope_for(session=session, viewer=operator)
        broadcast = _found(session, arguments.broadcast_id)
        today = now.astimezone(profile.working_hours.zone).date()
        if arguments.output is None:
            report.write_csv(broadcast, session=session, among=among, out=sys.stdout, today=today)
            return 0
        with arguments.output.open("w", encoding="utf-8", newline="") as out:
            rows = report.write_csv(broadcast, session=session, among=among, out=out, today=today)
        print(f"Wrote {rows:,} rows to {arguments.output}.", file=sys.stderr)
        return 0

    return _run(arguments, work, ig_only=False)
