"""`igbot serve` as an operator runs it: a real process on a real port, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy import text
from slack_harness import SAM, TEAM_ID, FakeSlackApi, SlackWorkspace, make_assistant, slack_environment

from bot.app.cli_serve import serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    kept = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TEAMS_", "DATABASE_"))}
    return {**kept, "IGBOT_HOME": str(tmp_path), **values}


@asynccontextmanager
async def igbot_serve(tmp_path: Path, *arguments: str, **values: str) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli", "serve", *arguments, env=environment(tmp_path, **values),
        stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL)
    assert process.stderr is not None
    try:
        while True:
            line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
            assert line, "igbot serve stopped before it was listening"
            if "igbot is listening" in line:
                yield json.loads(line)["url"], process
                break
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)


async def test_igbot_serve_answers_health_checks_and_slack_then_stops_cleanly(
    slack_api: FakeSlackApi, tmp_path: Path
) -> None:
    port = str(free_port())
    async with igbot_serve(tmp_path, "--port", port, **slack_environment(slack_api)) as (url, process), \
            ClientSession() as session:
        assert url == f"http://127.0.0.1:{port}"
        async with session.get(url + "/healthz") as health:
            assert health.status == 200 and (await health.json()) == {"status": "ok"}
        await SlackWorkspace(server_url=url, api=slack_api, session=session).dm(SAM, "help")
        [answer] = await slack_api.wait_for("chat.postMessage", timeout=30)
        assert "Hello Sam Okafor" in answer.text
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0


async def test_without_slack_settings_slack_is_not_mounted(tmp_path: Path) -> None:
    async with igbot_serve(tmp_path, "--port", str(free_port())) as (url, _), ClientSession() as session:
        async with session.post(url + "/slack/events", data=b"{}") as answer:
            assert answer.status == 404


def run_igbot(tmp_path: Path, *arguments: str, **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.app.cli", *arguments], env=environment(tmp_path, **values),
                          capture_output=True, text=True, timeout=120)


def test_socket_mode_without_an_app_token_is_one_sentence(tmp_path: Path) -> None:
    result = run_igbot(tmp_path, "serve", "--socket-mode", SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="secret")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "igbot: --socket-mode needs SLACK_APP_TOKEN, an app-level token starting with xapp-.")


def test_a_port_in_use_is_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_igbot(tmp_path, "serve", "--port", str(port))
    assert result.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use: choose another with --port." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_port_is_explained(tmp_path: Path) -> None:
    result = run_igbot(tmp_path, "serve", "--port", "eighty")
    assert result.returncode == 2 and "'eighty' is not a port number" in result.stderr


@pytest.mark.parametrize("also_over_http", [False, True], ids=["socket-only", "socket-and-http"])
async def test_socket_mode_answers_over_the_websocket_without_a_public_url(
    slack_api: FakeSlackApi, database_url: str, tmp_path: Path, also_over_http: bool
) -> None:
    environment = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_APP_TOKEN": "xapp-test-token",
                   "SLACK_API_URL": slack_api.api_url, **({"SLACK_SIGNING_SECRET": "secret"} if also_over_http else {})}
    assistant = make_assistant(database_url, tmp_path, environment)
    stop = asyncio.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        serving = asyncio.ensure_future(serve(assistant, listener=listener, socket_mode=True, stop=stop))
        try:
            envelope = await slack_api.push("events_api", _socket_event("EvSocket01", "D0SAM0001"))
            [answer] = await slack_api.wait_for("chat.postMessage")
            assert "Hello Sam Okafor" in answer.text
            assert envelope in _acknowledged(slack_api)

            # Slack sends the event again (its acknowledgement lost on the way): acknowledged, not answered again.
            again = await slack_api.push("events_api", _socket_event("EvSocket01", "D0SAM0001"))
            await slack_api.wait_until(lambda: again in _acknowledged(slack_api))
            await slack_api.push("events_api", _socket_event("EvSocket02", "D0SAM0002"))
            await slack_api.wait_until(lambda: len(slack_api.of("chat.postMessage")) >= 2)
        finally:
            stop.set()
            await asyncio.wait_for(serving, 30)
        try:
            assert [call.params["channel"] for call in slack_api.of("chat.postMessage")] == ["D0SAM0001", "D0SAM0002"]
            with assistant.engine.connect() as connection:  # each stored before it was acknowledged, then processed
                rows = connection.execute(text("SELECT processed_at IS NOT NULL FROM received_event "
                                               "WHERE channel = 'slack'")).scalars().all()
            assert rows == [True, True]
        finally:
            assistant.engine.dispose()


def _socket_event(event_id: str, channel: str) -> dict[str, object]:
    event = {"type": "message", "channel_type": "im", "channel": channel, "user": SAM, "text": "help",
             "ts": f"1.{event_id[-2:]}0001"}
    return {"type": "event_callback", "team_id": TEAM_ID, "event": event, "event_id": event_id}


def _acknowledged(slack_api: FakeSlackApi) -> list[str]:
    return [call.params["envelope_id"] for call in slack_api.of("socket ack")]


async def test_over_socket_mode_the_outbox_still_reaches_slack(
    slack_api: FakeSlackApi, database_url: str, tmp_path: Path
) -> None:
    from bot.core.chat import Reply
    from bot.core import outbox
    from storage.engine import session_scope

    environment = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_APP_TOKEN": "xapp-test-token",
                   "SLACK_API_URL": slack_api.api_url, "SLACK_IG_CHANNEL": "C0IGTEAM"}
    assistant = make_assistant(database_url, tmp_path, environment)
    with session_scope(assistant.engine) as session:
        outbox.queue(session=session, dedup_key="notice-socket-1", to_ig_team=True, now=assistant.clock.now(),
                     replies=[Reply(title="New incident IG-2026-0002", text="Waiting for triage.")])
    stop = asyncio.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        serving = asyncio.ensure_future(serve(assistant, listener=listener, socket_mode=True, stop=stop))
        try:
            [notice] = await slack_api.wait_for("chat.postMessage", timeout=30)
            assert notice.params["channel"] == "C0IGTEAM" and "IG-2026-0002" in notice.text
        finally:
            stop.set()
            await asyncio.wait_for(serving, 30)
            assistant.engine.dispose()


async def test_igbot_serve_delivers_the_outbox_to_the_ig_team_channel(slack_api: FakeSlackApi, tmp_path: Path) -> None:
    from bot.core.clock import Clock
    from bot.core.database import open_database
    from bot.core.chat import Reply
    from bot.core.settings import load_settings
    from bot.core import outbox
    from storage.engine import session_scope

    engine = open_database(load_settings({"IGBOT_HOME": str(tmp_path)}))
    with session_scope(engine) as session:
        outbox.queue(session=session, dedup_key="notice-1", to_ig_team=True, now=Clock().now(),  # `igbot serve` runs on the wall clock
                     replies=[Reply(title="New incident IG-2026-0001", text="Waiting for triage.")])
    engine.dispose()
    values = {**slack_environment(slack_api), "SLACK_IG_CHANNEL": "C0IGTEAM"}
    async with igbot_serve(tmp_path, "--port", str(free_port()), **values):
        [notice] = await slack_api.wait_for("chat.postMessage", timeout=30)
    assert notice.params["channel"] == "C0IGTEAM"
    assert "IG-2026-0001" in notice.text
