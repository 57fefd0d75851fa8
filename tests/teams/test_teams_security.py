"""Who may post to /api/messages: bad tokens get 401, malformed activities 4xx, and the server keeps serving."""

from __future__ import annotations

import json
import logging

from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine
from teams_fakes import SIGNED, FakeConnector, Igbot, StartIgbot, TeamsUser, bot_framework_token

from bot.core.assistant import Assistant
from bot.core.conversation import Conversation
from bot.core.errors import ConfigurationError
from bot.core.profile import Profile
from bot.core.settings import load_settings
from bot.teams.auth import HttpClient
from bot.teams.mount import MESSAGES_PATH, build_teams_bot


def _bad_tokens(service_url: str) -> dict[str, object]:
    return {
        "missing": None,
        "not a JWT": "not-a-token",
        "expired": bot_framework_token(service_url, expires_in=-3600),
        "for another bot": bot_framework_token(service_url, audience="11111111-2222-3333-4444-555555555555"),
        "signed with another key": bot_framework_token(service_url, key="forger"),
        "from an untrusted issuer": bot_framework_token(service_url, issuer="https://login.example.net"),
        "with an unknown key id": bot_framework_token(service_url, kid="someone-elses-key"),
        "for another service URL": bot_framework_token("https://smba.example.net/emea/"),
    }


