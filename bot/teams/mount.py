"""Putting Teams on the one aiohttp server: only when configured, and loudly when anonymous."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.core.assistant import Assistant
from bot.core.errors import ConfigurationError
from bot.core.settings import Settings
from bot.teams.auth import (
    BOT_FRAMEWORK_OPENID_METADATA,
    HttpClient,
    OutboundToken,
    TokenValidator,
    entra_openid_metadata,
    entra_token_url,
)
from bot.teams.endpoint import CHANNEL, TeamsBot
from bot.teams.messenger import TeamsMessenger

log = logging.getLogger(__name__)

TEAMS_BOT = web.AppKey("teams_bot", TeamsBot)
TEAMS_MESSENGER = web.AppKey("teams_messenger", TeamsMessenger)
MESSAGES_PATH = "/api/messages"


class _NoActivityText(logging.Filter):
    """The SDK logs a rejected activity whole, text included; igbot's logs never hold what people wrote."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Validation error for Activity")


def mount_teams(app: web.Application, assistant: Assistant) -> None:
    """Serve POST /api/messages when TEAMS_APP_ID is set (or, for local testing, TEAMS_ALLOW_ANONYMOUS=true)."""
    settings = assistant.settings
    if not settings.teams_enabled:
        return
    check_settings(settings)
    if settings.teams_allow_anonymous:
        log.warning("TEAMS_ALLOW_ANONYMOUS is on: %s accepts requests without a token. "
                    "This is for local testing only; never use it in production.", MESSAGES_PATH)
    http = HttpClient()
    bot = build_teams_bot(assistant, http)
    logging.getLogger("microsoft_agents.activity.activity").addFilter(_NoActivityText())
    app[TEAMS_BOT] = bot
    app[TEAMS_MESSENGER] = TeamsMessenger(bot=bot, ig_channel=settings.teams_ig_channel)
    app.router.add_post(MESSAGES_PATH, bot.messages)

    async def close(_: web.Application) -> None:
        await http.close()

    app.on_cleanup.append(close)


def check_settings(settings: Settings) -> None:
    """Refuse settings that would leave /api/messages open, or unable to answer, before anything is served."""
    if settings.teams_allow_anonymous and settings.teams_app_id:
        raise ConfigurationError("TEAMS_ALLOW_ANONYMOUS must not be set when TEAMS_APP_ID is "
                                 "(anonymous requests are for local testing without an app).")
    if settings.teams_app_id and not settings.teams_app_password:
        raise ConfigurationError("TEAMS_APP_PASSWORD must be set when TEAMS_APP_ID is (the client secret of the app).")
    if settings.teams_app_id and not settings.teams_tenant_id:
        raise ConfigurationError("TEAMS_TENANT_ID must be set when TEAMS_APP_ID is (igbot is a single-tenant app).")


def build_teams_bot(assistant: Assistant, http: HttpClient) -> TeamsBot:
    settings = assistant.settings
    validator = None
    if settings.teams_app_id:
        validator = TokenValidator(app_id=settings.teams_app_id, metadata_urls=metadata_urls(settings),
                                   http=http)
    token_url = settings.teams_token_url
    if token_url is None and settings.teams_tenant_id:
        token_url = entra_token_url(settings.teams_tenant_id)
    outbound = OutboundToken(http=http, app_id=settings.teams_app_id, app_password=settings.teams_app_password,
                             token_url=token_url)
    bot = TeamsBot(conversation=assistant.conversation, engine=assistant.engine, outbound=outbound,
                   validator=validator, intake=assistant.intake, app_id=settings.teams_app_id,
                   tenant_id=settings.teams_tenant_id)
    assistant.intake.add_channel(CHANNEL, bot.process)
    return bot


def metadata_urls(settings: Settings) -> tuple[str, ...]:
    """TEAMS_OPENID_METADATA_URL (comma-separated), else the Bot Framework's and the tenant's own."""
    if settings.teams_openid_metadata_url:
        return tuple(url.strip() for url in settings.teams_openid_metadata_url.split(",") if url.strip())
    urls = [BOT_FRAMEWORK_OPENID_METADATA]
    if settings.teams_tenant_id:
        urls.append(entra_openid_metadata(settings.teams_tenant_id))
    return tuple(urls)


def teams_messenger(app: web.Application) -> TeamsMessenger | None:
    """The Teams Messenger for the outbox, or None when Teams is not mounted on this app."""
    return app.get(TEAMS_MESSENGER)
