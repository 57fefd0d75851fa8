"""Teams Q&A through igbot's real server to a local fake Bot Connector: throughput and latency.

Each request is a signed Bot Framework message activity (a question from one of the demo
staff) POSTed to /api/messages; the clock stops when the answer card reaches the fake
connector. Token checking, the conversation-reference write, the knowledge-base answer and
the outbound connector call are all included. Nothing leaves the machine.

    uv run python benchmarks/bench_teams.py [--requests 600] [--concurrency 16] [--anonymous]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import jwt
import yaml
from aiohttp import web
from aiohttp.test_utils import TestServer
from chat_load import QUESTIONS, percentile
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.core.assistant import Assistant
from bot.core.database import DEMO_DIRECTORY
from bot.app.assembly import build_conversation
from bot.core.profile import load_profile
from bot.app.server import build_web_app
from bot.core.settings import load_settings
from storage import migrate
from storage.engine import create_database_engine, session_scope
from storage.seed import import_directory

APP_ID = "0f5b8c1e-6a7d-4c2b-9e3f-1a2b3c4d5e6f"
TENANT_ID = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
ISSUER = "https://api.botframework.com"


@dataclass
class FakeConnector:
    """Receives igbot's answers and notes when each arrived; also serves the roster, token and keys."""

    key: rsa.RSAPrivateKey
    people: dict[str, dict[str, str]]
    arrived: dict[str, float] = field(default_factory=dict)
    waiting: dict[str, asyncio.Event] = field(default_factory=dict)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self.receive)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self.member)
        app.router.add_post("/token", self.token)
        app.router.add_get("/openid", self.openid)
        app.router.add_get("/keys", self.keys)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        reply_to = request.match_info["reply_to"]
        await request.read()
        self.arrived[reply_to] = time.perf_counter()
        if reply_to in self.waiting:
            self.waiting[reply_to].set()
        return web.json_response({"id": "sent"})

    async def member(self, request: web.Request) -> web.Response:
        found = self.people.get(request.match_info["member"])
        return web.json_response(found) if found else web.json_response({}, status=404)

    async def token(self, request: web.Request) -> web.Response:
        return web.json_response({"access_token": "bench-token", "expires_in": 3600, "token_type": "Bearer"})

    async def openid(self, request: web.Request) -> web.Response:
        return web.json_response({"issuer": ISSUER, "jwks_uri": self.url + "keys"})

    async def keys(self, request: web.Request) -> web.Response:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        public.update(kid="bench", use="sig", endorsements=["msteams"])
        return web.json_response({"keys": [public]})


def _people() -> dict[str, dict[str, str]]:
    entries = yaml.safe_load(DEMO_DIRECTORY.read_text())
    return {f"29:user-{number}": {"id": f"29:user-{number}", "email": entry["email"], "name": entry["name"],
                                  "aadObjectId": f"00000000-0000-4000-8000-{number:012d}"}
            for number, entry in enumerate(entries)}


def _activity(number: int, person: dict[str, str], service_url: str) -> dict[str, object]:
    return {
        "type": "message", "id": f"bench-{number}", "channelId": "msteams", "serviceUrl": service_url,
        "from": {"id": person["id"], "name": person["name"], "aadObjectId": person["aadObjectId"]},
        "recipient": {"id": "28:" + APP_ID, "name": "igbot"},
        "conversation": {"id": f"a:personal-{person['id']}", "conversationType": "personal", "tenantId": TENANT_ID},
        "text": QUESTIONS[number % len(QUESTIONS)], "textFormat": "plain",
    }


async def run(requests: int, concurrency: int, anonymous: bool) -> None:
    home = Path(tempfile.mkdtemp(prefix="igbot-bench-teams-"))
    engine = create_database_engine(f"sqlite:///{home / 'igbot.db'}")
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        import_directory(session=session, path=DEMO_DIRECTORY)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fake = FakeConnector(key=key, people=_people())
    connector = TestServer(fake.app())
    await connector.start_server()
    fake.url = str(connector.make_url("/"))
    env = {"IGBOT_HOME": str(home), "LOG_LEVEL": "WARNING"}
    if anonymous:
        env["TEAMS_ALLOW_ANONYMOUS"] = "true"
    else:
        env.update(TEAMS_APP_ID=APP_ID, TEAMS_APP_PASSWORD="secret", TEAMS_TENANT_ID=TENANT_ID,
                   TEAMS_OPENID_METADATA_URL=fake.url + "openid", TEAMS_TOKEN_URL=fake.url + "token")
    settings = load_settings(env)
    profile = load_profile(settings.profile_path)
    assistant = Assistant(settings=settings, profile=profile, engine=engine,
                          conversation=build_conversation(profile, engine))
    server = TestServer(build_web_app(assistant))
    await server.start_server()
    token = jwt.encode({"iss": ISSUER, "aud": APP_ID, "serviceurl": fake.url, "exp": int(time.time()) + 3600},
                       key, algorithm="RS256", headers={"kid": "bench"})
    headers = {} if anonymous else {"Authorization": f"Bearer {token}"}
    people = list(fake.people.values())
    latencies: list[float] = []
    async with aiohttp.ClientSession(headers=headers) as http:
        url = str(server.make_url("/api/messages"))

        async def ask(number: int) -> None:
            activity = _activity(number, people[number % len(people)], fake.url)
            fake.waiting[str(activity["id"])] = asyncio.Event()
            started = time.perf_counter()
            async with http.post(url, json=activity) as response:
                assert response.status == 200, await response.text()
            await asyncio.wait_for(fake.waiting[str(activity["id"])].wait(), 30)
            latencies.append(fake.arrived[str(activity["id"])] - started)

        for number in range(len(people)):  # warm-up: everyone introduces themselves once
            await ask(number)
        latencies.clear()
        gate = asyncio.Semaphore(concurrency)

        async def limited(number: int) -> None:
            async with gate:
                await ask(number)

        began = time.perf_counter()
        await asyncio.gather(*(limited(len(people) + number) for number in range(requests)))
        elapsed = time.perf_counter() - began
    await server.close()
    await connector.close()
    ordered = sorted(latencies)
    p99 = percentile(latencies, 0.99)
    mode = "anonymous" if anonymous else "signed (JWT checked, outbound token)"
    print(f"Teams Q&A, {mode}: {requests} questions, concurrency {concurrency}, SQLite")
    print(f"  throughput  {requests / elapsed:7.1f} answers/s")
    print(f"  latency p50 {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   "
          f"max {ordered[-1] * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--anonymous", action="store_true", help="skip token checking, as in local testing")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.requests, arguments.concurrency, arguments.anonymous))


if __name__ == "__main__":
    main()
