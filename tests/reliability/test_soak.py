"""A soak: 20,000 signed Slack requests at 200 a second into a real `igbot serve`, with what Slack really sends.

Of the requests, about 10% are Slack's retries of an event already sent, 5% malformed or
forged, and 5% replays of a button click already sent; the rest are new questions and new
clicks, from the thirty people of the demo directory. Afterwards: no request got a 5xx, every
malformed one a 4xx, every question was answered once and every click acted on once (each
has a channel of its own, so each answer names what it answers), and the server's memory at
the end is within 10% of what it was after the warm-up.

About two minutes a database. `IGBOT_SOAK_EVENTS` and `IGBOT_SOAK_RATE` make it longer or
faster (README, "Tests"). Marked `soak`: CI's re-runs on other dates leave it out.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import ClientSession, TCPConnector
from serve_process import ServeProcess, clean_environment, unprocessed_events
from slack_harness import FakeSlackApi, running, signature, slack_environment

from bot.core.database import DEMO_DIRECTORY
from storage.engine import create_database_engine

EVENTS = int(os.environ.get("IGBOT_SOAK_EVENTS", "20000"))
RATE = float(os.environ.get("IGBOT_SOAK_RATE", "200"))
WARM_UP = max(EVENTS // 10, 100)  # requests before memory is first measured
MEMORY_GROWTH = 0.10
ANSWER_TIMEOUT = 120.0
QUESTIONS = ("help", "what is a personal data breach?", "how long do we keep adult health records",
             "who is our data protection officer", "what is the national data opt-out", "what should I do if I lose my laptop")

pytestmark = pytest.mark.soak


def demo_people() -> dict[str, str]:
    """Slack user id -> email, for everyone in the demo directory."""
    people = yaml.safe_load(DEMO_DIRECTORY.read_text(encoding="utf-8"))
    return {f"USOAK{number:04d}": person["email"] for number, person in enumerate(people)}


@dataclass
class Load:
    """What the soak sends, decided up front from a fixed seed, and what it expects."""

    people: list[str]
    rng: random.Random = field(default_factory=lambda: random.Random(18))
    questions: list[str] = field(default_factory=list)  # channels, one per question
    clicks: list[str] = field(default_factory=list)  # channels, one per click
    sent_events: list[dict[str, Any]] = field(default_factory=list)
    sent_clicks: list[dict[str, Any]] = field(default_factory=list)
    malformed: int = 0

    def next_request(self, number: int) -> tuple[str, dict[str, Any] | bytes, bool]:
        """(kind, body or raw request, whether it should be refused)."""
        draw = self.rng.random()
        if draw < 0.05:
            self.malformed += 1
            return "malformed", self._malformed(number), True
        if draw < 0.10 and self.sent_clicks:
            return "replayed click", self.rng.choice(self.sent_clicks), False
        if draw < 0.20 and self.sent_events:
            return "retry", self.rng.choice(self.sent_events), False
        if draw < 0.25:
            return "click", self._click(number), False
        return "question", self._question(number), False

    def _question(self, number: int) -> dict[str, Any]:
        channel = f"DQUESTION{number:06d}"
        self.questions.append(channel)
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": self.rng.choice(self.people),
                 "text": self.rng.choice(QUESTIONS), "ts": f"{1700000000 + number}.000100"}
        body = {"type": "event_callback", "team_id": "T0IGBOT01", "api_app_id": "AIGBOT", "event": event,
                "event_id": f"EvSoak{number:06d}", "event_time": 1700000000 + number}
        self.sent_events.append(body)
        return body

    def _click(self, number: int) -> dict[str, Any]:
        channel = f"CCLICK{number:06d}"
        self.clicks.append(channel)
        user = self.rng.choice(self.people)
        payload = {
            "type": "block_actions", "team": {"id": "T0IGBOT01"}, "api_app_id": "AIGBOT", "token": "legacy",
            "user": {"id": user, "team_id": "T0IGBOT01"}, "trigger_id": f"trigger.soak.{number}",
            "container": {"type": "message", "message_ts": "1700000099.000100", "channel_id": channel,
                          "is_ephemeral": False},
            "channel": {"id": channel},
            "message": {"type": "message", "ts": "1700000099.000100", "text": "What can I do?", "blocks": []},
            "actions": [{"type": "button", "action_id": "igbot:choice:0", "block_id": "b", "value": "help:",
                         "action_ts": f"{1700000000 + number}.000200", "text": {"type": "plain_text", "text": "Help"}}],
        }
        self.sent_clicks.append(payload)
        return payload

    def _malformed(self, number: int) -> bytes:
        kind = number % 5
        if kind == 0:
            return b"{not json"
        if kind == 1:
            return json.dumps({"type": "event_callback", "event_id": 42, "event": "a string"}).encode()
        if kind == 2:
            return ("[" * 5000 + "]" * 5000).encode()
        if kind == 3:
            return json.dumps({"type": "event_callback", "event": {"type": "message", "text": ["not", "text"]},
                               "event_id": "EvWrong"}).encode()
        return b"FORGED"  # sent with a signature that does not match


async def send(session: ClientSession, url: str, kind: str, request: dict[str, Any] | bytes) -> int:
    if isinstance(request, bytes):
        body, content_type = request.decode(), "application/json"
    elif request.get("type") == "block_actions":
        body, content_type = urllib.parse.urlencode({"payload": json.dumps(request)}), "application/x-www-form-urlencoded"
    else:
        body, content_type = json.dumps(request), "application/json"
    stamp = str(int(time.time()))
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": signature(body if body != "FORGED" else "something else", stamp)}
    if kind == "retry":
        headers.update({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    async with session.post(url + "/slack/events", data=body.encode(), headers=headers) as response:
        await response.read()
        return response.status


async def paced(load: Load, session: ClientSession, url: str, numbers: range,
                statuses: list[tuple[str, bool, int]]) -> None:
    """Send requests `numbers` at RATE a second, each when its moment comes, without waiting for the previous one."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    tasks = []

    async def one(kind: str, request: dict[str, Any] | bytes, refused: bool) -> None:
        statuses.append((kind, refused, await send(session, url, kind, request)))

    for offset, number in enumerate(numbers):
        delay = started + offset / RATE - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)  # pacing the load, not waiting for an outcome
        tasks.append(asyncio.create_task(one(*load.next_request(number))))
    await asyncio.wait_for(asyncio.gather(*tasks), ANSWER_TIMEOUT)