async def test_a_bad_token_is_refused_with_401_and_nothing_is_answered(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    question = sam.says(connector.url, "what is a personal data breach?")
    for problem, token in _bad_tokens(connector.url).items():
        status, body = await igbot.post(question, token=token)
        assert status == 401, problem
        assert "not authenticated" in body

    assert connector.sent == []
    status, _ = await igbot.post(question)
    assert status == 200, "a good token still gets in"
    await connector.wait_for(1)


async def test_an_authorization_header_that_is_not_a_bearer_token_is_refused(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    token = bot_framework_token(connector.url)
    for header in (f"Basic {token}", f"Bearer {token} extra", "Bearer"):
        async with igbot.http.post(igbot.url, json=sam.says(connector.url, "hi"),
                                   headers={"Authorization": header}) as response:
            assert response.status == 401, header


async def test_without_an_app_id_the_endpoint_is_not_served(start_igbot: StartIgbot, connector: FakeConnector,
                                                             sam: TeamsUser) -> None:
    igbot = await start_igbot({})

    status, _ = await igbot.post(sam.says(connector.url, "hello"), token=None)

    assert status == 404 and not igbot.mounted
    assert await igbot.get("/healthz") == 200


async def test_anonymous_requests_are_refused_unless_allowed_for_local_testing(
    start_igbot: StartIgbot, signed_in_env: dict[str, str], connector: FakeConnector, sam: TeamsUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    signed_in = await start_igbot(signed_in_env)
    status, _ = await signed_in.post(sam.says(connector.url, "hello"), token=None)
    assert status == 401

    with caplog.at_level(logging.WARNING):
        local = await start_igbot({"TEAMS_ALLOW_ANONYMOUS": "true"})
    assert "local testing only" in caplog.text

    status, _ = await local.post(sam.says(connector.url, "hello"), token=None)
    assert status == 200
    [greeting] = await connector.wait_for(1)
    assert "Hello Sam Okafor" in greeting.text
    assert greeting.authorization is None, "anonymous mode sends no token to the connector"


async def test_anonymous_requests_cannot_be_allowed_alongside_an_app_id(
    start_igbot: StartIgbot, signed_in_env: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError,
                       match="TEAMS_ALLOW_ANONYMOUS must not be set when TEAMS_APP_ID is") as refused:
        await start_igbot({**signed_in_env, "TEAMS_ALLOW_ANONYMOUS": "true"})
    assert str(refused.value).count(".") == 1, "one sentence"


async def test_a_bot_with_an_app_id_checks_every_token_even_if_anonymous_requests_were_allowed(
    signed_in_env: dict[str, str], connector: FakeConnector, sam: TeamsUser, engine: Engine, profile: Profile,
    conversation: Conversation, tmp_path: Path,
) -> None:
    settings = load_settings({"IGBOT_HOME": str(tmp_path), **signed_in_env, "TEAMS_ALLOW_ANONYMOUS": "true"})
    assistant = Assistant(settings=settings, profile=profile, engine=engine, conversation=conversation)
    outbound = HttpClient()
    app = web.Application()
    app.router.add_post(MESSAGES_PATH, build_teams_bot(assistant, outbound).messages)
    server = TestServer(app)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            status, _ = await Igbot(server=server, http=http).post(sam.says(connector.url, "hello"), token=None)
    finally:
        await server.close()
        await outbound.close()

    assert status == 401
    assert connector.sent == [] and connector.token_requests == [], "no reply, and igbot's own token never left"


@pytest.mark.parametrize(
    ("problem", "body"),
    [
        ("not JSON", b"{this is not json"),
        ("not UTF-8", b"\xff\xfe\x00"),
        ("a list", b"[]"),
        ("no type", json.dumps({"serviceUrl": "http://127.0.0.1:9/", "conversation": {"id": "a:1"}}).encode()),
        ("a number for a type", json.dumps({"type": 5, "serviceUrl": "http://127.0.0.1:9/",
                                            "conversation": {"id": "a:1"}}).encode()),
        ("no conversation", json.dumps({"type": "message", "serviceUrl": "http://127.0.0.1:9/"}).encode()),
        ("a service URL that is not http", json.dumps({"type": "message", "serviceUrl": "file:///etc/passwd",
                                                       "conversation": {"id": "a:1"}}).encode()),
        ("a message from no one", json.dumps({"type": "message", "serviceUrl": "http://127.0.0.1:9/",
                                              "conversation": {"id": "a:1"}, "text": "hi"}).encode()),
        ("entities that are not a list", json.dumps({"type": "message", "serviceUrl": "http://127.0.0.1:9/",
                                                     "conversation": {"id": "a:1"}, "from": {"id": "29:x"},
                                                     "entities": "nope"}).encode()),
    ],
)
async def test_a_malformed_activity_is_refused_with_400_and_the_server_keeps_serving(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, problem: str, body: bytes
) -> None:
    token = bot_framework_token("http://127.0.0.1:9/")
    status, answer = await igbot.post({}, token=token, raw=body)
    assert status == 400, problem
    assert "Not a Bot Framework activity" in answer

    status, _ = await igbot.post(sam.says(connector.url, "hello"))
    assert status == 200
    await connector.wait_for(1)


async def test_an_oversized_activity_is_refused_with_413(igbot: Igbot, connector: FakeConnector,
                                                         sam: TeamsUser) -> None:
    huge = sam.says(connector.url, "x" * (2 * 1024 * 1024))
    status, _ = await igbot.post(huge)
    assert status == 413

    status, _ = await igbot.post(sam.says(connector.url, "hello"))
    assert status == 200


async def test_an_activity_from_another_organisations_tenant_is_refused(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    elsewhere = {"id": "a:personal-elsewhere", "conversationType": "personal",
                 "tenantId": "00000000-0000-4000-8000-00000000beef"}
    status, _ = await igbot.post(sam.says(connector.url, "hello", conversation=elsewhere))
    assert status == 403
    assert connector.sent == []


async def test_a_connector_that_cannot_be_reached_is_a_502_not_a_crash(
    igbot: Igbot, sam: TeamsUser, connector: FakeConnector
) -> None:
    unreachable = "http://127.0.0.1:9/"
    status, _ = await igbot.post(sam.says(unreachable, "hello"), token=bot_framework_token(unreachable))
    assert status == 502

    status, _ = await igbot.post(sam.says(connector.url, "hello"), token=SIGNED)
    assert status == 200


async def test_a_refused_outbound_token_is_a_502_not_a_crash(
    igbot: Igbot, sam: TeamsUser, connector: FakeConnector
) -> None:
    connector.refuse_tokens = 403
    status, _ = await igbot.post(sam.says(connector.url, "hello"))
    assert status == 502 and connector.sent == []

    connector.refuse_tokens = None
    status, _ = await igbot.post(sam.says(connector.url, "hello"))
    assert status == 200
    await connector.wait_for(1)


async def test_signing_keys_that_cannot_be_fetched_are_a_503_not_a_500(
    start_igbot: StartIgbot, signed_in_env: dict[str, str], connector: FakeConnector, sam: TeamsUser
) -> None:
    igbot = await start_igbot({**signed_in_env, "TEAMS_OPENID_METADATA_URL": "http://127.0.0.1:9/openid"})

    status, body = await igbot.post(sam.says(connector.url, "hello"))

    assert status == 503 and "try again" in body
    status, _ = await igbot.post(sam.says(connector.url, "hello"), token="garbage")
    assert status == 401, "a token that is not even a JWT is refused without fetching keys"


@pytest.mark.parametrize(
    ("missing", "named"),
    [("TEAMS_APP_PASSWORD", "TEAMS_APP_PASSWORD must be set"), ("TEAMS_TENANT_ID", "TEAMS_TENANT_ID must be set")],
)
async def test_an_incomplete_teams_configuration_stops_start_up_with_one_sentence(
    start_igbot: StartIgbot, signed_in_env: dict[str, str], missing: str, named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        await start_igbot({name: value for name, value in signed_in_env.items() if name != missing})
