"""Slack over Socket Mode (`igbot serve --socket-mode`, no public URL): Slack sends payloads down a websocket
that igbot opens with the app-level token.

Each envelope goes the way a signed HTTP request goes (`SlackEndpoint.accept`): checked, stored in the
intake (committed), and only then acknowledged on the socket, then processed in the background. So an
event in flight when the process dies is taken up again when it starts, and one Slack sends twice is
answered once. An envelope that could not be stored is not acknowledged: Slack sends it again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import orjson
from aiohttp import web
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.core.assistant import Assistant
from bot.slack.http import (SLACK_CHANNEL, SLACK_ENDPOINT, SlackEndpoint, close_session, create_channel, open_session,
                            slack_endpoint)

log = logging.getLogger(__name__)

NOT_STORED = 503  # SlackEndpoint's answer when the intake could not store a payload


@contextlib.asynccontextmanager
async def connected(app: web.Application, assistant: Assistant) -> AsyncIterator[None]:
    """Connected to Slack over Socket Mode for as long as the block runs.

    The endpoint mounted for HTTP serves the socket too when there is one (the signing secret is
    set); otherwise the socket has an endpoint, and a connection pool, of its own.
    """
    endpoint = app.get(SLACK_ENDPOINT)
    own = endpoint is None
    if endpoint is None:
        channel = create_channel(assistant)
        await open_session(channel)
        endpoint = slack_endpoint(assistant, channel)
    else:
        channel = app[SLACK_CHANNEL]
    client = SocketModeClient(app_token=str(assistant.settings.slack_app_token), web_client=channel.client)
    client.socket_mode_request_listeners.append(_acknowledged_once_stored(endpoint))
    try:
        await client.connect()  # type: ignore[no-untyped-call]  # slack_sdk leaves it unannotated
        log.info("connected to Slack over Socket Mode")
        yield
    finally:
        await client.close()  # type: ignore[no-untyped-call]  # slack_sdk leaves it unannotated
        if own:
            await close_session(channel)


def _acknowledged_once_stored(endpoint: SlackEndpoint) -> Callable[[AsyncBaseSocketModeClient, SocketModeRequest],
                                                                  Awaitable[None]]:
    async def on_envelope(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        body = orjson.dumps(request.payload, option=orjson.OPT_SORT_KEYS)  # what an HTTP body's hash stands for
        response = await endpoint.accept(request.payload, body=body)
        if response.status == NOT_STORED:
            log.warning("socket mode envelope left unacknowledged to come again type=%s", request.type)
            return
        if response.status >= 400:  # not a payload of this app: acknowledged, so that it is not sent again
            log.warning("socket mode envelope refused type=%s status=%s", request.type, response.status)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    return on_envelope
