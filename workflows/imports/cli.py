"""`igbot staff|training|records import FILE` and `igbot demo generate`.

Every row is checked before anything is written; each problem is one line naming the line
number, the column and the reason, and nothing is imported while any row is bad unless
`--skip-invalid` is given. A bad file or argument is one sentence on standard error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.errors import CommandError
from bot.core.profile import Profile, load_profile
from bot.core.settings import load_settings
from storage.engine import session_scope
from workflows.imports import demo, records, staff, training
from workflows.imports.outcome import ImportOutcome


@dataclass(frozen=True)
class Moment:
    profile: Profile
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.profile.working_hours.zone).date()


Check = Callable[[Path, Session, Moment], tuple[ImportOutcome, set[int]]]
Write = Callable[[Path, Session, ImportOutcome, set[int], Moment], None]

IMPORTERS: dict[str, tuple[Check, Write, str]] = {
    "staff": (lambda path, session, at: staff.check(path, session=session),
              lambda path, session, outcome, bad, at: staff.write(path, session=session, outcome=outcome,
                                                                  bad_lines=bad, today=at.today),
              "people from HR's export (employee_id, name, email, team, manager_email, roles, ...)"),
    "training": (lambda path, session, at: training.check(path, session=session, today=at.today),
                 lambda path, session, outcome, bad, at: training.write(path, session=session, outcome=outcome,
                                                                        bad_lines=bad, today=at.today, now=at.now),
                 "course completions (employee_id or email, course, completed_on)"),
    "records": (lambda path, session, at: records.check(path, session=session, zone=at.profile.working_hours.zone,
                                                        now=at.now),
                lambda path, session, outcome, bad, at: records.write(path, session=session, outcome=outcome,
                                                                      bad_lines=bad,
                                                                      zone=at.profile.working_hours.zone, now=at.now),
                "contact records (record_id, worker_email, contact_time, write_up_time)"),
}


def register(subparsers: Any) -> None:
    for kind, (_, _, what) in IMPORTERS.items():
        parser = subparsers.add_parser(kind, help=f"import {kind} from a CSV file")
        actions = parser.add_subparsers(dest=f"{kind}_command", metavar="ACTION", required=True)
        load = actions.add_parser("import", help=f"import {what}")
        load.add_argument("path", type=Path, metavar="FILE")
        load.add_argument("--skip-invalid", action="store_true", help="import the good rows even if some are bad")
        load.set_defaults(handler=lambda arguments, kind=kind: _run(arguments, kind))
    demo_parser = subparsers.add_parser("demo", help="a synthetic organisation to try igbot with")
    demo_actions = demo_parser.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    generate = demo_actions.add_parser("generate", help="invent staff, training and records")
    generate.add_argument("--staff", type=int, required=True, metavar="N", help="how many people")
    generate.add_argument("--csv", type=Path, metavar="DIR", help="write staff.csv, training.csv and records.csv "
                                                                    "to DIR instead of importing them")
    generate.add_argument("--seed", type=int, default=1, help="the same seed invents the same organisation")
    generate.set_defaults(handler=_generate)


def _run(arguments: argparse.Namespace, kind: str) -> int:
    try:
        return _import(kind, arguments.path, skip_invalid=arguments.skip_invalid)
    except CommandError as error:
        print(f"igbot: {error}", file=sys.stderr)
        return 2


def _import(kind: str, path: Path, *, skip_invalid: bool, engine: Engine | None = None,
            at: Moment | None = None) -> int:
    from bot.core.database import open_database

    settings = load_settings()
    at = at or Moment(load_profile(settings.profile_path), Clock().now())
    engine = engine or open_database(settings)
    check, write, _ = IMPORTERS[kind]
    with session_scope(engine) as session:
        outcome, bad_lines = check(path, session, at)
    for line in outcome.problem_lines():
        print(line)
    if bad_lines and not skip_invalid:
        print(outcome.summary())
        return 1
    with session_scope(engine) as session:
        write(path, session, outcome, bad_lines, at)
    print(outcome.summary())
    return 0


def _generate(arguments: argparse.Namespace) -> int:
    if not 1 <= arguments.staff <= 1_000_000:
        print("igbot: --staff must be between 1 and 1,000,000.", file=sys.stderr)
        return 2
    settings = load_settings()
    at = Moment(load_profile(settings.profile_path), Clock().now())
    if arguments.csv is not None:
        written = demo.write_csvs(arguments.csv, staff=arguments.staff, seed=arguments.seed, profile=at.profile,
                                  now=at.now)
        print(f"Wrote {', '.join(str(path) for path in written)}.")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        paths = demo.write_csvs(Path(folder), staff=arguments.staff, seed=arguments.seed, profile=at.profile,
                                now=at.now)
        for kind, path in zip(("staff", "training", "records"), paths):
            if _import(kind, path, skip_invalid=False, at=at) != 0:
                return 1
    return 0
