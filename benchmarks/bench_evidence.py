"""The DSPT evidence pack for a large organisation: wall time and peak memory of `write_pack`.

    uv run python benchmarks/bench_evidence.py --staff 100000 --database postgresql+psycopg://postgres@127.0.0.1:5432/test

Fills a fresh database (a schema of its own in the given PostgreSQL database, or SQLite in a
temporary folder) with the synthetic organisation of `igbot demo generate` (workflows/imports/demo.py:
teams of ten, yearly training histories, about 3% leavers), imported with `igbot staff|training import`'s
own code, plus invented incidents, audit events and broadcasts to everyone; then writes the pack in a fresh process and
reports its wall time, the process's peak resident memory, and the pack's files. `--keep` leaves the
filled schema for another run with `--schema NAME`. Invented data only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_nudges import ROOT, drop, fresh_database, peak_mb  # noqa: E402  # after the path is set

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
INCIDENTS = 2_000
AUDIT_EVENTS = 5_000
BROADCASTS = 4  # each to everyone, asking for acknowledgement; nine in ten acknowledge


def fill(url: str, staff: int, folder: Path) -> None:
    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE
    from storage import migrate
    from storage.engine import create_database_engine
    from workflows.imports import demo
    from workflows.imports.cli import Moment, _import

    profile = load_profile(EXAMPLE_PROFILE)
    engine = create_database_engine(url)
    migrate.upgrade(engine)
    people, courses, _ = demo.write_csvs(folder, staff=staff, seed=1, profile=profile, now=NOW)
    # --skip-invalid: the generator gives a few leavers a start date after their leaving date, which the import
    # rightly refuses; those few people (and their training) are left out.
    for kind, path in (("staff", people), ("training", courses)):
        said = io.StringIO()
        with contextlib.redirect_stdout(said):
            code = _import(kind, path, skip_invalid=True, engine=engine, at=Moment(profile, NOW))
        if code != 0:
            raise SystemExit(f"the {kind} import failed:\n{said.getvalue()[-2000:]}")
    _incidents_and_audit(engine, staff)
    _broadcasts(engine)
    engine.dispose()


def _broadcasts(engine: Engine) -> None:
    from sqlmodel import select

    from storage.broadcasts import Broadcast, BroadcastRecipient, BroadcastStatus
    from storage.engine import session_scope
    from storage.models import StaffMember

    with session_scope(engine) as session:
        ids = [staff_id for staff_id in session.exec(select(StaffMember.id)) if staff_id is not None]
        for number in range(1, BROADCASTS + 1):
            sent = NOW - dt.timedelta(days=60 * number)
            broadcast = Broadcast(title=f"Lesson {number}", body="Invented", audience={"kind": "everyone"},
                                  ack_by=(sent + dt.timedelta(days=7)).date(), send_at=sent, created_by=2,
                                  created_at=sent, status=BroadcastStatus.SENT, sent_at=sent)
            session.add(broadcast)
            session.flush()
            for start in range(0, len(ids), 10_000):
                session.execute(insert(BroadcastRecipient), [
                    {"broadcast_id": broadcast.id, "staff_id": n, "team": f"Team {(n - 1) // 10}", "channel": "slack",
                     "queued_at": sent, "reminders_sent": 0, "acknowledged_on": "slack" if n % 10 else None,
                     "acknowledged_at": sent + dt.timedelta(hours=n % 300) if n % 10 else None}
                    for n in ids[start:start + 10_000]])


def _incidents_and_audit(engine: Engine, staff: int) -> None:
    """Incidents over the last 18 months, half decided and a third closed with lessons; audit events for each."""
    from storage import audit
    from storage.engine import session_scope
    from storage.incidents import Incident

    rows = []
    for number in range(1, INCIDENTS + 1):
        at = NOW - dt.timedelta(hours=number * 6)
        decided = number % 2 == 0
        rows.append({"reference": f"IG-{at.year}-{number:05d}", "status": "closed" if number % 3 == 0 else
                     "not_reportable" if decided else "reported", "reporter_id": 1 + number % staff,
                     "reported_via": "slack", "kind": "misdirected_email", "happened_at": at, "discovered_at": at,
                     "data_kind": "special", "vulnerable": "none", "people_affected": 1, "contained": "yes",
                     "containment": "", "told": "", "description": "Invented", "suggested_likelihood": 3,
                     "suggested_severity": 2, "suggested_outcome": "ico", "grade_reason": "", "ico_reference": "",
                     "not_reportable_reason": "Invented reason" if decided else "",
                     "lessons_learnt": "Invented lessons" if number % 3 == 0 else "", "reported_at": at,
                     "decided_at": at + dt.timedelta(hours=20) if decided else None,
                     "closed_at": at + dt.timedelta(days=10) if number % 3 == 0 else None, "updated_at": at})
    with session_scope(engine) as session:
        session.execute(insert(Incident), rows)
        for number in range(AUDIT_EVENTS):
            audit.record(session=session, action="incident.triaged", actor_id=2, now=NOW, subject=f"IG-{number}",
                         details={"reference": f"IG-{number}"})


def measure(url: str) -> dict[str, object]:
    """In this (fresh) process: write the pack, as the IG officer of the demo organisation (staff id 2)."""
    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE
    from storage.engine import create_database_engine
    from workflows.evidence import write_pack

    profile = load_profile(EXAMPLE_PROFILE)
    engine = create_database_engine(url)
    before = peak_mb()
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        folder = write_pack(engine=engine, profile=profile, out=Path(out), as_of=NOW.date(), now=NOW, actor_id=2)
        seconds = time.perf_counter() - started
        files = {path.name: path.stat().st_size for path in sorted(folder.iterdir())}
    return {"seconds": round(seconds, 1), "peak_mb": round(peak_mb()), "start_mb": round(before),
            "files_kb": {name: round(size / 1024) for name, size in files.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite in a temporary folder)")
    parser.add_argument("--schema", help="measure an already filled schema of --database (from --keep)")
    parser.add_argument("--keep", action="store_true", help="do not drop the filled schema")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--fill", nargs=2, metavar=("URL", "FOLDER"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(measure(arguments.child)))
        return
    if arguments.fill:
        fill(arguments.fill[0], arguments.staff, Path(arguments.fill[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        if arguments.schema:
            url, schema = f"{arguments.database}?options=-csearch_path%3D{arguments.schema}", None
        else:
            url, schema = fresh_database(arguments.database, Path(folder))
            started = time.perf_counter()
            # In a process of its own: a process's peak memory survives exec, so the measuring process must
            # not be started from one that has just imported 100,000 people.
            subprocess.run([sys.executable, __file__, "--staff", str(arguments.staff), "--fill", url, folder],
                           cwd=ROOT, check=True)
            print(f"filled {arguments.staff:,} staff in {time.perf_counter() - started:.0f} s"
                  + (f" (schema {schema})" if schema else ""))
        try:
            finished = subprocess.run([sys.executable, __file__, "--child", url], capture_output=True, text=True,
                                      cwd=ROOT, check=True)
            print(finished.stdout.strip().splitlines()[-1])
        finally:
            if not arguments.keep:
                drop(arguments.database, schema)


if __name__ == "__main__":
    main()
