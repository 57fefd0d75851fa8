"""The one aiohttp server: Slack at /slack/events, Teams at /api/messages, the dashboard at /admin, and /healthz."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.app import operations
from bot.core import metrics
from bot.core.assistant import Assistant
from bot.core.messenger import Messenger

log = logging.getLogger(__name__)

ASSISTANT = web.AppKey("assistant", Assistant)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def log_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One line a request: the route (never the query or the body), the status and how long it took."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
        elapsed = time.perf_counter() - started
        metrics.REQUESTS.labels(route, str(status)).inc()
        metrics.REQUEST_SECONDS.labels(route).observe(elapsed)
        log.info("request method=%s route=%s status=%d duration_ms=%.1f", request.method, route, status,
                 elapsed * 1000)


def build_web_app(assistant: Assistant) -> web.Application:
    """Mount each channel whose settings are present; the others stay off."""
    app = web.Application(client_max_size=1024 * 1024, middlewares=[log_requests])
    app[ASSISTANT] = assistant
    app.router.add_get("/healthz", healthz)
    operations.add_routes(app, assistant)
    for mount in _channel_mounts():
        mount(app, assistant)
    return app


def _channel_mounts() -> list[Callable[[web.Application, Assistant], None]]:
    from bot.admin import mount_dashboard
    from bot.slack import mount as mount_slack
    from bot.teams.mount import mount_teams

    return [mount_slack, mount_teams, mount_dashboard]


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
