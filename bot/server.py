"""The one aiohttp server: Slack at /slack/events, Teams at /api/messages, and /healthz."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.app import Assistant

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


def _channel_mounts() -> list:  # type: ignore[type-arg]  # filled as channels land
    from bot.slack import mount as mount_slack
    from bot.teams.mount import mount_teams

    return [mount_slack, mount_teams]