async def test_soak_of_signed_slack_events(database_url: str, tmp_path: Path) -> None:
    people = demo_people()
    api = FakeSlackApi(emails=people)
    load = Load(people=list(people))
    statuses: list[tuple[str, bool, int]] = []
    async with running(api.app()) as api_url:
        api.url = api_url
        server = ServeProcess(clean_environment(IGBOT_HOME=str(tmp_path / "home"), DATABASE_URL=database_url,
                                                **slack_environment(api)))
        try:
            await server.start()
            async with ClientSession(connector=TCPConnector(limit=64)) as session:
                await paced(load, session, server.url, range(WARM_UP), statuses)
                await wait_for_answers(api, load)
                memory_after_warm_up = server.rss_kib()
                await paced(load, session, server.url, range(WARM_UP, EVENTS), statuses)
                await wait_for_answers(api, load)
            memory_at_end = server.rss_kib()
            assert await server.stop(signal.SIGTERM) == 0
        finally:
            await server.close()

    assert not [status for _, _, status in statuses if status >= 500], "no request got a 5xx"
    kinds = Counter(kind for kind, _, _ in statuses)
    assert min(kinds["retry"], kinds["replayed click"], kinds["malformed"]) > EVENTS * 0.03, kinds
    assert all(400 <= status < 500 for _, refused, status in statuses if refused), "every malformed request a 4xx"
    assert all(status == 200 for _, refused, status in statuses if not refused), "every real one acknowledged"
    posted = Counter(channel for call in api.of("chat.postMessage")  # not nudges to people's own DMs
                     if (channel := str(call.params.get("channel"))).startswith(("DQUESTION", "CCLICK")))
    assert posted == Counter({channel: 1 for channel in load.questions + load.clicks}), \
        "every question answered once, every click acted on once"
    assert len(api.of("chat.update")) == len(load.clicks), "each clicked message's buttons replaced once"
    engine = create_database_engine(database_url)
    try:
        assert unprocessed_events(engine) == 0
    finally:
        engine.dispose()
    assert not server.errors()
    assert memory_at_end <= memory_after_warm_up * (1 + MEMORY_GROWTH), (memory_after_warm_up, memory_at_end)


async def wait_for_answers(api: FakeSlackApi, load: Load) -> None:
    """Wait (on the answers arriving) until every question and click so far has one; each call is looked at once."""
    waiting = set(load.questions + load.clicks)
    looked_at = 0

    def all_answered() -> bool:
        nonlocal looked_at
        for call in api.calls[looked_at:]:
            if call.method == "chat.postMessage":
                waiting.discard(str(call.params.get("channel")))
        looked_at = len(api.calls)
        return not waiting

    await api.wait_until(all_answered, timeout=ANSWER_TIMEOUT)
