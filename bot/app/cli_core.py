"""Sub-commands of the foundation: chat, profile check, db upgrade, directory import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.app.assembly import build_assistant
from bot.terminal.console import ConsoleChat, run
from bot.core.clock import Clock
from bot.core.errors import ConfigurationError
from bot.core.profile import load_profile, review_warnings
from bot.core.settings import configure_logging, load_settings
from storage import directory, migrate
from storage.engine import check_connection, create_database_engine, session_scope
from storage.seed import import_directory

DEFAULT_PERSON = "sam.okafor@example.org"


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

    people = subparsers.add_parser("directory", help="the staff directory")
    people_commands = people.add_subparsers(dest="directory_command", metavar="ACTION", required=True)
    load = people_commands.add_parser("import", help="add people from a YAML file")
    load.add_argument("path", type=Path)
    load.set_defaults(handler=_directory_import)


def _chat(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings, to_file=True)
    assistant = build_assistant(settings)
    email = arguments.person or DEFAULT_PERSON
    with session_scope(assistant.engine) as session:
        person = directory.get_by_email(session=session, email=email)
        if person is None or person.id is None:
            raise ConfigurationError(f"No one with the email {email} is in the staff directory.")
        staff_id = person.id
    interactive = sys.stdin.isatty()
    chat = ConsoleChat(conversation=assistant.conversation, staff_id=staff_id, styled=sys.stdout.isatty())
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


def _db_upgrade(arguments: argparse.Namespace) -> int:
    engine = create_database_engine(load_settings().database_url)
    check_connection(engine)
    migrate.upgrade(engine)
    print("The database schema is up to date.")
    return 0


def _directory_import(arguments: argparse.Namespace) -> int:
    from bot.core.database import open_database

    engine = open_database(load_settings())
    with session_scope(engine) as session:
        added = import_directory(session=session, path=arguments.path)
    print(f"Added {added} people to the staff directory.")
    return 0
