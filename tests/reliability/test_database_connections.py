"""PostgreSQL drops every connection of igbot's database in the middle of a run (a failover, an administrator):
igbot connects again by itself, and no event and no outbox message is lost or sent twice. The sharpest moments
are cut on purpose too: as a delivery is recorded, as a turn starts, and as a received event is stored.

The connections cut are those of a database made for this test only; the shared server is
never restarted and no other database is touched.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import signal
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import ClientSession
from postgres import POSTGRES_URL
from serve_process import ServeProcess, clean_environment, terminate_connections, unprocessed_events
from slack_harness import EMAILS, HARRIET, NED, SAM, FakeSlackApi, SlackWorkspace, running, slack_environment
from sqlalchemy import Engine, create_engine, event, text

from bot.app.assembly import build_conversation
from bot.core.chat import Channel, IncomingMessage, Reply
from bot.core.clock import Clock, SettableClock
from bot.core.outbox import queue
from bot.core.profile import load_profile
from bot.core.settings import EXAMPLE_PROFILE
from moments import MONDAY_MORNING
from storage import directory, outbox, received_events
from storage.engine import create_database_engine, session_scope
from storage.models import StaffMember
from workflows.delivery import LEASE, deliver_due

PEOPLE = (SAM, HARRIET, NED)
IG_CHANNEL = "CIGTEAM01"
EVENTS_EACH_SIDE = 30
OUTBOX_EACH_SIDE = 10
TIMEOUT = 60.0  # the outbox is delivered every 10 seconds


def queue_for_the_ig_team(database_url: str, numbers: range) -> None:
    """Messages for the IG team, queued as a feature's job would queue them."""
    engine = create_database_engine(database_url)
    try:
        with session_scope(engine) as session:
            for number in numbers:
                queue(session=session, dedup_key=f"reliability:{number}", to_ig_team=True, now=Clock().now(),
                      replies=[Reply(text=f"Outbox message {number:03d}")])
    finally:
        engine.dispose()


async def ask(slack: SlackWorkspace, numbers: range) -> list[str]:
    """Questions, each in a channel of its own; like Slack, an event refused with a 5xx is sent again."""
    async def one(number: int) -> str:
        channel = f"DCUT{number:04d}"
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": PEOPLE[number % len(PEOPLE)],
                 "text": "help", "ts": f"{1700000000 + number}.000100"}
        for retry in range(4):
            status, _ = await slack.event(event, event_id=f"EvCut{number:05d}", retry=retry or None)
            if status == 200:
                return channel
            assert status == 503, f"a refusal says to send it again, not {status}"
        raise AssertionError("an event was refused four times")

    return list(await asyncio.wait_for(asyncio.gather(*(one(number) for number in numbers)), TIMEOUT))


async def test_cut_database_connections_lose_no_event_and_no_outbox_message(postgres_url: str, tmp_path: Path) -> None:
    api = FakeSlackApi(emails=dict(EMAILS))
    async with running(api.app()) as api_url:
        api.url = api_url
        server = ServeProcess(clean_environment(IGBOT_HOME=str(tmp_path / "home"), DATABASE_URL=postgres_url,
                                                **slack_environment(api, SLACK_IG_CHANNEL=IG_CHANNEL)))
        try:
            await server.start()
            async with ClientSession() as session:
                slack = SlackWorkspace(server_url=server.url, api=api, session=session)
                queue_for_the_ig_team(postgres_url, range(OUTBOX_EACH_SIDE))
                before = await ask(slack, range(EVENTS_EACH_SIDE))
                await api.wait_until(lambda: len(outbox_deliveries(api)) >= OUTBOX_EACH_SIDE, timeout=TIMEOUT)

                # Cut while more questions are arriving.
                during = asyncio.create_task(ask(slack, range(EVENTS_EACH_SIDE, 2 * EVENTS_EACH_SIDE)))
                assert await asyncio.to_thread(terminate_connections, POSTGRES_URL, postgres_url) > 0
                queue_for_the_ig_team(postgres_url, range(OUTBOX_EACH_SIDE, 2 * OUTBOX_EACH_SIDE))
                after = await during

                channels = before + after
                await api.wait_until(lambda: set(answers(api)) >= set(channels), timeout=TIMEOUT)
                await api.wait_until(lambda: len(outbox_deliveries(api)) >= 2 * OUTBOX_EACH_SIDE, timeout=TIMEOUT)
            assert await server.stop(signal.SIGTERM) == 0
        finally:
            await server.close()

    assert answers(api) == Counter({channel: 1 for channel in channels}), "each question answered once"
    assert outbox_deliveries(api) == Counter({f"Outbox message {number:03d}": 1
                                              for number in range(2 * OUTBOX_EACH_SIDE)})
    engine = create_database_engine(postgres_url)
    try:
        assert unprocessed_events(engine) == 0
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM outbox_message WHERE status <> 'sent' "
                                           "AND dedup_key LIKE 'reliability:%'")).scalar() == 0
    finally:
        engine.dispose()
    assert not [call for call in api.of("chat.postMessage") if "something went wrong" in call.text], \
        "nobody was told something went wrong"


