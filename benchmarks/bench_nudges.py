"""Nudge planning and the CSV imports at the size of a large organisation: wall time and peak memory.

    uv run python benchmarks/bench_nudges.py plan --staff 10000 [--database postgresql+psycopg://...]
    uv run python benchmarks/bench_nudges.py import --staff 100000 [--training-per-person 10] [--database ...]

`plan` fills a fresh database (SQLite in a temporary folder, or a schema of its own in the given
PostgreSQL database) with N staff in teams of ten, about five training completions and five
contact records each, then plans the day's nudges, and queues them, in a fresh process, reporting
each step's wall time and the process's peak resident memory. `import` writes staff.csv and a
training.csv of N x 10 rows and imports them with `igbot staff|training import`'s own code, each
in a fresh process. Invented data only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from scratch import drop, fresh_database, in_child, peak_mb

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def fill(url: str, staff: int) -> None:
    """N staff, ~5 completions and ~5 contact records each, written with bulk inserts."""
    from storage import migrate
    from storage.engine import create_database_engine
    from storage.models import StaffMember
    from storage.records import ContactRecord
    from storage.training import TrainingRecord

    engine = create_database_engine(url)
    migrate.upgrade(engine)
    chance = random.Random(1)
    today = NOW.date()
    with engine.begin() as connection:
        for start in range(1, staff + 1, 10_000):
            numbers = range(start, min(staff, start + 9_999) + 1)
            connection.execute(insert(StaffMember), [
                {"id": n, "email": f"person.{n}@example.org", "name": f"Person {n}", "job_title": "",
                 "team": f"Team {(n - 1) // 10}", "manager_id": None if n == 1 else ((n - 1) // 10) * 10 + 1
                 if (n - 1) % 10 else 1, "roles": ["staff"], "slack_user_id": f"U{n:09d}" if n % 5 else None,
                 "teams_user_id": None, "active": True} for n in numbers])
            training, records = [], []
            for n in numbers:
                latest = today - dt.timedelta(days=chance.randint(0, 420))
                training += [{"staff_id": n, "course": "Keeping Information Safe", "recorded_at": NOW,
                              "completed_on": latest - dt.timedelta(days=365 * year)} for year in range(5)]
                for index in range(5):
                    contacted = NOW - dt.timedelta(hours=chance.randint(1, 30 * 24))
                    records.append({"record_id": f"CR-{n}-{index}", "worker_id": n, "contacted_at": contacted,
                                    "written_up_at": None if chance.random() < 0.1 else contacted,
                                    "imported_at": NOW})
            connection.execute(insert(TrainingRecord), training)
            connection.execute(insert(ContactRecord), records)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT setval('staff_member_id_seq', (SELECT max(id) FROM staff_member))"))
            connection.execute(text("ANALYZE"))
    engine.dispose()


def measure_plan(url: str) -> dict[str, float]:
    """In this (fresh) process: plan, then send (queue) the day's nudges."""
    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE
    from bot.core.working_time import WorkingCalendar
    from storage.engine import create_database_engine, session_scope
    from workflows.nudges.plan import plan
    from workflows.nudges.send import send_nudges

    profile = load_profile(EXAMPLE_PROFILE)
    calendar = WorkingCalendar(profile)
    engine = create_database_engine(url)
    before = peak_mb()
    started = time.perf_counter()
    with session_scope(engine) as session:
        planned = plan(session=session, profile=profile, calendar=calendar, now=NOW)
        session.rollback()
    planned_in = time.perf_counter() - started
    after_plan = peak_mb()
    started = time.perf_counter()
    with session_scope(engine) as session:
        run = send_nudges(session=session, profile=profile, calendar=calendar, now=NOW)
    return {"plan_seconds": round(planned_in, 2), "plan_peak_mb": round(after_plan), "start_mb": round(before),
            "nudges": len(planned.nudges), "send_seconds": round(time.perf_counter() - started, 2),
            "send_peak_mb": round(peak_mb()), "queued": run.nudged}


def write_import_files(folder: Path, staff: int, per_person: int) -> tuple[Path, Path]:
    import csv

    people, courses = folder / "staff.csv", folder / "training.csv"
    with people.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("employee_id", "name", "email", "team", "manager_email", "roles", "slack_id", "start_date"))
        for n in range(1, staff + 1):
            lead = ((n - 1) // 10) * 10 + 1
            manager = "" if n == 1 else f"person.{lead if lead != n else 1}@example.org"
            writer.writerow((f"E{n:07d}", f"Person {n}", f"person.{n}@example.org", f"Team {(n - 1) // 10}",
                             manager, "staff", f"U{n:09d}", "01/04/2020"))
    with courses.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("employee_id", "course", "completed_on"))
        for n in range(1, staff + 1):
            for year in range(per_person):
                day = NOW.date() - dt.timedelta(days=(n % 300) + 365 * year)
                writer.writerow((f"E{n:07d}", "Keeping Information Safe", day.strftime("%d/%m/%Y")))
    return people, courses


def measure_import(url: str, kind: str, path: Path) -> dict[str, float]:
    import contextlib
    import io

    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE
    from storage.engine import create_database_engine
    from workflows.imports.cli import Moment, _import

    engine = create_database_engine(url)
    started = time.perf_counter()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = _import(kind, path, skip_invalid=False, engine=engine, at=Moment(load_profile(EXAMPLE_PROFILE), NOW))
    return {"seconds": round(time.perf_counter() - started, 1), "peak_mb": round(peak_mb()), "exit": code,
            "summary": output.getvalue().strip().splitlines()[-1]}  # type: ignore[dict-item]  # a report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["plan", "import", "_child"])
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--training-per-person", type=int, default=10)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite in a temporary folder)")
    arguments = parser.parse_args()
    if arguments.what == "_child":
        kind, url, *path = arguments.rest
        print(json.dumps(measure_plan(url) if kind == "plan" else measure_import(url, kind, Path(path[0]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        url, schema = fresh_database(arguments.database, Path(folder))
        try:
            started = time.perf_counter()
            if arguments.what == "plan":
                fill(url, arguments.staff)
                print(f"filled {arguments.staff:,} staff in {time.perf_counter() - started:.0f} s")
                print(json.dumps(in_child(__file__, "plan", url)))
            else:
                from storage import migrate
                from storage.engine import create_database_engine

                migrate.upgrade(create_database_engine(url))
                people, courses = write_import_files(Path(folder), arguments.staff, arguments.training_per_person)
                print(f"wrote the files in {time.perf_counter() - started:.0f} s")
                print("staff", json.dumps(in_child(__file__, "staff", url, str(people))))
                print("training", json.dumps(in_child(__file__, "training", url, str(courses))))
        finally:
            drop(arguments.database, schema)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
