"""A fake Slack for end-to-end tests: the Web API igbot calls, and the workspace that sends igbot signed requests.

`FakeSlackApi` is a small real aiohttp server that records every call (method, parameters,
time) and answers the methods igbot uses; it can answer 429 with Retry-After on demand.
`SlackWorkspace` sends igbot what Slack would: events, `/ig` commands, button clicks and
modal submissions, each signed with the signing secret over real HTTP.

Other test folders can import `slack_harness` too: pytest puts this folder on the path (pyproject.toml).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, web

from bot.core.assistant import Assistant
from bot.core.clock import Clock, SettableClock
from bot.core.database import seed_demo
from bot.app.assembly import build_assistant
from bot.core.profile import load_profile
from bot.app.server import build_web_app
from bot.core.settings import default_database_url, load_settings
from moments import MONDAY_MORNING
from storage import migrate
from storage.engine import create_database_engine


# Slack users of the invented workspace, and the emails Slack holds for them.
SAM, HARRIET, NED, VISITOR = "USAMOKAFOR", "UHARRIETO", "UNEDASHW", "UVISITOR1"
EMAILS = {
    SAM: "sam.okafor@example.org",
    HARRIET: "harriet.osei@example.org",
    NED: "ned.ashworth@example.org",
    VISITOR: "visiting.locum@agency.example",
}


SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
TEAM_ID = "T0IGBOT01"
BOT_USER_ID = "UIGBOT001"
_JSON_FIELDS = ("blocks", "view", "attachments")


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float

    @property
    def text(self) -> str:
        """All visible text of a posted message or view, for asserting on what a person would read."""
        return "\n".join(_texts(self.params.get("blocks") or self.params.get("view") or self.params.get("text")))


def _texts(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            return [node["text"]]
        return [text for key, value in node.items() if key not in ("value", "action_id", "block_id", "private_metadata")
                for text in _texts(value)]
    return []


def buttons(call: Call) -> dict[str, str]:
    """label -> value of every button in a posted message or view."""
    found: dict[str, str] = {}
    blocks = call.params.get("blocks") or (call.params.get("view") or {}).get("blocks") or []
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["text"]["text"]] = element["value"]
    return found


@dataclass
class FakeSlackApi:
    """Slack's Web API, and the `response_url`s it hands out, on an ephemeral local port."""

    emails: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    _rate_limited: dict[str, list[int]] = field(default_factory=dict)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ts: Any = field(default_factory=lambda: itertools.count(1))
    _websocket: web.WebSocketResponse | None = None

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/respond/{name}"

    def rate_limit_next(self, method: str, *, retry_after: int = 1) -> None:
        """The next call of `method` gets 429 with Retry-After; the one after succeeds."""
        self._rate_limited.setdefault(method, []).append(retry_after)

    def of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait (on the calls arriving, not on a clock) until `method` has been called `count` times."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.of(method)) >= count), timeout)
        return self.of(method)

    async def wait_until(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(check), timeout)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_get("/socket", self._socket)
        return app

    async def push(self, kind: str, payload: dict[str, Any]) -> str:
        """Socket Mode: send an envelope down the connected websocket; returns its envelope id."""
        await self.wait_until(lambda: self._websocket is not None)
        assert self._websocket is not None
        envelope_id = f"envelope-{next(self._ts)}"
        await self._websocket.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                         "accepts_response_payload": kind != "events_api", "retry_attempt": 0})
        return envelope_id

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse()
        await websocket.prepare(request)
        await websocket.send_json({"type": "hello", "num_connections": 1})
        async with self._changed:
            self._websocket = websocket
            self._changed.notify_all()
        async for message in websocket:
            await self._record("socket ack", json.loads(message.data))
        return websocket

    async def _record(self, method: str, params: dict[str, Any]) -> None:
        async with self._changed:
            self.calls.append(Call(method=method, params=params, at=time.monotonic()))
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        waits = self._rate_limited.get(method)
        if waits:
            await self._record(method + " (rate limited)", params)
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(waits.pop(0))})
        await self._record(method, params)
        return web.json_response(self._answer(method, params))

    async def _respond(self, request: web.Request) -> web.Response:
        params = await _params(request)
        params["response_url"] = request.match_info["name"]
        waits = self._rate_limited.get("response_url")
        if waits:
            await self._record("response_url (rate limited)", params)
            return web.Response(status=429, text="rate limited", headers={"Retry-After": str(waits.pop(0))})
        await self._record("response_url", params)
        return web.Response(text="ok")

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": "BIGBOT001", "team_id": TEAM_ID, "team": "Test",
                    "user": "igbot", "url": "https://test.slack.example/"}
        if method == "users.info":
            user = params.get("user", "")
            if user not in self.emails:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": {"id": user, "is_bot": False, "deleted": False,
                                         "profile": {"email": self.emails[user]}}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).lstrip("U")}}
        if method in ("chat.postMessage", "chat.update"):
            return {"ok": True, "channel": params.get("channel"), "ts": f"{1700000000 + next(self._ts)}.000100"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", **(params.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method == "GET":
        pass
    elif request.content_type == "application/json":
        params.update(await request.json())
    else:
        params.update(await request.post())
    for key in _JSON_FIELDS:
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


async def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `check()` holds (for things with no event to wait on, such as a log line), or fail."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.01)


def signature(body: str, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass
class SlackWorkspace:
    """What Slack sends igbot when people use it: each request signed, over real HTTP."""

    server_url: str
    api: FakeSlackApi
    session: ClientSession
    team_id: str = TEAM_ID
    secret: str = SIGNING_SECRET
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    async def send(self, body: str, *, content_type: str, timestamp: int | None = None,
                   headers: dict[str, str] | None = None, secret: str | None = None) -> tuple[int, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                       "X-Slack-Signature": signature(body, stamp, secret or self.secret), **(headers or {})}
        async with self.session.post(self.server_url + "/slack/events", data=body.encode(), headers=all_headers) as answer:
            return answer.status, await answer.text()

    async def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None,
                    team_id: str | None = None) -> tuple[int, str]:
        body = json.dumps({"type": "event_callback", "team_id": team_id or self.team_id, "api_app_id": "AIGBOT",
                           "event": event, "event_id": event_id or f"Ev{next(self._ids):08d}",
                           "event_time": int(time.time())})
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.send(body, content_type="application/json", headers=headers)

    async def dm(self, user: str, text: str, **kwargs: Any) -> tuple[int, str]:
        ts = f"{1600000000 + next(self._ids)}.000001"
        return await self.event({"type": "message", "channel_type": "im", "channel": "D" + user.lstrip("U"),
                                 "user": user, "text": text, "ts": ts}, **kwargs)

    async def mention(self, user: str, text: str, *, channel: str = "CTEAMROOM", ts: str = "1650000000.000100",
                      thread_ts: str | None = None) -> tuple[int, str]:
        event = {"type": "app_mention", "channel": channel, "user": user, "ts": ts,
                 "text": f"<@{BOT_USER_ID}> {text}", **({"thread_ts": thread_ts} if thread_ts else {})}
        return await self.event(event)

    async def open_home(self, user: str) -> tuple[int, str]:
        return await self.event({"type": "app_home_opened", "user": user, "channel": "D" + user.lstrip("U"),
                                 "tab": "home"})

    async def command(self, user: str, text: str, *, response_url: str = "r1",
                      channel: str = "CTEAMROOM") -> tuple[int, str]:
        form = {"token": "legacy", "team_id": self.team_id, "channel_id": channel, "user_id": user,
                "command": "/ig", "text": text, "response_url": self.api.response_url(response_url),
                "trigger_id": f"trigger.{next(self._ids)}"}
        return await self.send(urlencode(form), content_type="application/x-www-form-urlencoded")

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        payload = {"team": {"id": self.team_id}, "api_app_id": "AIGBOT", "token": "legacy", **payload}
        return await self.send(urlencode({"payload": json.dumps(payload)}),
                               content_type="application/x-www-form-urlencoded")

    async def click(self, user: str, posted: Call, label: str, *, response_url: str | None = None,
                    trigger_id: str | None = None) -> tuple[int, str]:
        """Press the button labelled `label` on a message igbot posted (or sent through a response_url).

        Pass the `trigger_id` of an earlier click to send that click again, as a replay would."""
        value = buttons(posted)[label]
        ephemeral = posted.method == "response_url"
        channel = posted.params.get("channel", "CTEAMROOM")
        message = {"type": "message", "ts": "1700000001.000100" if ephemeral else "1700000099.000100",
                   "text": posted.params.get("text", ""), "blocks": posted.params.get("blocks", [])}
        if posted.params.get("thread_ts"):
            message["thread_ts"] = posted.params["thread_ts"]
        payload: dict[str, Any] = {
            "type": "block_actions", "user": {"id": user, "team_id": self.team_id},
            "trigger_id": trigger_id or f"trigger.{next(self._ids)}",
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                          "is_ephemeral": ephemeral},
            "channel": {"id": channel}, "message": message,
            "actions": [{"type": "button", "action_id": "igbot:choice:0", "block_id": "b",
                         "text": {"type": "plain_text", "text": label}, "value": value}],
        }
        if ephemeral or response_url:
            payload["response_url"] = self.api.response_url(response_url or "r-click")
        return await self.interact(payload)

    async def click_home(self, user: str, view: Call, label: str) -> tuple[int, str]:
        payload = {
            "type": "block_actions", "user": {"id": user, "team_id": self.team_id},
            "trigger_id": f"trigger.{next(self._ids)}", "container": {"type": "view", "view_id": "VHOME"},
            "view": {"id": "VHOME", "type": "home"},
            "actions": [{"type": "button", "action_id": "igbot:choice:0", "block_id": "b",
                         "text": {"type": "plain_text", "text": label}, "value": buttons(view)[label]}],
        }
        return await self.interact(payload)

    async def submit(self, user: str, opened: Call, values: dict[str, dict[str, Any]], *,
                     trigger_id: str | None = None) -> tuple[int, str]:
        """Submit a modal igbot opened; `values` maps block ids to Slack's state for each input."""
        view = dict(opened.params["view"])
        view.update({"id": "VMODAL", "state": {"values": {name: {"value": state} for name, state in values.items()}}})
        return await self.interact({"type": "view_submission", "user": {"id": user, "team_id": self.team_id},
                                    "trigger_id": trigger_id or f"trigger.{next(self._ids)}", "view": view})


@asynccontextmanager
async def running(app: web.Application) -> AsyncIterator[str]:
    """An aiohttp application on an ephemeral local port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def igbot_server(assistant: Assistant) -> AsyncIterator[str]:
    """The app `igbot serve` runs, on an ephemeral port."""
    async with running(build_web_app(assistant)) as url:
        yield url


def slack_environment(api: FakeSlackApi, **extra: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": api.api_url,
            **extra}


def make_assistant(database_url: str, home: Path, environment: dict[str, str], *,
                   clock: Clock | None = None) -> Assistant:
    """igbot as `igbot serve` builds it; the embedded SQLite sets itself up, PostgreSQL is prepared like production.

    It runs at the tests' Monday morning unless given another clock.
    """
    clock = clock or SettableClock(MONDAY_MORNING)
    settings = load_settings({"IGBOT_HOME": str(home), "DATABASE_URL": database_url, **environment})
    if database_url != default_database_url(home):
        engine = create_database_engine(database_url)
        migrate.upgrade(engine)
        seed_demo(engine, load_profile(settings.profile_path), clock=clock)
        engine.dispose()
    return build_assistant(settings, clock=clock)
