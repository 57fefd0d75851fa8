"""Slack on igbot's one aiohttp server: `POST /slack/events` for events, the `/ig` command and interactivity.

Before bolt sees a request it must be small enough, signed by Slack with the signing secret
within the last five minutes, and well-formed; anything else is refused with a 4xx and the
server carries on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.assistant import Assistant
from bot.core.settings import Settings
from bot.slack.adapter import SlackChannel
from bot.slack.outgoing import rate_limit_retries

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
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
    level (not the level it inherits) is above DEBUG: a lot of work on every answer, then dropped."""
    logger = logging.getLogger("slack_sdk.web.igbot")
    logger.setLevel(max(logging.INFO, logger.getEffectiveLevel()))
    return logger


def build_bolt_app(channel: SlackChannel) -> AsyncApp:
    # `SlackEndpoint` checks every HTTP request's signature, once, before bolt sees it; over
    # Socket Mode there is no signature to check. So bolt needs no signing secret of its own.
    app = AsyncApp(
        client=channel.client,
        request_verification_enabled=False,
        process_before_response=False,
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


@dataclass
class SlackEndpoint:
    bolt: AsyncApp
    verifier: SignatureVerifier

    async def handle(self, request: web.Request) -> web.Response:
        try:
            raw = await request.read()
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "the body is not UTF-8 text")
        if not self._signed(body, request):
            return _refuse(401, "invalid or stale signature")
        try:
            parsed = parse_body(body, request.content_type)
        except ValueError:
            return _refuse(400, "the body is not a Slack payload")
        if not isinstance(parsed, dict) or not parsed:
            return _refuse(400, "the body is not a Slack payload")
        # Signed already: bolt's own signature check is off (see build_bolt_app).
        response = await self.bolt.async_dispatch(
            AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers)))
        return await to_aiohttp_response(response)

    def _signed(self, body: str, request: web.Request) -> bool:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not signature.isascii():
            return False
        return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def _refuse(status: int, reason: str) -> web.Response:
    log.warning("refused a Slack request status=%s reason=%s", status, reason)
    return web.json_response({"error": reason}, status=status)


def mount(app: web.Application, assistant: Assistant) -> None:
    """Slack at `/slack/events` when `SLACK_BOT_TOKEN` and `SLACK_SIGNING_SECRET` are set."""
    settings = assistant.settings
    if not settings.slack_enabled:
        return
    assert settings.slack_signing_secret is not None
    channel = create_channel(assistant)
    endpoint = SlackEndpoint(bolt=build_bolt_app(channel), verifier=SignatureVerifier(settings.slack_signing_secret))
    app[SLACK_CHANNEL] = channel
    app.router.add_post(EVENTS_PATH, endpoint.handle)
    app.on_startup.append(lambda _app: open_session(channel))
    app.on_cleanup.append(lambda _app: close_session(channel))
