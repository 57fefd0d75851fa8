"""A burst of events acknowledged, then the server stopped the hard way (SIGKILL) or for a deploy (SIGTERM):
after a restart, every acknowledged event has been answered, and answered once.

Each test runs real `igbot serve` processes on loopback against the fake Slack Web API and
the fake Bot Connector of this process. To have acknowledged events still unprocessed at the
moment of the signal, whatever the machine's speed, the fake Slack holds its answers to
`users.info` (the first thing igbot asks about a new person) until the test lets them go.
Each Slack event is a direct message in a channel of its own, so each answer names the event
it answers; each Teams reply names the activity it replies to.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from serve_process import ServeProcess, clean_environment, unprocessed_events
from slack_harness import EMAILS, HARRIET, NED, SAM, FakeSlackApi, SlackWorkspace, running, slack_environment
from teams_fakes import FakeConnector, TeamsUser

from storage.engine import create_database_engine

SLACK_BURST = 45  # 15 from each of three people
TEAMS_BURST = 9
ANSWER_TIMEOUT = 60.0
PEOPLE = (SAM, HARRIET, NED)
TEAMS_PERSON = TeamsUser(name="Jo Visitor", email="jo.visitor@agency.example", aad_object_id="aad-jo-visitor")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Platforms:
    """The fake Slack and Teams, and what igbot serve is told to reach them with."""

    slack: FakeSlackApi
    teams: FakeConnector
    lookups_held: asyncio.Event  # cleared: Slack does not answer `users.info` yet
    session: ClientSession

    def workspace(self, server: ServeProcess) -> SlackWorkspace:
        return SlackWorkspace(server_url=server.url, api=self.slack, session=self.session)

    def answers(self) -> Counter[str]:
        """How many answers each Slack event (by its channel) got; not igbot's own nudges in people's DMs."""
        return Counter(channel for call in self.slack.of("chat.postMessage")
                       if (channel := str(call.params.get("channel"))).startswith("DBURST"))

    def teams_answers(self) -> Counter[str]:
        return Counter(str(sent.reply_to) for sent in self.teams.sent)


@asynccontextmanager
async def platforms() -> AsyncIterator[Platforms]:
    slack = FakeSlackApi(emails=dict(EMAILS))
    held = asyncio.Event()
    app = slack.app()

    @web.middleware
    async def hold_lookups(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.match_info.get("method") == "users.info":
            await asyncio.wait_for(held.wait(), ANSWER_TIMEOUT)
        return await handler(request)

    app.middlewares.append(hold_lookups)
    teams = FakeConnector()
    await teams.start()
    try:
        async with running(app) as url, ClientSession() as session:
            slack.url = url
            yield Platforms(slack=slack, teams=teams, lookups_held=held, session=session)
    finally:
        await teams.close()


def serve_environment(found: Platforms, database_url: str, home: Path, **extra: str) -> dict[str, str]:
    return clean_environment(IGBOT_HOME=str(home), DATABASE_URL=database_url, TEAMS_ALLOW_ANONYMOUS="true",
                             **slack_environment(found.slack), **extra)


async def burst(found: Platforms, server: ServeProcess) -> tuple[list[str], list[str]]:
    """Questions from three people on Slack and one on Teams, all at once; the channels and activity ids
    that were acknowledged with a 200."""
    slack = found.workspace(server)

    async def ask(number: int) -> tuple[int, str]:
        person = PEOPLE[number % len(PEOPLE)]
        channel = f"DBURST{number:04d}"
        status, _ = await slack.event({"type": "message", "channel_type": "im", "channel": channel, "user": person,
                                       "text": "help", "ts": f"{1700000000 + number}.000100"},
                                      event_id=f"EvBurst{number:05d}")
        return status, channel

    async def ask_on_teams(number: int) -> tuple[int, str]:
        activity = TEAMS_PERSON.says(found.teams.url, "help")
        async with found.session.post(server.url + "/api/messages", json=activity) as response:
            return response.status, str(activity["id"])

    slack_answers = asyncio.gather(*(ask(number) for number in range(SLACK_BURST)))
    teams_answers = asyncio.gather(*(ask_on_teams(number) for number in range(TEAMS_BURST)))
    slack_sent, teams_sent = await asyncio.wait_for(asyncio.gather(slack_answers, teams_answers), ANSWER_TIMEOUT)
    assert all(status == 200 for status, _ in slack_sent), "every Slack event was acknowledged"
    assert all(status == 200 for status, _ in teams_sent), "every Teams activity was acknowledged"
    return [channel for _, channel in slack_sent], [activity_id for _, activity_id in teams_sent]


async def answered_once(found: Platforms, channels: list[str], activity_ids: list[str], database_url: str,
                        server: ServeProcess) -> None:
    """Every acknowledged event answered, then (after a clean stop, which lets the work in flight finish) none
    answered twice, and nothing left unprocessed."""
    await found.slack.wait_until(lambda: set(found.answers()) >= set(channels), timeout=ANSWER_TIMEOUT)
    await found.teams.wait_for(len(activity_ids), timeout=ANSWER_TIMEOUT)
    if server.process is not None and server.process.returncode is None:
        assert await server.stop(signal.SIGTERM) == 0
    assert not server.errors()
    engine = create_database_engine(database_url)
    try:
        assert unprocessed_events(engine) == 0
    finally:
        engine.dispose()
    assert found.answers() == Counter({channel: 1 for channel in channels}), "each Slack event answered once"
    assert found.teams_answers() == Counter({activity_id: 1 for activity_id in activity_ids}), \
        "each Teams activity answered once"


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
async def test_events_acknowledged_before_a_stop_are_answered_once_after_the_restart(
        database_url: str, tmp_path: Path, signum: int) -> None:
    async with platforms() as found:
        # A grace too short for the held lookups: SIGTERM hands the events back rather than finishing them.
        server = ServeProcess(serve_environment(found, database_url, tmp_path / "home", SHUTDOWN_GRACE_SECONDS="0.5"))
        try:
            await server.start()
            channels, activity_ids = await burst(found, server)
            assert await server.stop(signum) == (0 if signum == signal.SIGTERM else -signal.SIGKILL)
            assert not found.slack.of("chat.postMessage"), "the held lookups kept every Slack event unanswered"
            assert len(found.teams.sent) == TEAMS_BURST, "Teams activities are answered before they are acknowledged"
            if signum == signal.SIGTERM:
                assert any("handed back received events" in line for line in server.lines)
                assert not server.errors()
            found.lookups_held.set()
            await server.start()
            await answered_once(found, channels, activity_ids, database_url, server)
        finally:
            await server.close()


async def test_a_deploy_finishes_the_work_in_flight_and_refuses_new_work_meanwhile(tmp_path: Path) -> None:
    async with platforms() as found:
        server = ServeProcess(serve_environment(found, f"sqlite:///{tmp_path / 'home' / 'igbot.db'}",
                                                tmp_path / "home", SHUTDOWN_GRACE_SECONDS="30"))
        try:
            await server.start()
            channels, activity_ids = await burst(found, server)
            server.send(signal.SIGTERM)
            await server.wait_for_line("new events are refused")
            status, _ = await found.workspace(server).dm(SAM, "help", event_id="EvDuringDrain")
            assert status == 503, "Slack is told to send it again later"
            found.lookups_held.set()
            assert await server.wait_exit() == 0
            await answered_once(found, channels, activity_ids, f"sqlite:///{tmp_path / 'home' / 'igbot.db'}", server)
        finally:
            await server.close()
