"""Local stand-ins for Microsoft's side of Teams: a Bot Connector that records what igbot sends,
a conversation roster, an Entra token endpoint, and an OpenID metadata/JWKS publisher whose
key signs the tokens tests send. Each is a small real aiohttp server on an ephemeral port."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.teams.messenger import TeamsMessenger
from bot.teams.mount import TEAMS_BOT, teams_messenger

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
APP_ID = "0f5b8c1e-6a7d-4c2b-9e3f-1a2b3c4d5e6f"
TENANT_ID = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
BOT_ACCOUNT = {"id": "28:" + APP_ID, "name": "igbot"}
KEY_ID = "test-signing-key"
OUTBOUND_TOKEN = "outbound-token-from-the-fake-entra"


@lru_cache(maxsize=2)
def signing_key(name: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Sent:
    """One activity igbot sent to the connector."""

    conversation_id: str
    reply_to: str | None
    activity: dict[str, Any]
    authorization: str | None
    id: str = ""  # the id the connector gave it (or, for an update, the id of the activity it replaced)

    @property
    def card(self) -> dict[str, Any]:
        [attachment] = self.activity["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        return attachment["content"]

    @property
    def texts(self) -> list[str]:
        return _texts(self.card["body"])

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> dict[str, dict[str, Any]]:
        """Each button's title and the data it submits."""
        return {action["title"]: action["data"] for action in self.card.get("actions", [])}

    @property
    def inputs(self) -> dict[str, dict[str, Any]]:
        return {element["id"]: element for element in _elements(self.card["body"]) if element["type"].startswith("Input.")}


def _elements(body: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for element in body:
        found.append(element)
        for column in element.get("columns", []):
            found += _elements(column["items"])
    return found


def _texts(body: list[dict[str, Any]]) -> list[str]:
    return [element["text"] for element in _elements(body) if element["type"] == "TextBlock"]


@dataclass
class FakeConnector:
    """The Bot Connector service at an activity's serviceUrl, plus the roster, token and key endpoints."""

    roster: dict[str, dict[str, str]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    updated: list[Sent] = field(default_factory=list)  # activities igbot put in the place of ones it sent earlier
    token_requests: list[dict[str, str]] = field(default_factory=list)
    roster_requests: list[str] = field(default_factory=list)
    refuse_conversations: dict[str, int] = field(default_factory=dict)
    refuse_tokens: int | None = None  # the status the token endpoint answers with instead of a token
    rate_limited: list[int] = field(default_factory=list)  # Retry-After seconds for the next sends, answered 429
    server: TestServer | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._receive)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        app.router.add_post("/token", self._token)
        app.router.add_get("/openid", self._openid)
        app.router.add_get("/keys", self._keys)
        return app

    async def start(self) -> None:
        self.server = TestServer(self.app())
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Sent]:
        """The first `count` activities sent, waiting for them to arrive."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count), timeout)
        return self.sent[:count]

    async def _receive(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        if conversation in self.refuse_conversations:
            return web.json_response({"error": {"code": "BotNotInConversationRoster"}},
                                     status=self.refuse_conversations[conversation])
        if self.rate_limited:
            return web.json_response({"error": {"code": "TooManyRequests"}}, status=429,
                                     headers={"Retry-After": str(self.rate_limited.pop(0))})
        body = await request.json()
        sent_id = f"sent-{next(self._ids)}"
        async with self._changed:
            self.sent.append(Sent(conversation, request.match_info.get("reply_to"), body,
                                  request.headers.get("Authorization"), sent_id))
            self._changed.notify_all()
        return web.json_response({"id": sent_id})

    async def _update(self, request: web.Request) -> web.Response:
        activity = request.match_info["activity"]
        self.updated.append(Sent(request.match_info["conversation"], None, await request.json(),
                                 request.headers.get("Authorization"), activity))
        return web.json_response({"id": activity})

    async def _member(self, request: web.Request) -> web.Response:
        member = request.match_info["member"]
        self.roster_requests.append(member)
        if member not in self.roster:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(self.roster[member])

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.token_requests.append({key: str(value) for key, value in form.items()})
        if self.refuse_tokens is not None:
            return web.json_response({"error": "unauthorized_client"}, status=self.refuse_tokens)
        return web.json_response({"token_type": "Bearer", "expires_in": 3600, "access_token": OUTBOUND_TOKEN})

    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response({"issuer": BOT_FRAMEWORK_ISSUER, "jwks_uri": self.url + "keys"})

    async def _keys(self, request: web.Request) -> web.Response:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key("trusted").public_key(), as_dict=True)
        public.update(kid=KEY_ID, use="sig", endorsements=["msteams", "emulator"])
        return web.json_response({"keys": [public]})


def teams_environment(connector: FakeConnector) -> dict[str, str]:
    """A production-like Teams configuration whose Microsoft endpoints are the local fake."""
    return {"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": "a-client-secret", "TEAMS_TENANT_ID": TENANT_ID,
            "TEAMS_OPENID_METADATA_URL": connector.url + "openid", "TEAMS_TOKEN_URL": connector.url + "token"}


def sam_in(connector: FakeConnector) -> TeamsUser:
    """Sam Okafor, in the demo directory, and in the connector's roster with his work email."""
    person = TeamsUser(name="Sam Okafor", email="sam.okafor@example.org",
                       aad_object_id="5a1e0c9d-3b7f-4e2a-8c6d-1f0e9b8a7c01")
    connector.roster[person.user_id] = person.roster_entry
    return person


