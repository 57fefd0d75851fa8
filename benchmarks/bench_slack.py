"""Slack Q&A through `igbot serve`, side by side with a bare bolt app that only acknowledges and posts "ok".

Both apps run as their own processes on local ports; this process is Slack: it signs Events
API requests (direct-message questions from the demo staff) and hosts a fake Web API that
notes when each answer arrives. Each event has its own channel id, so every answer is matched
to its question. Two phases per app:

- paced: events at a fixed rate (default 200/s) for a few seconds; acknowledgement latency
  (POST to HTTP 200) p50/p99, and answer latency;
- flat out: a batch of events with bounded concurrency; answers per second end to end.

    uv run python benchmarks/bench_slack.py [--rate 200] [--seconds 10] [--burst 2000] [--concurrency 64]
                                            [--database-url postgresql://...]

Targets: igbot's acknowledgement p99 at most 100 ms at 200 events/s, and igbot's end-to-end
answer throughput at least half of the bare app's. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from aiohttp import ClientSession, TCPConnector, web
from chat_load import QUESTIONS, percentile

from bot.core.database import DEMO_DIRECTORY

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret-0123456789"
TOKEN = "xoxb-bench"


def demo_people() -> dict[str, str]:
    """Slack user id -> email, for everyone in the demo directory."""
    people = yaml.safe_load(DEMO_DIRECTORY.read_text(encoding="utf-8"))
    return {f"UBENCH{number:04d}": person["email"] for number, person in enumerate(people)}


@dataclass
class FakeWebApi:
    """Just enough of Slack's Web API; notes when the answer to each event's channel arrives."""

    emails: dict[str, str]
    answered: dict[str, float] = field(default_factory=dict)
    waiting: dict[str, asyncio.Event] = field(default_factory=dict)
    ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.call)
        return app

    async def call(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            params.update(await request.json() if request.content_type == "application/json" else await request.post())
        if method == "chat.postMessage":
            channel = str(params.get("channel"))
            self.answered.setdefault(channel, time.perf_counter())
            if channel in self.waiting:
                self.waiting[channel].set()
            return web.json_response({"ok": True, "channel": channel, "ts": f"{next(self.ts)}.0001"})
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "TBENCH"})
        if method == "users.info":
            user = str(params.get("user"))
            return web.json_response({"ok": True, "user": {"id": user, "profile": {"email": self.emails.get(user, "")}}})
        if method == "conversations.open":
            return web.json_response({"ok": True, "channel": {"id": "D" + str(params.get("users"))}})
        return web.json_response({"ok": True})


@dataclass
class Measurement:
    name: str
    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    refused: int = 0
    lost: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0

    @property
    def answered(self) -> int:
        return len(self.answers)


def signed(body: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Slack:
    """Sends signed direct-message events and waits for their answers."""

    url: str
    api: FakeWebApi
    session: ClientSession
    users: list[str]
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def ask(self, measurement: Measurement, timeout: float = 30.0) -> None:
        number = next(self.ids)
        user = self.users[number % len(self.users)]
        channel = f"DQ{number:07d}"
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": user,
                 "text": QUESTIONS[number % len(QUESTIONS)], "ts": f"{number}.000001"}
        body = json.dumps({"type": "event_callback", "team_id": "TBENCH", "event": event,
                           "event_id": f"EvB{number:09d}", "event_time": int(time.time())})
        answered = self.api.waiting[channel] = asyncio.Event()
        started = time.perf_counter()
        async with self.session.post(self.url + "/slack/events", data=body.encode(), headers=signed(body)) as response:
            await response.read()
            measurement.acks.append(time.perf_counter() - started)
            if response.status != 200:
                measurement.refused += 1
                return
        try:
            await asyncio.wait_for(answered.wait(), timeout)
        except TimeoutError:
            measurement.lost += 1
            return
        finally:
            del self.api.waiting[channel]
        measurement.answers.append(self.api.answered.pop(channel) - started)


async def paced(slack: Slack, name: str, rate: float, seconds: float) -> Measurement:
    measurement = Measurement(name)
    count = int(rate * seconds)
    start = time.perf_counter()
    tasks = []
    for number in range(count):
        delay = start + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(slack.ask(measurement)))
    await asyncio.gather(*tasks)
    measurement.elapsed = time.perf_counter() - start
    return measurement


async def flat_out(slack: Slack, name: str, total: int, concurrency: int) -> Measurement:
    measurement = Measurement(name)
    remaining = iter(range(total))

    async def worker() -> None:
        for _ in remaining:
            await slack.ask(measurement)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    measurement.elapsed = time.perf_counter() - start
    return measurement


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def running(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time so far of a process and its children (Linux)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Server:
    url: str
    pid: int


@asynccontextmanager
async def process(arguments: list[str], env: dict[str, str], port: int) -> AsyncIterator[Server]:
    """A server process; ready when /healthz answers."""
    child = await asyncio.create_subprocess_exec(sys.executable, *arguments, env=env, cwd=ROOT,
                                                 stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        async with ClientSession() as probe:
            for _ in range(600):
                if child.returncode is not None:
                    raise SystemExit(f"{arguments} exited with {child.returncode}")
                try:
                    async with probe.get(url + "/healthz") as health:
                        if health.status == 200:
                            break
                except OSError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise SystemExit(f"{arguments} did not answer /healthz within 60 s")
        yield Server(url=url, pid=child.pid)
    finally:
        child.terminate()
        await child.wait()


def environment(api_url: str, home: str, database_url: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TEAMS_", "DATABASE_"))}
    env.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url,
                "IGBOT_HOME": home, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


async def measure(name: str, server: Server, api: FakeWebApi,
                  arguments: argparse.Namespace) -> tuple[Measurement, Measurement]:
    users = sorted(api.emails)
    connector = TCPConnector(limit=512)
    async with ClientSession(connector=connector) as session:
        slack = Slack(url=server.url, api=api, session=session, users=users)
        warm_up = Measurement("warm-up")
        await asyncio.gather(*(slack.ask(warm_up) for _ in users))  # links every person, fills caches
        rate = await paced(slack, name, arguments.rate, arguments.seconds)
        before = cpu_seconds(server.pid)
        burst = await flat_out(slack, name, arguments.burst, arguments.concurrency)
        burst.cpu = cpu_seconds(server.pid) - before
    return rate, burst


def row(label: str, paced_run: Measurement, burst: Measurement) -> str:
    ms = 1000.0
    return (f"| {label} | {len(paced_run.acks) / paced_run.elapsed:.0f}/s | {percentile(paced_run.acks, 0.5) * ms:.1f} ms "
            f"| {percentile(paced_run.acks, 0.99) * ms:.1f} ms | {percentile(paced_run.answers, 0.5) * ms:.0f} ms "
            f"| {percentile(paced_run.answers, 0.99) * ms:.0f} ms | {burst.answered / burst.elapsed:.0f}/s "
            f"| {burst.cpu / max(burst.answered, 1) * ms:.2f} ms | {paced_run.refused + burst.refused} "
            f"| {paced_run.lost + burst.lost} |")


async def main(arguments: argparse.Namespace) -> int:
    api = FakeWebApi(emails=demo_people())
    async with running(api.app()) as api_url:
        results = {}
        with tempfile.TemporaryDirectory() as home:
            igbot_port = free_port()
            igbot = ["-m", "bot.app.cli", "serve", "--port", str(igbot_port)]
            async with process(igbot, environment(api_url + "/api", home, arguments.database_url), igbot_port) as server:
                results["igbot"] = await measure("igbot", server, api, arguments)
        with tempfile.TemporaryDirectory() as home:
            bare_port = free_port()
            bare = [str(Path(__file__).resolve()), "--serve-bare", str(bare_port)]
            async with process(bare, environment(api_url + "/api", home, None), bare_port) as server:
                results["bare bolt"] = await measure("bare", server, api, arguments)
    print(f"\nSigned Q&A events: paced at {arguments.rate:.0f}/s for {arguments.seconds:.0f} s, "
          f"then {arguments.burst} flat out with concurrency {arguments.concurrency}.\n")
    print("| app | paced rate | ack p50 | ack p99 | answer p50 | answer p99 | flat-out answers | CPU per answer "
          "| refused | lost |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, (paced_run, burst) in results.items():
        print(row(label, paced_run, burst))
    igbot_paced, igbot_burst = results["igbot"]
    bare_paced, bare_burst = results["bare bolt"]
    ratio = (igbot_burst.answered / igbot_burst.elapsed) / (bare_burst.answered / bare_burst.elapsed)
    ack_p99 = percentile(igbot_paced.acks, 0.99) * 1000
    print(f"\nigbot / bare throughput ratio: {ratio:.2f} (target ≥ 0.50)")
    print(f"igbot acknowledgement p99 at {arguments.rate:.0f}/s: {ack_p99:.1f} ms (target ≤ 100 ms)")
    failures = igbot_paced.refused + igbot_paced.lost + igbot_burst.refused + igbot_burst.lost
    met = ratio >= 0.5 and ack_p99 <= 100 and failures == 0
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


def serve_bare(port: int) -> None:
    """The baseline: a bolt app on aiohttp that acknowledges each event and posts "ok"."""
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token=TOKEN, base_url=os.environ["SLACK_API_URL"].rstrip("/") + "/")
    bolt = AsyncApp(client=client, signing_secret=SECRET)

    @bolt.event("message")
    async def answer(event: dict[str, str], say) -> None:  # type: ignore[no-untyped-def]  # bolt injects `say`
        await say("ok")

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def open_session(app: web.Application) -> None:
        client.session = ClientSession()

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", healthz)
    app.on_startup.append(open_session)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="paced events per second (default 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the paced phase (default 10)")
    parser.add_argument("--burst", type=int, default=2000, help="events in the flat-out phase (default 2000)")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight when flat out (default 64)")
    parser.add_argument("--database-url", help="igbot's database (default: SQLite in a temporary directory)")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    options = parse()
    if options.serve_bare:
        serve_bare(options.serve_bare)
        raise SystemExit(0)
    raise SystemExit(asyncio.run(main(options)))
