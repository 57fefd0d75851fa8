"""Every dashboard page for a synthetic organisation of 100,000 staff on PostgreSQL: render time, p50 and p95.

    uv run python benchmarks/bench_dashboard.py --staff 100000 \
        --database postgresql+psycopg://postgres@127.0.0.1:5432/test
    uv run python benchmarks/bench_dashboard.py --reuse bench_dash_xxxx ...   # skip the fill, use a kept schema

Fills a schema of its own with `igbot demo generate`'s organisation (workflows/imports/demo.py: teams of
ten under managers, directors, leavers, training histories, a month of contact records), imported with
the CSV importers' own code, plus 300 incidents (20 still open) and 2,000 declined questions. Then
serves igbot's web app on an ephemeral port, signs in as the IG officer and as a director (a manager
with 200 people below them), and requests each page in turn, measuring the time to the last byte.
Invented data only. `--keep` leaves the schema for the next run's `--reuse`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import re
import resource
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from aiohttp import ClientSession, CookieJar, web
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
KEY = secrets.token_urlsafe(48)
KEY_FIELD = re.compile(r'name="key" value="([^"]+)"')


def fill(url: str, staff: int) -> None:
    from bot.core.settings import EXAMPLE_PROFILE
    from bot.core.profile import load_profile
    from storage import migrate
    from storage.engine import create_database_engine
    from workflows.imports import demo
    from workflows.imports.cli import Moment, _import

    profile = load_profile(EXAMPLE_PROFILE)
    engine = create_database_engine(url)
    migrate.upgrade(engine)
    at = Moment(profile, NOW)
    with tempfile.TemporaryDirectory() as folder:
        for kind, path in zip(("staff", "training", "records"),
                              demo.write_csvs(Path(folder), staff=staff, seed=7, profile=profile, now=NOW)):
            started = time.perf_counter()
            # skip_invalid: the generator makes a few leavers whose leaving date precedes their start
            assert _import(kind, path, skip_invalid=True, engine=engine, at=at) == 0
            print(f"imported {kind} in {time.perf_counter() - started:.0f} s", flush=True)
    add_incidents_and_questions(engine, profile)


def add_broadcasts(url: str) -> None:
    """Three lessons learnt sent to everyone, about 60% acknowledged, written with bulk inserts (the fan-out
    itself is benchmarked with the broadcasts); tables made first when reusing a schema filled before them."""
    from sqlalchemy import insert, select
    from sqlmodel import SQLModel

    import storage.broadcasts  # noqa: F401  # its tables, for create_all
    from storage.broadcasts import Broadcast, BroadcastRecipient, BroadcastStatus
    from storage.engine import create_database_engine
    from storage.models import StaffMember

    engine = create_database_engine(url)
    SQLModel.metadata.create_all(engine)
    chance = random.Random(5)
    with engine.begin() as connection:
        if connection.execute(select(Broadcast.id).limit(1)).first() is not None:
            return
        people = connection.execute(select(StaffMember.id, StaffMember.team, StaffMember.slack_user_id)
                                    .where(StaffMember.active)).all()
        for number in range(3):
            sent = NOW - dt.timedelta(days=7 * (3 - number))
            broadcast_id = connection.execute(insert(Broadcast).values(
                title=f"Lessons learnt {number + 1}", body="Check the address before you press send.",
                audience={"kind": "everyone", "values": []}, ack_required=True,
                ack_by=(sent + dt.timedelta(days=14)).date(),
                send_at=sent, status=BroadcastStatus.SENT, created_by=2, created_at=sent, sent_at=sent,
            ).returning(Broadcast.id)).scalar_one()
            rows = [{"broadcast_id": broadcast_id, "staff_id": staff_id, "team": team,
                     "channel": "slack" if slack else "", "queued_at": sent,
                     "acknowledged_at": sent + dt.timedelta(hours=2) if chance.random() < 0.6 else None,
                     "acknowledged_on": "slack", "reminders_sent": 0} for staff_id, team, slack in people]
            for start in range(0, len(rows), 10_000):
                connection.execute(insert(BroadcastRecipient), rows[start:start + 10_000])


def add_incidents_and_questions(engine, profile) -> None:  # type: ignore[no-untyped-def]
    from storage import curation, directory
    from storage.curation import Signal
    from storage.engine import session_scope
    from workflows.incidents import report

    chance = random.Random(3)
    kinds = ["misdirected_email", "loss_or_theft", "disclosure", "unlocked_device", "near_miss"]
    with session_scope(engine) as session:
        reporter = directory.get_by_email(session=session, email=demo_email(3))
        assert reporter is not None
        for number in range(300):
            at = NOW - dt.timedelta(hours=number * 24 if number >= 20 else number * 3 + 1)
            report.store(session=session, reporter=reporter, channel="slack", profile=profile, now=at, answers={
                "kind": kinds[number % len(kinds)], "happened_at": at.isoformat(), "discovered_at": at.isoformat(),
                "data_kind": "personal", "vulnerable": "none", "people_affected": 1 + number % 9,
                "contained": "partly", "containment": {"text": "Asked them to delete it", "removed": []},
                "told": {"text": "My manager", "removed": []},
                "description": {"text": f"Invented incident number {number}", "removed": []}})
        topics = ["park in the staff car park", "claim mileage", "book annual leave", "use a personal USB stick",
                  "share a rota on WhatsApp", "print at home", "record a supervision", "take notes on a tablet"]
        for number in range(2000):
            curation.create(session=session, signal=Signal.DECLINED, now=NOW - dt.timedelta(hours=number),
                            question=f"can I {chance.choice(topics)}{'?' if number % 2 else ''}")


async def measure(url: str, rounds: int) -> list[tuple[str, list[float]]]:
    from bot.admin import links
    from bot.app.assembly import build_conversation
    from bot.app.server import build_web_app
    from bot.core.assistant import Assistant
    from bot.core.clock import SettableClock
    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE, load_settings
    from storage import directory
    from storage.engine import create_database_engine, session_scope

    profile = load_profile(EXAMPLE_PROFILE)
    engine = create_database_engine(url)
    clock = SettableClock(NOW)
    settings = replace(load_settings({}), database_url=url, secret_key=KEY, public_url="http://127.0.0.1")
    assistant = Assistant(settings=settings, profile=profile, engine=engine,
                          conversation=build_conversation(profile, engine, clock=clock))
    runner = web.AppRunner(build_web_app(assistant), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"

    async def signed_in(email: str) -> ClientSession:
        with session_scope(engine) as session:
            member = directory.get_by_email(session=session, email=email)
            assert member is not None and member.id is not None
            token = links.issue(session=session, secret_key=KEY, staff_id=member.id, now=clock.now())
        browser = ClientSession(cookie_jar=CookieJar(unsafe=True))
        async with browser.get(f"{base}/admin/sign-in/{token}") as page:
            key = KEY_FIELD.search(await page.text())
        assert key is not None
        async with browser.post(f"{base}/admin/sign-in/{token}", data={"key": key.group(1)},
                                allow_redirects=False) as response:
            assert response.status == 303, await response.text()
        return browser

    ig = await signed_in(demo_email(2))  # person 2: the IG officer
    director = await signed_in(demo_email(201))  # person 201 directs 20 teams of ten
    pages = [("overview, IG officer (whole organisation)", ig, "/admin/"),
             ("overview, director (200 people)", director, "/admin/"),
             ("team page, IG officer", ig, "/admin/team?team=" + quote("Harbour Recovery 1")),
             ("team page, director", director, "/admin/team?team=" + quote("Southbank Housing Support 22")),
             ("incident register", ig, "/admin/incidents"),
             ("incident register, filtered", ig, "/admin/incidents?status=open&kind=misdirected_email"),
             ("incident detail", ig, "/admin/incidents/IG-2026-0001"),
             ("knowledge gaps (2,000 questions)", ig, "/admin/gaps"),
             ("broadcasts", ig, "/admin/broadcasts"),
             ("broadcast, IG officer (40,000 outstanding)", ig, "/admin/broadcasts/1"),
             ("broadcast, director", director, "/admin/broadcasts/1")]
    results = []
    for name, browser, path in pages:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            async with browser.get(base + path, allow_redirects=False) as response:
                body = await response.read()
                assert response.status == 200, (path, response.status, body[:300])
            times.append((time.perf_counter() - started) * 1000)
        results.append((name, times))
        print(f"{name}: first {times[0]:.0f} ms, then p50 {statistics.median(times[1:]):.0f} ms, "
              f"p95 {p95(times[1:]):.0f} ms; all {len(times)}: p95 {p95(times):.0f} ms", flush=True)
    async with ig.get(f"{base}/admin/") as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    started = time.perf_counter()
    async with ig.post(f"{base}/admin/evidence-pack", data={"csrf": csrf.group(1)}) as response:
        body = await response.read()
        assert response.status == 200, body[:300]
    seconds = time.perf_counter() - started
    print(f"evidence pack download: {seconds:.1f} s, {len(body) / 1e6:.1f} MB zip, "
          f"peak memory of this process (server and client) {peak_mb():.0f} MB", flush=True)
    for browser in (ig, director):
        await browser.close()
    await runner.cleanup()
    return results


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def demo_email(number: int) -> str:
    from workflows.imports import demo

    return demo._email(number)


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--reuse", metavar="SCHEMA", help="a schema kept by an earlier --keep run")
    parser.add_argument("--keep", action="store_true", help="keep the schema for --reuse")
    arguments = parser.parse_args()
    schema = arguments.reuse or f"bench_dash_{secrets.token_hex(4)}"
    url = f"{arguments.database}?options=-csearch_path%3D{schema}"
    try:
        if not arguments.reuse:
            with create_engine(arguments.database).begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            started = time.perf_counter()
            fill(url, arguments.staff)
            print(f"filled {arguments.staff:,} staff in {time.perf_counter() - started:.0f} s (schema {schema})")
        add_broadcasts(url)
        asyncio.run(measure(url, arguments.rounds))
    finally:
        if not (arguments.keep or arguments.reuse):
            with create_engine(arguments.database).begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
