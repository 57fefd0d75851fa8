"""The one aiohttp server: Slack at /slack/events, Teams at /api/messages, and /healthz."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from bot.core.assistant import Assistant
from bot.core.messenger import Messenger

log = logging.getLogger(__name__)

ASSISTANT = web.AppKey("assistant", Assistant)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_web_app(assistant: Assistant) -> web.Application:
    """Mount each channel whose settings are present; the others stay off."""
    app = web.Application(client_max_size=1024 * 1024)
    app[ASSISTANT] = assistant
    app.router.add_get("/healthz", healthz)
    for mount in _channel_mounts():
        mount(app, assistant)
    return app


def _channel_mounts() -> list[Callable[[web.Application, Assistant], None]]:
    from bot.slack import mount as mount_slack
    from bot.teams.mount import mount_teams

    return [mount_slack, mount_teams]


def channel_messengers(app: web.Application) -> list[Messenger]:
    """How the outbox reaches people: one messenger for each channel this server has mounted."""
    from bot.slack import SlackMessenger
    from bot.slack.http import SLACK_CHANNEL
    from bot.teams.mount import teams_messenger

    settings = app[ASSISTANT].settings
    messengers: list[Messenger] = []
    slack = app.get(SLACK_CHANNEL)
    if slack is not None:  # the mounted channel's client, with its connection pool
        messengers.append(SlackMessenger(client=slack.client, ig_channel=settings.slack_ig_channel))
    elif settings.slack_bot_token:  # Socket Mode: sending needs only the bot token
        messengers.append(SlackMessenger.from_settings(settings))
    teams = teams_messenger(app)
    if teams is not None:
        messengers.append(teams)
    return messengers
