"""Slack on igbot's one aiohttp server: `POST /slack/events` for events, the `/ig` command and interactivity.

Before bolt sees a request it must be small enough, signed by Slack with the signing secret
within the last five minutes, and well-formed; anything else is refused with a 4xx and the
server carries on.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import metrics, payloads
from bot.core.assistant import Assistant
from bot.core.intake import Intake, NotAccepting, ProcessingFailed
from bot.core.settings import Settings
from bot.slack.adapter import SlackChannel, delivery_key
from bot.slack.outgoing import rate_limit_retries

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
CHANNEL = "slack"  # the intake's name for events received here
_HANDSHAKES = frozenset({"url_verification", "ssl_check"})
SIGNATURE_WINDOW = 5 * 60  # seconds: Slack's rule for how old a signed request may be
SLACK_CHANNEL = web.AppKey("slack_channel", SlackChannel)


def web_client(settings: Settings, *, token: str | None = None) -> AsyncWebClient:
    """The Web API client: `SLACK_API_URL` when set, and Slack's rate limits honoured."""
    client = AsyncWebClient(token=token or settings.slack_bot_token,
                            base_url=(settings.slack_api_url.rstrip("/") + "/") if settings.slack_api_url else
                            AsyncWebClient.BASE_URL, logger=_web_api_logger())
    client.retry_handlers.append(rate_limit_retries())
    return client


def _web_api_logger() -> logging.Logger:
    """slack_sdk writes out every request's whole payload for a debug line unless its logger's own
    level (not the level it inherits) is above DEBUG: a lot of work on every answer, then dropped.
    Held at WARNING like every library logger (bot.core.logs)."""
    logger = logging.getLogger("slack_sdk.web.igbot")
    logger.setLevel(logging.WARNING)
    return logger


def build_bolt_app(channel: SlackChannel) -> AsyncApp:
    """Bolt with igbot's listeners, running stored events from the intake, each to the end."""
    # `SlackEndpoint` checks every HTTP request's signature, once, before bolt sees it; over
    # Socket Mode there is no signature to check. So bolt needs no signing secret of its own.
    app = AsyncApp(
        client=channel.client,
        request_verification_enabled=False,
        process_before_response=True,
        name="igbot",
    )
    channel.install(app)
    return app


def create_channel(assistant: Assistant) -> SlackChannel:
    return SlackChannel.create(assistant, web_client(assistant.settings))


async def open_session(channel: SlackChannel) -> None:
    """One connection pool for every call to Slack, opened inside the running loop."""
    if channel.client.session is None:
        channel.client.session = ClientSession(json_serialize=_json_text)


def _json_text(value: Any) -> str:
    """JSON for request bodies: orjson writes an answer's few kilobytes of Block Kit several times faster."""
    return orjson.dumps(value).decode()


async def close_session(channel: SlackChannel) -> None:
    session = channel.client.session
    channel.client.session = None
    if session is not None:
        await session.close()


_TEXT = {"text": str, "type": str}
# The fields bolt and igbot read, with the types Slack sends; a signed payload with another type is refused.
SLACK_SHAPE: payloads.Shape = {
    **{name: str for name in ("type", "token", "team_id", "user_id", "channel_id", "enterprise_id", "event_id",
                              "api_app_id", "trigger_id", "response_url", "text", "command", "challenge",
                              "callback_id", "action_ts")},
    "team": {"id": str, "domain": str}, "enterprise": {"id": str}, "channel": {"id": str, "name": str},
    "user": {"id": str, "team_id": str, "name": str, "username": str},
    "authorizations": [{"team_id": str, "user_id": str, "enterprise_id": str}],
    "event": {**{name: str for name in ("type", "user", "text", "channel", "channel_type", "ts", "thread_ts",
                                        "subtype", "bot_id", "tab", "team", "event_ts")},
              "channel": (str, dict), "user": (str, dict), "message": dict, "blocks": list, "files": list},
    "container": {"type": str, "channel_id": str, "message_ts": str, "view_id": str, "is_ephemeral": bool},
    "message": {"ts": str, "text": str, "thread_ts": str, "blocks": [dict]},
    "view": {"id": str, "type": str, "callback_id": str, "private_metadata": str, "blocks": [dict],
             "state": {"values": dict}},
    "actions": [{"type": str, "action_id": str, "block_id": str, "value": str, "action_ts": str, "text": _TEXT}],
}


