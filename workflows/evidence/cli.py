"""`igbot report dspt --out DIR [--as-of DATE] --as EMAIL`: the DSPT evidence pack, for the IG roles only.

The person running it names themselves with --as; anyone not in an IG role (IG officer, DPO,
Caldicott Guardian, SIRO) is refused in one sentence, before anything is read or written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.core.clock import Clock
from bot.core.profile import load_profile
from bot.core.settings import load_settings
from storage import directory
from storage.engine import session_scope
from workflows.evidence.model import day
from workflows.evidence.pack import write_pack

SECTIONS = 7
REFUSED = ("Only the IG team (the IG officer, the DPO, the Caldicott Guardian or the SIRO) can make the DSPT "
           "evidence pack.")


def register(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="reports for the IG team")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    dspt = kinds.add_parser("dspt", help="the DSPT evidence pack: a printable page and one CSV file per section")
    dspt.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder to write the pack into")
    dspt.add_argument("--as-of", metavar="YYYY-MM-DD",
                      help="the day the evidence is as of (default: today where the organisation is)")
    dspt.add_argument("--as", dest="person", required=True, metavar="EMAIL",
                      help="who is making the pack: someone in an IG role")
    dspt.set_defaults(handler=_dspt)


def _dspt(arguments: argparse.Namespace) -> int:
    from bot.core.database import open_database

    settings = load_settings()
    profile = load_profile(settings.profile_path)
    now = Clock().now()
    today = now.astimezone(profile.working_hours.zone).date()
    as_of, problem = _as_of(arguments.as_of, today)
    if problem:
        print(f"igbot: {problem}", file=sys.stderr)
        return 2
    engine = open_database(settings)
    try:
        with session_scope(engine) as session:
            member = directory.get_by_email(session=session, email=arguments.person)
            allowed = member is not None and member.active and member.is_ig
            actor_id = member.id if member is not None else None
        if member is None or not member.active:
            print(f"igbot: no one with the email {arguments.person} is in the staff directory.", file=sys.stderr)
            return 1
        if not allowed:
            print(f"igbot: {REFUSED}", file=sys.stderr)
            return 1
        with _progress() as progress:
            task = progress.add_task("Reading", total=SECTIONS)
            done: list[str] = []

            def step(label: str) -> None:
                progress.update(task, description=label, completed=len(done))
                done.append(label)

            folder = write_pack(engine=engine, profile=profile, out=arguments.out, as_of=as_of, now=now,
                                actor_id=actor_id, progress=step)
            progress.update(task, completed=SECTIONS)
    finally:
        engine.dispose()
    print(f"Wrote the DSPT evidence pack as of {day(as_of)} to {folder}: open index.html there to read or print it.")
    return 0


def _as_of(text: str | None, today: dt.date) -> tuple[dt.date, str | None]:
    if text is None:
        return today, None
    try:
        as_of = dt.date.fromisoformat(text.strip())
    except ValueError:
        return today, f"--as-of {text!r} is not a date such as 2026-06-30."
    if as_of > today:
        return today, f"--as-of {as_of.isoformat()} is after today: the pack can only show what has happened."
    return as_of, None


def _progress() -> Progress:
    """A bar of the sections on standard error, in a terminal only: standard output keeps the one line that says
    where the pack is."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), disable=not sys.stderr.isatty(), transient=True)
