"""Broadcasts at the size of a large organisation: fan-out into the outbox, delivery at the platforms' rate
limits through the fakes, and the acknowledgement report.

    uv run python benchmarks/bench_broadcast.py fanout --people 100000 [--database postgresql+psycopg://...]
    uv run python benchmarks/bench_broadcast.py deliver --people 2000
    uv run python benchmarks/bench_broadcast.py report --people 100000 --database postgresql+psycopg://...

`fanout` fills a fresh database (SQLite in a temporary folder, or a schema of its own in the given
PostgreSQL database) with N staff in teams of ten (7 in 10 on Slack, 2 in 10 on Teams, 1 in 10 on
neither), then in a fresh process resolves a broadcast to everyone and fans it out: recipient rows
and outbox messages, reporting the wall time and the process's peak resident memory. `deliver` then
sends such a broadcast through the real SlackMessenger and TeamsMessenger over HTTP to the tests'
fake Slack Web API and fake Teams connector, with the delivery worker as `igbot serve` runs it
(`deliver_all_due`, one throttle at the platforms' limits). `report` fills N recipients of one
broadcast, about 60% acknowledged, and times the figures by team, the outstanding list and the CSV.
Invented data only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "slack"), str(ROOT / "tests" / "teams")]

from sqlalchemy import insert, text  # noqa: E402

from scratch import drop, fresh_database, in_child, peak_mb  # noqa: E402

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)  # a Monday, in working hours
SERVICE_URL = "http://127.0.0.1:9/"  # replaced by the fake connector's address when delivering


def fill(url: str, people: int, service_url: str = SERVICE_URL) -> None:
    """N staff with bulk inserts (person 1 is the IG officer), and a Teams conversation for 2 in 10."""
    from storage import migrate
    from storage.engine import create_database_engine
    from storage.models import StaffMember
    from storage.teams_references import TeamsConversationReference

    engine = create_database_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        for start in range(1, people + 1, 10_000):
            numbers = range(start, min(people, start + 9_999) + 1)
            connection.execute(insert(StaffMember), [
                {"id": n, "email": f"person.{n}@example.org", "name": f"Person {n}", "job_title": "",
                 "team": f"Team {(n - 1) // 10}", "manager_id": None if n == 1 else ((n - 1) // 10) * 10 + 1
                 if (n - 1) % 10 else 1, "roles": ["staff", "ig_officer"] if n == 1 else ["staff"],
                 "slack_user_id": f"U{n:09d}" if n % 10 < 7 else None, "teams_user_id": None, "active": True}
                for n in numbers])
            connection.execute(insert(TeamsConversationReference), [
                {"conversation_id": f"a:personal-{n}", "conversation_type": "personal", "staff_id": n,
                 "teams_user_id": f"29:person-{n}", "service_url": service_url, "first_seen_at": NOW,
                 "last_seen_at": NOW, "reference": _reference(n, service_url)}
                for n in numbers if n % 10 in (7, 8)])
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT setval('staff_member_id_seq', (SELECT max(id) FROM staff_member))"))
            connection.execute(text("ANALYZE"))
    engine.dispose()


def _reference(n: int, service_url: str) -> dict[str, Any]:
    return {"channelId": "msteams", "serviceUrl": service_url, "locale": "en-GB",
            "conversation": {"id": f"a:personal-{n}", "conversationType": "personal", "tenantId": "tenant-bench"},
            "user": {"id": f"29:person-{n}", "name": f"Person {n}"}, "bot": {"id": "28:igbot", "name": "igbot"}}


def create_broadcast(url: str) -> int:
    from workflows.broadcasts import compose
    from workflows.broadcasts.compose import Draft
    from storage import directory
    from storage.engine import create_database_engine, session_scope

    engine = create_database_engine(url)
    with session_scope(engine) as session:
        sender = directory.get(session=session, staff_id=1)
        assert sender is not None
        draft = Draft(title="Check the recipient before you press send", audience={"kind": "everyone", "values": []},
                      body="Two emails went to the wrong person last month.\n\n- Check the **address**.",
                      ack_by=dt.date(2026, 12, 4))
        broadcast_id = compose.create(draft, session=session, sender=sender, now=NOW).id
    engine.dispose()
    assert broadcast_id is not None
    return broadcast_id


def measure_fanout(url: str) -> dict[str, float]:
    """In this (fresh) process: resolve the audience and fan the broadcast out."""
    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE
    from bot.core.working_time import WorkingCalendar
    from storage.engine import create_database_engine, session_scope
    from workflows.broadcasts import send

    profile = load_profile(EXAMPLE_PROFILE)
    engine = create_database_engine(url)
    before = peak_mb()
    started = time.perf_counter()
    with session_scope(engine) as session:
        fanned = send.send_due(session=session, profile=profile, calendar=WorkingCalendar(profile), now=NOW)
    return {"fanned_out": fanned, "seconds": round(time.perf_counter() - started, 2), "start_mb": round(before),
            "peak_mb": round(peak_mb())}


def fill_report(url: str, people: int) -> int:
    """N recipients of one sent broadcast, about 60% acknowledged and 1% leavers."""
    from storage.broadcasts import Broadcast, BroadcastRecipient, BroadcastStatus
    from storage.engine import create_database_engine

    fill(url, people)
    engine = create_database_engine(url)
    chance = random.Random(1)
    with engine.begin() as connection:
        connection.execute(insert(Broadcast), [{
            "id": 1, "title": "Check the recipient", "body": "Check the address.", "incident_reference": None,
            "audience": {"kind": "everyone", "values": []}, "ack_required": True, "ack_by": dt.date(2026, 12, 4),
            "send_at": NOW, "status": BroadcastStatus.SENT, "created_by": 1, "created_at": NOW, "sent_at": NOW}])
        for start in range(1, people + 1, 10_000):
            rows = []
            for n in range(start, min(people, start + 9_999) + 1):
                read = chance.random() < 0.6
                rows.append({"broadcast_id": 1, "staff_id": n, "team": f"Team {(n - 1) // 10}",
                             "channel": "slack" if n % 10 < 7 else "teams" if n % 10 < 9 else "", "queued_at": NOW,
                             "acknowledged_at": NOW + dt.timedelta(hours=1) if read else None,
                             "acknowledged_on": "slack" if read else None, "reminders_sent": 0,
                             "last_reminded_at": None})
            connection.execute(insert(BroadcastRecipient), rows)
        connection.execute(text("UPDATE staff_member SET active = false WHERE id % 100 = 50"))
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return 1


def measure_report(url: str) -> dict[str, float]:
    """In this (fresh) process: the figures by team, the outstanding list, the CSV; each timed."""
    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE
    from storage import broadcasts
    from storage.engine import create_database_engine, session_scope
    from workflows.broadcasts import report

    profile = load_profile(EXAMPLE_PROFILE)
    engine = create_database_engine(url)
    timings: dict[str, float] = {}
    with session_scope(engine) as session:
        started = time.perf_counter()
        teams = broadcasts.acknowledgement_by_team(session=session, broadcast_id=1)
        timings["by_team_seconds"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        outstanding = broadcasts.outstanding(session=session, broadcast_id=1)
        timings["outstanding_seconds"] = round(time.perf_counter() - started, 3)
        broadcast = broadcasts.get(session=session, broadcast_id=1)
        assert broadcast is not None
        started = time.perf_counter()
        report.status(broadcast, session=session, profile=profile, among=None)
        timings["chat_status_seconds"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        rows = report.write_csv(broadcast, session=session, among=None, out=io.StringIO(), today=NOW.date())
        timings["csv_seconds"] = round(time.perf_counter() - started, 3)
    return {**timings, "teams": len(teams), "outstanding": len(outstanding), "csv_rows": rows,
            "peak_mb": round(peak_mb())}


async def measure_delivery(url: str, people: int) -> dict[str, float]:
    """Fan out, then deliver at the platforms' limits through the fakes, as `igbot serve` does."""
    from aiohttp.test_utils import TestServer
    from slack_harness import FakeSlackApi, running
    from slack_sdk.web.async_client import AsyncWebClient
    from teams_fakes import FakeConnector, teams_environment

    from bot.app.assembly import build_conversation
    from bot.app.server import build_web_app
    from bot.core.assistant import Assistant
    from bot.core.profile import load_profile
    from bot.core.settings import EXAMPLE_PROFILE, load_settings
    from bot.slack import SlackMessenger
    from bot.teams.mount import teams_messenger
    from storage.engine import create_database_engine
    from workflows.delivery import deliver_all_due
    from workflows.throttle import Throttle

    api, connector = FakeSlackApi(), FakeConnector()
    await connector.start()
    async with running(api.app()) as slack_url:
        api.url = slack_url
        fill(url, people, service_url=connector.url)
        create_broadcast(url)
        fanned = measure_fanout(url)
        engine = create_database_engine(url)
        settings = load_settings({"IGBOT_HOME": str(Path(tempfile.gettempdir()) / "bench-broadcast"),
                                  "DATABASE_URL": url, **teams_environment(connector)})
        profile = load_profile(EXAMPLE_PROFILE)
        assistant = Assistant(settings=settings, profile=profile, engine=engine,
                              conversation=build_conversation(profile, engine))
        server = TestServer(build_web_app(assistant))
        await server.start_server()
        teams = teams_messenger(server.app)
        assert teams is not None
        slack = SlackMessenger(client=AsyncWebClient(token="xoxb-bench", base_url=api.api_url + "/"))
        throttle = Throttle()
        clock_started = time.perf_counter()
        total = await deliver_all_due(engine=engine, messengers=[slack, teams], throttle=throttle,
                                      now=lambda: NOW, budget=dt.timedelta(hours=10))
        seconds = time.perf_counter() - clock_started
        await server.close()
    await connector.close()
    slack_posts = len(api.of("chat.postMessage"))
    return {"fanout_seconds": fanned["seconds"], "sent": total.sent, "slack_messages": slack_posts,
            "teams_messages": len(connector.sent), "delivery_seconds": round(seconds, 1),
            "messages_per_second": round(total.sent / seconds, 1), "peak_mb": round(peak_mb())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["fanout", "deliver", "report", "_child"])
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite in a temporary folder)")
    arguments = parser.parse_args()
    if arguments.what == "_child":
        kind, url = arguments.rest
        print(json.dumps(measure_fanout(url) if kind == "fanout" else measure_report(url)))
        return
    with tempfile.TemporaryDirectory() as folder:
        url, schema = fresh_database(arguments.database, Path(folder))
        try:
            started = time.perf_counter()
            if arguments.what == "fanout":
                fill(url, arguments.people)
                create_broadcast(url)
                print(f"filled {arguments.people:,} staff in {time.perf_counter() - started:.0f} s")
                print(json.dumps(in_child(__file__, "fanout", url)))
            elif arguments.what == "report":
                fill_report(url, arguments.people)
                print(f"filled {arguments.people:,} recipients in {time.perf_counter() - started:.0f} s")
                print(json.dumps(in_child(__file__, "report", url)))
            else:
                print(json.dumps(asyncio.run(measure_delivery(url, arguments.people))))
        finally:
            drop(arguments.database, schema)


if __name__ == "__main__":
    main()
