"""Sub-commands of the foundation: chat, profile check, db upgrade, directory import."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.app.assembly import build_assistant
from bot.core.chat import Reply
from bot.terminal.console import ConsoleChat, render, run
from bot.core import inbox, wording
from bot.core.clock import Clock
from bot.core.database import DEMO_DIRECTORY
from bot.core.reach import ig_team_unreachable
from bot.core.errors import ConfigurationError
from bot.core.neutralise import unwrapped
from bot.core.profile import load_profile, review_warnings
from bot.core.settings import configure_logging, load_settings
from storage import directory, migrate
from storage.engine import check_connection, create_database_engine, session_scope
from storage.seed import import_directory

DEFAULT_PERSON = "sam.okafor@example.org"
EMPTY_DIRECTORY = (
    "No one is in the staff directory yet: load your staff with `igbot directory import staff.yaml`, "
    "or the invented demo staff with `igbot directory import {demo}`."
)


def register(subparsers: Any) -> None:
    chat = subparsers.add_parser("chat", help="chat with igbot in the terminal")
    chat.add_argument("--as", dest="person", metavar="EMAIL", help="chat as this member of staff")
    chat.set_defaults(handler=_chat)

    profile = subparsers.add_parser("profile", help="the organisation profile")
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    check = profile_commands.add_parser("check", help="validate a profile and warn about overdue reviews")
    check.add_argument("path", nargs="?", type=Path, help="profile file (default: IGBOT_PROFILE or the example)")
    check.set_defaults(handler=_profile_check)

    db = subparsers.add_parser("db", help="the database")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply schema migrations").set_defaults(handler=_db_upgrade)
    save = db_commands.add_parser("backup", help="copy the embedded SQLite database to FILE while igbot runs, checked")
    save.add_argument("file", type=Path)
    save.set_defaults(handler=_db_backup)
    put_back = db_commands.add_parser("restore", help="replace the embedded SQLite database with a checked backup")
    put_back.add_argument("file", type=Path)
    put_back.set_defaults(handler=_db_restore)

    people = subparsers.add_parser("directory", help="the staff directory")
    people_commands = people.add_subparsers(dest="directory_command", metavar="ACTION", required=True)
    load = people_commands.add_parser("import", help="add people from a YAML file")
    load.add_argument("path", type=Path)
    load.set_defaults(handler=_directory_import)

    inbox = subparsers.add_parser("inbox", help="everything waiting for the IG team")
    inbox.add_argument("--json", action="store_true", help="one JSON object a line")
    inbox.set_defaults(handler=_inbox)


def _chat(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings, to_file=True)
    assistant = build_assistant(settings)
    email = arguments.person or DEFAULT_PERSON
    with session_scope(assistant.engine) as session:
        if directory.count(session=session) == 0:
            raise ConfigurationError(EMPTY_DIRECTORY.format(demo=DEMO_DIRECTORY))
        person = directory.get_by_email(session=session, email=email)
        if person is None or person.id is None:
            raise ConfigurationError(f"No one with the email {email} is in the staff directory: "
                                     "choose someone who is with --as EMAIL.")
        staff_id = person.id
    unreachable = ig_team_unreachable(settings, assistant.engine)
    if unreachable:
        print(f"igbot: {unreachable}", file=sys.stderr)
    interactive = sys.stdin.isatty()
    chat = ConsoleChat(conversation=assistant.conversation, staff_id=staff_id, output=unwrapped(sys.stdout),
                       styled=sys.stdout.isatty())
    run(chat, sys.stdin, interactive=interactive)
    return 0


def _profile_check(arguments: argparse.Namespace) -> int:
    path = arguments.path or load_settings().profile_path
    profile = load_profile(path)
    print(f"{path}: valid profile for {profile.organisation.name}.")
    today = Clock().today(profile.working_hours.zone)
    for warning in [*profile.deprecations(), *review_warnings(profile, today=today)]:
        print(f"warning: {warning}")
    return 0


def _db_backup(arguments: argparse.Namespace) -> int:
    from storage import backup

    database = backup.sqlite_path(load_settings().database_url)
    events = backup.backup(database=database, destination=arguments.file)
    print(f"Backed up {database} to {arguments.file}: checked, {events} audit events.")
    return 0


def _db_restore(arguments: argparse.Namespace) -> int:
    from alembic.script import ScriptDirectory

    from storage import backup

    settings = load_settings()
    database = backup.sqlite_path(settings.database_url)
    script = ScriptDirectory.from_config(migrate.alembic_config(create_database_engine(settings.database_url)))
    known = {revision.revision for revision in script.walk_revisions()}
    events = backup.restore(source=arguments.file, database=database, known_revisions=known)
    print(f"Restored {database} from {arguments.file}: checked, {events} audit events. Run `igbot audit verify`, "
          "and `igbot db upgrade` if igbot is newer than the backup.")
    return 0


def _db_upgrade(arguments: argparse.Namespace) -> int:
    engine = create_database_engine(load_settings().database_url)
    check_connection(engine)
    pending = sorted(migrate.pending(engine))
    migrate.upgrade(engine)
    if pending:
        print(f"Applied {len(pending)} migration(s): {', '.join(pending)}. The database schema is up to date.")
    else:
        print("Nothing to apply: the database schema was already up to date.")
    return 0


def _inbox(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    assistant = build_assistant(settings)
    conversation = assistant.conversation
    zone = assistant.profile.working_hours.zone
    with session_scope(assistant.engine) as session:
        items = conversation.inbox(session, assistant.clock.now())
    if arguments.json:
        for item in items:
            print(json.dumps({"kind": item.kind, "reference": item.reference, "raised_by": item.raised_by,
                              "at": item.at.isoformat(), "state": item.state, "summary": item.summary}))
    elif not items:
        print(wording.INBOX_EMPTY)
    else:
        lines = "\n".join(f"- {inbox.line(item, zone)}" for item in items)
        print(render(Reply(title=wording.INBOX_TITLE, text=lines), styled=sys.stdout.isatty()))
    return 0


def _directory_import(arguments: argparse.Namespace) -> int:
    from bot.core.database import open_database

    engine = open_database(load_settings())
    with session_scope(engine) as session:
        added = import_directory(session=session, path=arguments.path)
    print(f"Added {added} people to the staff directory.")
    return 0
