"""A broadcast to a synthetic organisation of 10,000 people, delivered through the fake Slack Web API and the
fake Teams connector: everyone reachable gets it exactly once, on the platform they are reachable on.

The throttle runs with limits far above the platforms' so that the test is quick; the platforms' own
limits are exercised by benchmarks/bench_broadcast.py. It runs on SQLite only: what it tests is delivery,
and the storage it uses is tested on both databases elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from slack_harness import FakeSlackApi, running
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, insert
from sqlmodel import col, select
from teams_fakes import TENANT_ID, FakeConnector, Igbot, TeamsUser

from bot.core.clock import SettableClock
from bot.core.profile import Profile
from bot.slack import SlackMessenger
from bot.teams.activities import contact_of, parse
from broadcast_world import sent_broadcast
from storage import outbox
from storage.engine import session_scope
from storage.models import StaffMember
from storage.outbox import OutboxStatus
from storage.teams_references import TeamsConversationReference
from workflows.delivery import deliver_due
from workflows.throttle import PlatformLimits, Rate, Throttle

PEOPLE = 10_000
FAST = PlatformLimits(app=Rate(per_second=1_000_000, burst=1_000_000),
                      conversation=Rate(per_second=1_000_000, burst=1_000_000))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'igbot.db'}"


def _organisation(engine: Engine, connector: FakeConnector, now: dt.datetime) -> tuple[set[str], set[str]]:
    """10,000 people in teams of ten: 7 in 10 on Slack, 2 in 10 on Teams, 1 in 10 on neither. Their Slack
    direct-message channels and Teams conversations."""
    rows = [{"email": f"person.{n}@example.org", "name": f"Person {n}", "job_title": "", "team": f"Team {n // 10}",
             "manager_id": None, "roles": ["staff"], "slack_user_id": f"U{n:09d}" if n % 10 < 7 else None,
             "teams_user_id": None, "active": True} for n in range(PEOPLE)]
    with engine.begin() as connection:
        connection.execute(insert(StaffMember), rows)
    with session_scope(engine) as session:
        ids = dict(session.exec(select(StaffMember.email, StaffMember.id)
                                .where(col(StaffMember.email).like("person.%"))).all())
        references = []
        for n in range(PEOPLE):
            if n % 10 in (7, 8):
                user = TeamsUser(name=f"Person {n}", email=f"person.{n}@example.org",
                                 aad_object_id=f"00000000-0000-4000-8000-{n:012d}")
                contact = contact_of(parse(user.says(connector.url, "hello")))
                references.append({"conversation_id": contact.conversation_id, "conversation_type": "personal",
                                   "staff_id": ids[user.email], "teams_user_id": user.user_id,
                                   "aad_object_id": user.aad_object_id, "tenant_id": TENANT_ID,
                                   "service_url": contact.service_url, "reference": contact.reference,
                                   "first_seen_at": now, "last_seen_at": now})
        session.execute(insert(TeamsConversationReference), references)
    slack = {f"D{n:09d}" for n in range(PEOPLE) if n % 10 < 7}
    teams = {f"a:personal-person-{n}" for n in range(PEOPLE) if n % 10 in (7, 8)}
    return slack, teams


async def test_ten_thousand_people_each_get_the_broadcast_once_on_their_platform(
        igbot: Igbot, connector: FakeConnector, engine: Engine, profile: Profile, clock: SettableClock) -> None:
    slack_channels, teams_conversations = _organisation(engine, connector, clock.now())
    broadcast_id = sent_broadcast(engine, profile, clock.now(), audience={"kind": "everyone", "values": []})
    api = FakeSlackApi()
    async with running(api.app()) as url:
        api.url = url
        slack = SlackMessenger(client=AsyncWebClient(token="xoxb-test", base_url=api.api_url + "/"))
        throttle = Throttle(limits={"slack": FAST, "teams": FAST})
        while (await deliver_due(engine=engine, messengers=[slack, igbot.messenger], now=clock.now(), limit=2_000,
                                 throttle=throttle)).handled:
            pass
    slack_posts = Counter(call.params["channel"] for call in api.of("chat.postMessage"))
    teams_posts = Counter(sent.conversation_id for sent in connector.sent)
    assert set(slack_posts) == slack_channels and set(slack_posts.values()) == {1}, "none missed, none twice"
    assert set(teams_posts) == teams_conversations and set(teams_posts.values()) == {1}
    with session_scope(engine) as session:
        messages = [m for m in outbox.get_all(session=session) if m.dedup_key.startswith(f"broadcast:{broadcast_id}:")]
        assert len(messages) == PEOPLE * 9 // 10 and {m.status for m in messages} == {OutboxStatus.SENT.value}
