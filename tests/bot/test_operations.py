"""What an operator's tools see: /readyz, /metrics, and web and worker processes run apart."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families
from slack_harness import SAM, FakeSlackApi, SlackWorkspace, make_assistant, running, slack_environment
from sqlalchemy import create_engine

from bot.app.cli_serve import serve, work
from bot.app.operations import _local, readiness
from bot.core.assistant import Assistant
from bot.core.chat import Reply
from bot.core.outbox import queue
from bot.core.settings import load_settings
from storage import directory
from storage.engine import session_scope
from storage.outbox import OutboxStatus
from storage.outbox import get_all as outbox_rows


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


def _samples(page: str) -> dict[str, float]:
    """Each sample on a /metrics page by its name and labels, as Prometheus writes them."""
    return {sample.name + "{" + ",".join(f'{key}="{value}"' for key, value in sorted(sample.labels.items())) + "}":
            sample.value for family in text_string_to_metric_families(page) for sample in family.samples}


async def test_metrics_show_answers_declines_deliveries_failures_and_the_outbox(database_url: str,
                                                                                tmp_path: Path) -> None:
    api = FakeSlackApi(emails={SAM: "sam.okafor@example.org"})
    async with running(api.app()) as api_url:
        api.url = api_url
        assistant = make_assistant(database_url, tmp_path, slack_environment(api, SLACK_IG_CHANNEL="CIGTEAM"))
        try:
            async with serving(assistant) as url, ClientSession() as session:
                async def scrape() -> dict[str, float]:
                    async with session.get(url + "/metrics") as answer:
                        assert answer.status == 200
                        return _samples(await answer.text())

                before = await scrape()
                slack = SlackWorkspace(server_url=url, api=api, session=session)
                await slack.dm(SAM, "how do I report a data breach?")
                await slack.dm(SAM, "how long have we got to tell the ICO about a breach")  # a close call: two answers
                await slack.dm(SAM, "can I wear smart glasses that record video on a home visit?")
                await slack.dm(SAM, "what time does the staff canteen open on saturdays?")
                await api.wait_for("chat.postMessage", count=6)
                with session_scope(assistant.engine) as db:
                    now = assistant.clock.now()
                    queue(session=db, dedup_key="for-the-team", replies=[Reply(text="a notice")], now=now,
                          to_ig_team=True)
                    unreachable = directory.get_by_email(session=db, email="harriet.osei@example.org")
                    assert unreachable is not None, "in the directory, but not in this Slack workspace"
                    queue(session=db, dedup_key="for-nobody", replies=[Reply(text="a note")], now=now,
                          staff_id=unreachable.id)
                    queue(session=db, dedup_key="given-up", replies=[Reply(text="old")], now=now, to_ig_team=True,
                          not_before=now + dt.timedelta(days=1))
                    [given_up] = [m for m in outbox_rows(session=db) if m.dedup_key == "given-up"]
                    given_up.status = OutboxStatus.FAILED.value
                    db.add(given_up)
                await api.wait_for("chat.postMessage", count=7)
                after = await scrape()

                def grew(name: str) -> float:
                    return after.get(name, 0) - before.get(name, 0)

                for _ in range(200):  # the worker counts each attempt once it has recorded what came of it
                    if (grew("igbot_deliveries_total{}") and grew('igbot_delivery_failures_total{then="retry"}')
                            and after.get("igbot_outbox_delivered{}", 0) >= 1):
                        break
                    await asyncio.sleep(0.05)
                    after = await scrape()

            assert grew("igbot_answers_total{}") == 2
            assert grew("igbot_close_calls_total{}") == 1
            assert grew("igbot_declines_total{}") == 1
            assert grew("igbot_not_about_ig_total{}") == 1
            assert grew("igbot_deliveries_total{}") >= 1
            assert grew('igbot_delivery_failures_total{then="retry"}') >= 1
            assert grew('igbot_http_requests_total{route="/slack/events",status="200"}') >= 2
            assert grew('igbot_turn_seconds_count{channel="slack"}') == 4
            assert any(name.startswith("igbot_turn_seconds_bucket{") for name in after), "turn latency is a histogram"
            assert after["igbot_outbox_dead_letters{}"] == 1
            assert after["igbot_outbox_pending{}"] >= 1, "the message for nobody waits to be tried again"
            assert after["igbot_outbox_delivered{}"] >= 1
            assert after["igbot_outbox_oldest_pending_seconds{}"] >= 0
        finally:
            assistant.engine.dispose()