def answers(api: FakeSlackApi) -> Counter[str]:
    """Answers to the test's questions (not igbot's own nudges in people's DMs), by channel."""
    return Counter(channel for call in api.of("chat.postMessage")
                   if (channel := str(call.params.get("channel"))).startswith("DCUT"))


def outbox_deliveries(api: FakeSlackApi) -> Counter[str]:
    """The test's own outbox messages delivered to the IG team's channel (igbot's own jobs post there too)."""
    found = (re.search(r"Outbox message \d{3}", call.text) for call in api.of("chat.postMessage")
             if call.params.get("channel") == IG_CHANNEL)
    return Counter(match.group() for match in found if match)


class IgChannel:
    """A platform with the IG team's channel set: it records each post."""

    channel = "slack"

    def __init__(self) -> None:
        self.posts: list[str] = []

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        raise AssertionError("only the IG team's channel is written to")

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        self.posts.extend(reply.text for reply in replies)
        return True


def cut_when(engine: Engine, statement_wanted: Callable[[str], bool]) -> list[int]:
    """The first time a statement `statement_wanted` is about to run, its connection is cut: the database is gone
    just as it is written to. The pids cut, for the test to see that it happened."""
    cut: list[int] = []

    @event.listens_for(engine, "before_cursor_execute")
    def cut_once(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not cut and statement_wanted(statement):
            cut.append(terminate(connection))

    return cut


def cut_at_next_transaction(engine: Engine) -> list[int]:
    """The next transaction's connection is cut once it is checked out (and its liveness checked): its first
    statement, whatever runs it, meets a connection the database has dropped."""
    cut: list[int] = []

    @event.listens_for(engine, "begin")
    def cut_once(connection: Any) -> None:
        if not cut:
            cut.append(terminate(connection))

    return cut


def terminate(connection: Any) -> int:
    """Cut one connection, and wait until it is gone."""
    pid = int(connection.connection.dbapi_connection.info.backend_pid)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    finally:
        admin.dispose()
    return pid


async def test_a_delivery_recorded_on_a_cut_connection_is_recorded_again_and_not_sent_twice(postgres_url: str) -> None:
    queue_for_the_ig_team(postgres_url, range(1))
    now = Clock().now()
    engine = create_database_engine(postgres_url)
    try:
        cut = cut_when(engine, lambda statement: statement.startswith("UPDATE outbox_message") and "sent_at" in statement)
        platform = IgChannel()
        run = await deliver_due(engine=engine, messengers=[platform], now=now)
        assert cut, "the connection was cut as the delivery was recorded"
        assert (run.sent, platform.posts) == (1, ["Outbox message 000"])
        with session_scope(engine) as session:
            message = outbox.get_by_key(session=session, dedup_key="reliability:0")
            assert message is not None and message.status == "sent" and message.delivered_to == ["ig-team:slack"]

        later = await deliver_due(engine=engine, messengers=[platform], now=now + LEASE + dt.timedelta(minutes=1))
        assert (later.handled, platform.posts) == (0, ["Outbox message 000"]), "not sent again when the lease ends"
    finally:
        engine.dispose()


def test_a_turn_whose_connection_was_cut_is_done_again_and_answered(postgres_url: str) -> None:
    engine = create_database_engine(postgres_url)
    try:
        conversation = build_conversation(load_profile(EXAMPLE_PROFILE), engine, clock=SettableClock(MONDAY_MORNING))
        with session_scope(engine) as session:
            sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
            assert sam is not None
        cut = cut_at_next_transaction(engine)
        replies = conversation.handle_now(IncomingMessage(channel=Channel.CONSOLE, staff_id=sam.id, text="help"))
        assert cut, "the turn's connection was cut"
        assert "something went wrong" not in " ".join(reply.text for reply in replies).lower()
        assert "incident" in replies[0].text.lower()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM message_log")).scalar() == 1, "logged once"
    finally:
        engine.dispose()


async def test_a_received_event_written_on_a_cut_connection_is_written_again(postgres_url: str) -> None:
    engine = create_database_engine(postgres_url)
    try:
        conversation = build_conversation(load_profile(EXAMPLE_PROFILE), engine, clock=SettableClock(MONDAY_MORNING))
        cut = cut_at_next_transaction(engine)
        event_id = await conversation.write(lambda connection: received_events.receive(
            connection=connection, channel="slack", delivery_key="EvCut00001", payload={"text": "help"},
            owner="replica-1", now=MONDAY_MORNING, lease=dt.timedelta(minutes=5)))
        assert cut, "the write's connection was cut"
        assert event_id is not None
        assert unprocessed_events(engine) == 1, "stored once"
    finally:
        engine.dispose()
