"""Delivering the outbox to a fake Slack that answers 5% of calls with 429 and Retry-After: messages per second.

    uv run python benchmarks/bench_delivery.py [--people 1000] [--each 2] [--limited 0.05]

The delivery worker runs as `igbot serve` runs it (`deliver_all_due` with one throttle), through the
real SlackMessenger over HTTP (conversations.open, then chat.postMessage, with the Slack SDK's own
Retry-After handling) to the local fake Web API of the tests, on an SQLite database. Each person gets
`--each` messages, so the per-conversation limit is exercised; the report gives the throughput and
the most messages any one conversation received within one second.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "slack")]

from aiohttp import web  # noqa: E402
from slack_harness import FakeSlackApi, running, slack_environment  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.core import outbox  # noqa: E402
from bot.core.chat import Reply  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.slack import SlackMessenger  # noqa: E402
from storage import migrate  # noqa: E402
from storage.engine import create_database_engine, session_scope  # noqa: E402
from storage.models import StaffMember  # noqa: E402
from workflows.delivery import deliver_all_due  # noqa: E402
from workflows.throttle import LIMITS, Throttle  # noqa: E402


class BusySlack(FakeSlackApi):
    """The fake Web API, answering a share of calls with 429 and Retry-After: 1."""

    limited_share: float = 0.05

    async def _api(self, request: web.Request) -> web.Response:
        if random.random() < self.limited_share:
            self.rate_limit_next(request.match_info["method"], retry_after=1)
        return await super()._api(request)


async def main(people: int, each: int, share: float) -> None:
    random.seed(1)
    api = BusySlack()
    api.limited_share = share
    with tempfile.TemporaryDirectory() as folder:
        engine = create_database_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate.upgrade(engine)
        now = dt.datetime.now(dt.UTC)
        with session_scope(engine) as session:
            session.execute(insert(StaffMember), [
                {"id": n, "email": f"person.{n}@example.org", "name": f"Person {n}", "job_title": "", "team": "T",
                 "manager_id": None, "roles": ["staff"], "slack_user_id": f"U{n:08d}", "teams_user_id": None,
                 "active": True} for n in range(1, people + 1)])
            for number in range(each):
                for n in range(1, people + 1):
                    outbox.queue(session=session, dedup_key=f"b:{n}:{number}", staff_id=n, now=now,
                                 replies=[Reply(text=f"Reminder {number} for {n}")])
        async with running(api.app()) as url:
            api.url = url
            settings = load_settings({"IGBOT_HOME": folder, **slack_environment(api)})
            messenger = SlackMessenger.from_settings(settings)
            started = time.perf_counter()
            run = await deliver_all_due(engine=engine, messengers=[messenger], now=lambda: dt.datetime.now(dt.UTC),
                                        throttle=Throttle(), budget=dt.timedelta(hours=1))
            seconds = time.perf_counter() - started
            await messenger.client.session.close() if messenger.client.session else None
        report(api.calls, run.sent, seconds, people * each)
        engine.dispose()


def report(calls: list[Any], sent: int, seconds: float, queued: int) -> None:
    posts: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        if call.method == "chat.postMessage":
            posts[call.params["channel"]].append(call.at)
    limited = sum(call.method.endswith("(rate limited)") for call in calls)
    rate = LIMITS["slack"].conversation
    busiest = max((sum(1 for other in times if 0 <= other - at < 1.0) for times in posts.values() for at in times),
                  default=0)
    print(f"queued {queued:,}, sent {sent:,} in {seconds:.1f} s: {sent / seconds:.1f} messages/s; "
          f"{limited:,} calls answered 429; most posts to one conversation within 1 s: {busiest} "
          f"(limit {rate.per_second:g}/s, bursts of {rate.burst})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--each", type=int, default=2)
    parser.add_argument("--limited", type=float, default=0.05)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.each, arguments.limited))
