"""Delivering the outbox to a fake platform that answers 5% of calls with 429 and Retry-After: messages per second.

    uv run python benchmarks/bench_delivery.py [--platform slack|teams] [--people 1000] [--each 2] [--limited 0.05]

The delivery worker runs as `igbot serve` runs it (`deliver_all_due` with one throttle), on an SQLite
database, through the real messenger over HTTP to the tests' local fakes: for Slack the SlackMessenger
(conversations.open, then chat.postMessage, with the Slack SDK's own Retry-After handling) to the fake
Web API; for Teams the TeamsMessenger of igbot's running web app (each person's conversation stored
from an installation event posted to /api/messages first) to the fake Bot Connector. Each person gets
`--each` messages, so the per-conversation limit is exercised; the report gives the throughput and
the most messages any one conversation received within one second.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import datetime as dt
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "slack"), str(ROOT / "tests" / "teams")]

from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from slack_harness import FakeSlackApi, running, slack_environment  # noqa: E402
from sqlalchemy import Engine, insert  # noqa: E402
from teams_fakes import FakeConnector, TeamsUser, bot_framework_token, teams_environment  # noqa: E402

from bot.app.assembly import build_conversation  # noqa: E402
from bot.app.server import build_web_app  # noqa: E402
from bot.core import outbox  # noqa: E402
from bot.core.assistant import Assistant  # noqa: E402
from bot.core.chat import Reply  # noqa: E402
from bot.core.messenger import Messenger  # noqa: E402
from bot.core.profile import load_profile  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.slack import SlackMessenger  # noqa: E402
from bot.teams.mount import teams_messenger  # noqa: E402
from storage import migrate  # noqa: E402
from storage.engine import create_database_engine, session_scope  # noqa: E402
from storage.models import StaffMember  # noqa: E402
from workflows.delivery import deliver_all_due  # noqa: E402
from workflows.throttle import LIMITS, Throttle  # noqa: E402

@dataclass
class Delivered:
    sent: int
    seconds: float
    limited: int  # calls answered 429
    posts: dict[str, list[float]]  # conversation: the moments messages were posted into it


class BusySlack(FakeSlackApi):
    """The fake Web API, answering a share of calls with 429 and Retry-After: 1."""

    limited_share: float = 0.05

    async def _api(self, request: web.Request) -> web.Response:
        if random.random() < self.limited_share:
            self.rate_limit_next(request.match_info["method"], retry_after=1)
        return await super()._api(request)


@dataclass
class BusyConnector(FakeConnector):
    """The fake Bot Connector, answering a share of sends with 429 and Retry-After: 1, and noting when each arrived."""

    limited_share: float = 0.0
    limited: int = 0
    arrived: list[tuple[float, str]] = field(default_factory=list)

    async def _receive(self, request: web.Request) -> web.Response:
        if random.random() < self.limited_share:
            self.limited += 1
            self.rate_limited.append(1)
        response = await super()._receive(request)
        if response.status == 200:
            self.arrived.append((time.perf_counter(), request.match_info["conversation"]))
        return response


async def main(platform: str, people: int, each: int, share: float) -> None:
    random.seed(1)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_database_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            session.execute(insert(StaffMember), [
                {"id": n, "email": f"person.{n}@example.org", "name": f"Person {n}", "job_title": "", "team": "T",
                 "manager_id": None, "roles": ["staff"], "slack_user_id": f"U{n:08d}", "teams_user_id": None,
                 "active": True} for n in range(1, people + 1)])
        through = _through_slack if platform == "slack" else _through_teams
        delivered = await through(engine, Path(folder), people, each, share)
        report(platform, delivered, people * each)
        engine.dispose()


def _queue(engine: Engine, people: int, each: int) -> None:
    now = dt.datetime.now(dt.UTC)
    with session_scope(engine) as session:
        for number in range(each):
            for n in range(1, people + 1):
                outbox.queue(session=session, dedup_key=f"b:{n}:{number}", staff_id=n, now=now,
                             replies=[Reply(text=f"Reminder {number} for {n}")])


async def _deliver(engine: Engine, messenger: Messenger, queued: int) -> tuple[int, float]:
    """Delivery runs until everything is sent, as the server's job does: a message told to retry after a 429 is
    picked up by a later run (every second here; the server runs the job every 10 seconds)."""
    started = time.perf_counter()
    throttle = Throttle()
    sent = 0
    while sent < queued and time.perf_counter() - started < 3600:
        run = await deliver_all_due(engine=engine, messengers=[messenger], now=lambda: dt.datetime.now(dt.UTC),
                                    throttle=throttle, budget=dt.timedelta(hours=1))
        sent += run.sent
        if sent < queued:
            await asyncio.sleep(1)
    return sent, time.perf_counter() - started


async def _through_slack(engine: Engine, folder: Path, people: int, each: int, share: float) -> Delivered:
    _queue(engine, people, each)
    api = BusySlack()
    api.limited_share = share
    async with running(api.app()) as url:
        api.url = url
        settings = load_settings({"IGBOT_HOME": str(folder), **slack_environment(api)})
        messenger = SlackMessenger.from_settings(settings)
        sent, seconds = await _deliver(engine, messenger, people * each)
        await messenger.client.session.close() if messenger.client.session else None
    posts: dict[str, list[float]] = defaultdict(list)
    for call in api.calls:
        if call.method == "chat.postMessage":
            posts[call.params["channel"]].append(call.at)
    limited = sum(call.method.endswith("(rate limited)") for call in api.calls)
    return Delivered(sent, seconds, limited, posts)


async def _through_teams(engine: Engine, folder: Path, people: int, each: int, share: float) -> Delivered:
    connector = BusyConnector()
    await connector.start()
    settings = load_settings({"IGBOT_HOME": str(folder), **teams_environment(connector)})
    profile = load_profile(settings.profile_path)
    assistant = Assistant(settings=settings, profile=profile, engine=engine,
                          conversation=build_conversation(profile, engine))
    server = TestServer(build_web_app(assistant))
    await server.start_server()
    try:
        await _install_for_everyone(connector, server, people)
        _queue(engine, people, each)
        messenger = teams_messenger(server.app)
        assert messenger is not None
        connector.limited_share = share
        sent, seconds = await _deliver(engine, messenger, people * each)
    finally:
        await server.close()
        await connector.close()
    posts: dict[str, list[float]] = defaultdict(list)
    for at, conversation in connector.arrived:
        posts[conversation].append(at)
    return Delivered(sent, seconds, connector.limited, posts)


async def _install_for_everyone(connector: FakeConnector, server: TestServer, people: int) -> None:
    """Each person adds igbot in Teams, as an organisation's rollout would: igbot stores their conversation."""
    url = str(server.make_url("/api/messages"))
    async with aiohttp.ClientSession() as http:
        for n in range(1, people + 1):
            person = TeamsUser(name=f"Person {n}", email=f"person.{n}@example.org", aad_object_id=f"aad-{n:08d}")
            connector.roster[person.user_id] = person.roster_entry
            activity = person.activity(connector.url, type="installationUpdate", action="add")
            headers = {"Authorization": f"Bearer {bot_framework_token(connector.url)}"}
            async with http.post(url, json=activity, headers=headers) as response:
                assert response.status < 300, response.status


def report(platform: str, delivered: Delivered, queued: int) -> None:
    rate = LIMITS[platform].conversation
    busiest = max((sum(1 for other in times if 0 <= other - at < 1.0) for times in delivered.posts.values()
                   for at in times), default=0)
    print(f"{platform}: queued {queued:,}, sent {delivered.sent:,} in {delivered.seconds:.1f} s: "
          f"{delivered.sent / delivered.seconds:.1f} messages/s; {delivered.limited:,} calls answered 429; "
          f"most posts to one conversation within 1 s: {busiest} (limit {rate.per_second:g}/s, bursts of {rate.burst})")


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)  # the Agents SDK logs each 429 it answers as an error
    parser = argparse.ArgumentParser()
    parser.add_argument("--platform", choices=("slack", "teams"), default="slack")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--each", type=int, default=2)
    parser.add_argument("--limited", type=float, default=0.05)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.platform, arguments.people, arguments.each, arguments.limited))
