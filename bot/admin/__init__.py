"""The IG dashboard at /admin: server-rendered pages for the IG team and line managers, signed in by one-time links."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.admin import broadcasts, evidence, gaps, incidents, overview, signin
from bot.admin.webapp import (DASHBOARD, HERE, SECURITY_HEADERS, Dashboard, csrf, error_pages, security_headers,
                             sessions, set_up_templates)
from bot.admin import wording
from bot.core.assistant import Assistant
from bot.core.working_time import WorkingCalendar

log = logging.getLogger(__name__)


def build_dashboard(dashboard: Dashboard) -> web.Application:
    app = web.Application(middlewares=[security_headers, error_pages, sessions, csrf])
    app[DASHBOARD] = dashboard
    set_up_templates(app)
    app.router.add_static("/static/", HERE / "static")
    for pages in (signin, overview, incidents, gaps, broadcasts, evidence):
        pages.add_routes(app)
    return app


def mount_dashboard(app: web.Application, assistant: Assistant) -> None:
    """Serve /admin when a secret key is set; without one, /admin says so and serves nothing else."""
    settings = assistant.settings
    if not settings.secret_key:
        log.warning("dashboard off: IGBOT_SECRET_KEY is not set")

        async def off(request: web.Request) -> web.Response:
            return web.Response(status=503, text=wording.OFF, headers=SECURITY_HEADERS)
        app.router.add_route("*", "/admin{tail:.*}", off)
        return
    from knowledge.answers import KnowledgeAnswerer

    answerer = assistant.conversation.answerer
    index = (answerer if isinstance(answerer, KnowledgeAnswerer) else KnowledgeAnswerer.load(assistant.profile)).index
    dashboard = Dashboard(engine=assistant.engine, profile=assistant.profile, clock=assistant.conversation.clock,
                          calendar=WorkingCalendar(assistant.profile), index=index, secret_key=settings.secret_key,
                          secure_cookies=(settings.public_url or "").startswith("https://"))
    app.router.add_get("/admin", _to_overview)
    app.add_subapp("/admin", build_dashboard(dashboard))


async def _to_overview(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect("/admin/", headers=SECURITY_HEADERS)
