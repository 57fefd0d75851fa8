"""Requests that pretend to come from Slack or Teams are refused before igbot does anything with them.

Every kind of Slack request (events, slash commands, button clicks) with a forged, stale, future,
mismatched or missing signature; every way a Teams token can be wrong (unsigned, signed with the
public key as an HMAC secret, expired, for another bot, from another issuer) and activities from
another tenant or none. Each gets a 4xx, Slack's API and the Bot Connector are never called, and
nothing is written to the message log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import jwt
import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from slack_harness import SAM, FakeSlackApi, igbot_server, make_assistant, running, signature, slack_environment
from sqlalchemy import Engine, func, select
from sqlmodel import col
from teams_fakes import (APP_ID, BOT_FRAMEWORK_ISSUER, KEY_ID, FakeConnector, Igbot, TeamsUser, bot_framework_token,
                         sam_in, signing_key, teams_environment)

from bot.app.server import build_web_app
from bot.core.assistant import Assistant
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.core.settings import load_settings
from storage.engine import session_scope
from storage.models import MessageLog

FORM = "application/x-www-form-urlencoded"
EVENT = json.dumps({"type": "event_callback", "team_id": "T0IGBOT", "api_app_id": "AIGBOT", "event_id": "EvForged01",
                    "event": {"type": "message", "channel_type": "im", "channel": "DSAM", "user": SAM,
                              "text": "help", "ts": "1700000000.000001"}})
COMMAND = urlencode({"team_id": "T0IGBOT", "channel_id": "CTEAMROOM", "user_id": SAM, "command": "/ig",
                     "text": "incidents", "response_url": "http://127.0.0.1:9/respond", "trigger_id": "trigger.1"})
CLICK = urlencode({"payload": json.dumps({
    "type": "block_actions", "team": {"id": "T0IGBOT"}, "user": {"id": SAM}, "trigger_id": "trigger.2",
    "actions": [{"type": "button", "action_id": "igbot:choice:0", "value": "incident:close:IG-2026-0001"}]})})
REQUESTS = {"event": (EVENT, "application/json"), "command": (COMMAND, FORM), "click": (CLICK, FORM)}


def _forgeries(body: str) -> dict[str, dict[str, str]]:
    now = int(time.time())

    def signed(stamp: int, *, secret: str = "test-signing-secret-0123456789abcdef", text: str = body) -> dict[str, str]:
        return {"X-Slack-Request-Timestamp": str(stamp), "X-Slack-Signature": signature(text, str(stamp), secret)}

    good = signed(now)
    return {
        "signed with another secret": signed(now, secret="someone-elses-secret"),
        "stale (six minutes old)": signed(now - 6 * 60),
        "from the future": signed(now + 6 * 60),
        "signed for another body": signed(now, text=body + " "),
        "no timestamp": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "no signature": {"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]},
        "no headers at all": {},
        "a signature without its version": {**good, "X-Slack-Signature": good["X-Slack-Signature"][3:]},
        "an empty signature": {**good, "X-Slack-Signature": ""},
        "a timestamp that is not a number": {**good, "X-Slack-Request-Timestamp": "1e10"},
    }


def _logged(engine_url: str) -> int:
    from storage.engine import create_database_engine

    engine = create_database_engine(engine_url)
    try:
        with session_scope(engine) as session:
            return int(session.execute(select(func.count(col(MessageLog.id)))).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
async def slack_igbot(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[str, FakeSlackApi, ClientSession]]:
    api = FakeSlackApi(emails={SAM: "sam.okafor@example.org"})
    async with running(api.app()) as api_url:
        api.url = api_url
        assistant = make_assistant(database_url, tmp_path, slack_environment(api))
        try:
            async with igbot_server(assistant) as url, ClientSession() as session:
                yield url, api, session
        finally:
            assistant.engine.dispose()


@pytest.mark.parametrize("kind", sorted(REQUESTS))
async def test_a_forged_slack_request_is_refused_and_nothing_is_done(
    kind: str, slack_igbot: tuple[str, FakeSlackApi, ClientSession], database_url: str
) -> None:
    url, api, session = slack_igbot
    body, content_type = REQUESTS[kind]
    for forgery, headers in _forgeries(body).items():
        async with session.post(url + "/slack/events", data=body.encode(),
                                headers={"Content-Type": content_type, **headers}) as answer:
            assert answer.status == 401, (kind, forgery, answer.status)
    genuine = {"X-Slack-Request-Timestamp": str(int(time.time()))}
    genuine["X-Slack-Signature"] = signature(EVENT, genuine["X-Slack-Request-Timestamp"])
    assert not api.calls, "igbot called Slack for a forged request"
    assert _logged(database_url) == 0, "a forged request reached the message log"
    async with session.post(url + "/slack/events", data=EVENT.encode(),
                            headers={"Content-Type": "application/json", **genuine}) as answer:
        assert answer.status == 200, "the genuine request still gets in"
    await api.wait_for("chat.postMessage")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(service_url: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": BOT_FRAMEWORK_ISSUER, "aud": APP_ID, "serviceurl": service_url, "nbf": now - 60, "iat": now - 60,
            "exp": now + 3600, **changes}


def _unsigned(service_url: str) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": KEY_ID}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(_claims(service_url)).encode())}."


def _hmac_with_the_public_key(service_url: str) -> str:
    """The old key-confusion attack: sign with HS256, using the published public key as the secret."""
    public = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key("trusted").public_key()).encode()
    header = {"alg": "HS256", "typ": "JWT", "kid": KEY_ID}
    unsigned = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(_claims(service_url)).encode())}"
    return unsigned + "." + _b64(hmac.new(public, unsigned.encode(), hashlib.sha256).digest())


def _forged_tokens(service_url: str) -> dict[str, str | None]:
    return {
        "no token": None,
        "unsigned (alg none)": _unsigned(service_url),
        "HMAC-signed with the public key": _hmac_with_the_public_key(service_url),
        "expired": bot_framework_token(service_url, expires_in=-3600),
        "for another bot (wrong audience)": bot_framework_token(service_url, audience="11111111-2222-3333-4444-555555555555"),
        "from another issuer": bot_framework_token(service_url, issuer="https://login.example.net"),
        "signed with another key": bot_framework_token(service_url, key="forger"),
        "for another service URL": bot_framework_token("https://smba.example.net/emea/"),
    }


@pytest.fixture
async def teams_igbot(engine: Engine, profile: Profile, conversation: Conversation,
                      tmp_path: Path) -> AsyncIterator[tuple[Igbot, FakeConnector, TeamsUser]]:
    connector = FakeConnector()
    await connector.start()
    sam = sam_in(connector)
    settings = load_settings({"IGBOT_HOME": str(tmp_path / "home"), **teams_environment(connector)})
    server = TestServer(build_web_app(Assistant(settings=settings, profile=profile, engine=engine,
                                                conversation=conversation)))
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        try:
            yield Igbot(server=server, http=http), connector, sam
        finally:
            await server.close()
            await connector.close()


async def test_a_forged_teams_token_is_refused_and_nothing_is_done(
    teams_igbot: tuple[Igbot, FakeConnector, TeamsUser], engine: Engine
) -> None:
    igbot, connector, sam = teams_igbot
    question = sam.says(connector.url, "what is a personal data breach?")
    for forgery, token in _forged_tokens(connector.url).items():
        status, _ = await igbot.post(question, token=token)
        assert status == 401, forgery
    assert connector.sent == []
    assert _logged(engine.url.render_as_string(hide_password=False)) == 0
    assert (await igbot.post(question))[0] == 200, "a genuine token still gets in"
    await connector.wait_for(1)


async def test_an_activity_from_another_tenant_or_none_is_refused(
    teams_igbot: tuple[Igbot, FakeConnector, TeamsUser], engine: Engine
) -> None:
    igbot, connector, sam = teams_igbot
    other = "00000000-0000-4000-8000-00000000beef"
    elsewhere = sam.says(connector.url, "hello", conversation={"id": sam.conversation_id, "conversationType": "personal",
                                                               "tenantId": other}, channelData={"tenant": {"id": other}})
    nowhere = sam.says(connector.url, "hello", conversation={"id": sam.conversation_id, "conversationType": "personal"},
                       channelData={})
    mixed = sam.says(connector.url, "hello", channelData={"tenant": {"id": other}})
    for activity in (elsewhere, nowhere, mixed):
        status, _ = await igbot.post(activity)
        assert status == 403, activity
    assert connector.sent == []
    assert _logged(engine.url.render_as_string(hide_password=False)) == 0