def bot_framework_token(service_url: str, *, audience: str = APP_ID, issuer: str = BOT_FRAMEWORK_ISSUER,
                        expires_in: int = 3600, key: str = "trusted", kid: str = KEY_ID) -> str:
    """A token as the Bot Connector signs it: the trusted key, or another one to show a forgery."""
    now = int(time.time())
    claims = {"iss": issuer, "aud": audience, "serviceurl": service_url, "nbf": now - 60, "iat": now - 60,
              "exp": now + expires_in}
    return jwt.encode(claims, signing_key(key), algorithm="RS256", headers={"kid": kid})


@dataclass
class TeamsUser:
    """A person on the Teams side: their Teams id, Entra object id and 1:1 conversation with igbot."""

    name: str
    email: str
    aad_object_id: str
    user_id: str = ""
    conversation_id: str = ""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        handle = self.email.split("@")[0].replace(".", "-")
        self.user_id = self.user_id or f"29:{handle}"
        self.conversation_id = self.conversation_id or f"a:personal-{handle}"

    @property
    def roster_entry(self) -> dict[str, str]:
        return {"id": self.user_id, "name": self.name, "email": self.email, "userPrincipalName": self.email,
                "aadObjectId": self.aad_object_id, "tenantId": TENANT_ID}

    def activity(self, service_url: str, *, with_aad: bool = True, conversation: dict[str, Any] | None = None,
                 **fields: Any) -> dict[str, Any]:
        sender = {"id": self.user_id, "name": self.name}
        if with_aad:
            sender["aadObjectId"] = self.aad_object_id
        body: dict[str, Any] = {
            "type": "message", "id": f"{self.conversation_id}-{next(self._ids)}", "channelId": "msteams",
            "serviceUrl": service_url, "timestamp": "2026-03-02T09:15:00.000Z", "locale": "en-GB",
            "from": sender, "recipient": BOT_ACCOUNT,
            "conversation": conversation or {"id": self.conversation_id, "conversationType": "personal",
                                              "tenantId": TENANT_ID},
            "channelData": {"tenant": {"id": TENANT_ID}},
        }
        body.update(fields)
        return body

    def says(self, service_url: str, text: str, **fields: Any) -> dict[str, Any]:
        return self.activity(service_url, text=text, textFormat="plain", **fields)

    def presses(self, service_url: str, data: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """An Action.Submit on a card: Teams sends the button's data (and any inputs) as the activity's value."""
        return self.activity(service_url, value=data, **fields)


SIGNED = object()  # post with a valid Bot Framework token for the activity's service URL


@dataclass
class Igbot:
    """igbot's web app listening on an ephemeral port, and a way to post activities to it."""

    server: TestServer
    http: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return str(self.server.make_url("/api/messages"))

    async def post(self, body: Any, *, token: object = SIGNED, raw: bytes | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token is SIGNED:
            token = bot_framework_token(body["serviceUrl"])
        if isinstance(token, str):
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else aiohttp.payload.JsonPayload(body)
        async with self.http.post(self.url, data=data, headers=headers) as response:
            text = await response.text()
            return response.status, text

    async def get(self, path: str) -> int:
        async with self.http.get(str(self.server.make_url(path))) as response:
            return response.status

    @property
    def messenger(self) -> TeamsMessenger:
        found = teams_messenger(self.server.app)
        assert found is not None, "Teams is not mounted"
        return found

    @property
    def mounted(self) -> bool:
        return TEAMS_BOT in self.server.app


StartIgbot = Callable[[dict[str, str]], Awaitable[Igbot]]
