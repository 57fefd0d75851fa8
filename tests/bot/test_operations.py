"""What an operator's tools see: /readyz, /metrics, and web and worker processes run apart."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import ClientSession
from slack_harness import SAM, FakeSlackApi, SlackWorkspace, make_assistant, running, slack_environment
from sqlalchemy import create_engine

from bot.app.cli_serve import serve, work
from bot.app.operations import _local, readiness
from bot.core.assistant import Assistant
from bot.core.chat import Reply
from bot.core.outbox import queue
from bot.core.settings import load_settings
from storage.engine import session_scope


@asynccontextmanager
async def serving(assistant: Assistant, *, worker: bool = True) -> AsyncIterator[str]:
    stop = asyncio.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        task = asyncio.ensure_future(serve(assistant, listener=listener, worker=worker, stop=stop))
        try:
            async with ClientSession() as session:
                for _ in range(200):
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/healthz"):
                            break
                    except OSError:
                        await asyncio.sleep(0.02)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)


async def test_readyz_says_ready_with_each_check_and_metrics_count_requests(database_url: str, tmp_path: Path) -> None:
    api = FakeSlackApi(emails={SAM: "sam.okafor@example.org"})
    async with running(api.app()) as api_url:
        api.url = api_url
        assistant = make_assistant(database_url, tmp_path, slack_environment(api))
        try:
            async with serving(assistant) as url, ClientSession() as session:
                async with session.get(url + "/readyz") as answer:
                    assert answer.status == 200
                    assert await answer.json() == {"status": "ready", "checks": {
                        "database": "ok", "migrations": "ok", "background_jobs": "ok"}}
                await SlackWorkspace(server_url=url, api=api, session=session).dm(SAM, "help")
                await api.wait_for("chat.postMessage")
                async with session.get(url + "/metrics") as answer:
                    assert answer.status == 200
                    page = await answer.text()
            assert 'igbot_http_requests_total{route="/slack/events",status="200"}' in page
            assert 'igbot_turn_seconds_count{channel="slack"}' in page
            assert "igbot_outbox_pending " in page and "igbot_outbox_oldest_pending_seconds " in page
        finally:
            assistant.engine.dispose()


async def test_a_web_only_server_leaves_the_jobs_to_a_worker(database_url: str, tmp_path: Path) -> None:
    api = FakeSlackApi(emails={SAM: "sam.okafor@example.org"})
    async with running(api.app()) as api_url:
        api.url = api_url
        assistant = make_assistant(database_url, tmp_path, slack_environment(api, SLACK_IG_CHANNEL="CIGTEAM"))
        try:
            with session_scope(assistant.engine) as session:
                queue(session=session, dedup_key="ops-test", replies=[Reply(text="for the IG team")],
                      now=assistant.clock.now(), to_ig_team=True)
            async with serving(assistant, worker=False) as url, ClientSession() as session:
                async with session.get(url + "/readyz") as answer:
                    assert (await answer.json())["checks"] == {"database": "ok", "migrations": "ok"}
                assert not api.of("chat.postMessage"), "the web server delivers nothing"
            stop = asyncio.Event()
            worker = asyncio.ensure_future(work(assistant, stop=stop))
            [delivered] = await api.wait_for("chat.postMessage", timeout=20)
            assert delivered.params["channel"] == "CIGTEAM"
            stop.set()
            await asyncio.wait_for(worker, 30)
        finally:
            assistant.engine.dispose()


def test_readiness_names_an_unreachable_database_and_missing_migrations(tmp_path: Path) -> None:
    assert readiness(create_engine(f"sqlite:///{tmp_path / 'empty.db'}"))["migrations"].endswith(
        "not applied: run igbot db upgrade")
    unreachable = readiness(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    assert unreachable == {"database": "unreachable (OperationalError)"}


def test_metrics_are_for_this_machine_unless_made_public() -> None:
    assert _local("127.0.0.1") and _local("::1")
    assert not _local("10.1.2.3") and not _local(None) and not _local("not an address")
    assert load_settings({"METRICS_PUBLIC": "true"}).metrics_public
    assert not load_settings({}).metrics_public