@dataclass
class SlackEndpoint:
    """Checks each payload, stores it in the intake (committed), and only then acknowledges it with a 200.

    The stored event is then processed in the background through bolt (`process`), whose listeners
    run to the end before the event is marked processed. A delivery Slack repeats (a retry, or a
    replayed click) finds its key stored already: 200, and nothing else happens. Payloads come as
    signed HTTP requests (`handle`), or over Socket Mode (bot.slack.socket_mode), which has no
    `verifier` when Slack is reached that way alone: then every HTTP request is refused.
    """

    bolt: AsyncApp
    intake: Intake
    verifier: SignatureVerifier | None = None
    team_id: str | None = None

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not self._signed(raw, request):
            return _refuse(401, "invalid or stale signature")
        try:
            parsed = parse(raw.decode("utf-8", errors="replace"), request.content_type)
        except payloads.MalformedPayload as error:
            return _refuse(400, str(error))
        return await self.accept(parsed, body=raw)

    async def accept(self, parsed: Any, *, body: bytes) -> web.Response:
        """A payload whose origin is proven (signed, or over the app's own socket), as Slack is answered: 200 once
        it is stored (or was before), 503 when it could not be, so Slack sends it again, and 4xx for one that is
        not a payload of this app."""
        if not isinstance(parsed, dict) or not parsed:
            return _refuse(400, "the body is not a Slack payload")
        problem = payloads.shape_problem(parsed, SLACK_SHAPE)
        if problem:
            return _refuse(400, problem)
        try:
            bolt_request = bolt_request_of(parsed)
        except (AttributeError, TypeError, KeyError, IndexError):  # bolt reads a field the shape does not cover
            return _refuse(400, "a field of the payload has the wrong type")
        if parsed.get("type") in _HANDSHAKES:  # Slack checking the URL: answered by bolt, nothing to store
            return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))
        if self.team_id and bolt_request.context.team_id != self.team_id:  # before anything is stored
            return _refuse(403, "this app serves another workspace")
        key = delivery_key(parsed) or "body:" + hashlib.sha256(body).hexdigest()
        try:
            event_id = await self.intake.receive(CHANNEL, key, parsed, may_wait=True)
        except NotAccepting:
            return _refuse(503, "not taking events just now: send it again shortly")
        if event_id is not None:
            self.intake.process_later(event_id, CHANNEL, self._dispatch(bolt_request))
        return web.Response(status=200)

    async def process(self, payload: dict[str, Any]) -> None:
        """Run a stored event through bolt's middleware and listeners, to the end."""
        await self._dispatch(bolt_request_of(payload))

    async def _dispatch(self, request: AsyncBoltRequest) -> None:
        response = await self.bolt.async_dispatch(request)
        if response.status >= 500:  # a listener failed (bolt has logged why): try the event again later
            raise ProcessingFailed(f"bolt answered {response.status}")

    def _signed(self, body: bytes, request: web.Request) -> bool:
        if self.verifier is None:
            return False
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or not signature.isascii():
            return False
        if abs(self.verifier.clock.now() - int(timestamp)) > SIGNATURE_WINDOW:
            return False
        # Over the bytes as sent (slack_sdk's verifier would decode them first, and fail on any that are not UTF-8).
        expected = hmac.new(self.verifier.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest("v0=" + expected, signature)


SLACK_ENDPOINT = web.AppKey("slack_endpoint", SlackEndpoint)


def bolt_request_of(body: dict[str, Any]) -> AsyncBoltRequest:
    """A request for bolt from a body already checked and parsed. Bolt takes a parsed body only in what it calls
    Socket Mode, whose one other difference, skipping the signature check, changes nothing here (see
    build_bolt_app)."""
    return AsyncBoltRequest(body=body, query="", headers={}, mode="socket_mode")


def parse(body: str, content_type: str | None) -> Any:
    """A Slack body: JSON (events), a form with a JSON `payload` (interactivity), or a plain form (commands)."""
    if content_type == "application/json" or body.startswith("{"):
        return payloads.loads(body)
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        return payloads.loads(form["payload"])
    return form


def _refuse(status: int, reason: str) -> web.Response:
    metrics.REFUSED.labels("slack", str(status)).inc()
    log.warning("refused a Slack request status=%s reason=%s", status, reason)
    return web.json_response({"error": reason}, status=status)


def slack_endpoint(assistant: Assistant, channel: SlackChannel, *,
                   verifier: SignatureVerifier | None = None) -> SlackEndpoint:
    """The endpoint that stores Slack's payloads and processes them, its processor registered with the intake."""
    endpoint = SlackEndpoint(bolt=build_bolt_app(channel), intake=assistant.intake, verifier=verifier,
                             team_id=assistant.settings.slack_team_id)
    assistant.intake.add_channel(CHANNEL, endpoint.process)
    return endpoint


def mount(app: web.Application, assistant: Assistant) -> None:
    """Slack at `/slack/events` when `SLACK_BOT_TOKEN` and `SLACK_SIGNING_SECRET` are set."""
    settings = assistant.settings
    if not settings.slack_enabled:
        return
    assert settings.slack_signing_secret is not None
    channel = create_channel(assistant)
    endpoint = slack_endpoint(assistant, channel, verifier=SignatureVerifier(settings.slack_signing_secret))
    app[SLACK_CHANNEL] = channel
    app[SLACK_ENDPOINT] = endpoint
    app.router.add_post(EVENTS_PATH, endpoint.handle)
    app.on_startup.append(lambda _app: open_session(channel))
    app.on_cleanup.append(lambda _app: close_session(channel))
