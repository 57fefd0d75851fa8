"""The dashboard's web application: its settings, middleware (headers, errors, sessions, CSRF) and rendering."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp_jinja2
import jinja2
from aiohttp import web
from sqlalchemy import Engine
from sqlmodel import Session

from bot.admin import wording
from bot.admin.figures import FigureCache
from bot.admin.access import Viewer, may_use_dashboard, viewer_of
from bot.core.clock import Clock
from bot.core.errors import log_unexpected
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from knowledge.retrieval import KnowledgeIndex
from storage import admin_access, directory
from storage.engine import session_scope

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
COOKIE = "igbot_dashboard"
IDLE = dt.timedelta(minutes=30)
LONGEST = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(minutes=1)
# No inline script or style anywhere: the browser is told to refuse them.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
PUBLIC_PATHS = ("/admin/sign-in/", "/admin/static/", "/admin/signed-out")

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Dashboard:
    """Everything the pages need, built once when the server starts."""

    engine: Engine
    profile: Profile
    clock: Clock
    calendar: WorkingCalendar
    index: KnowledgeIndex
    secret_key: str
    secure_cookies: bool
    figures: FigureCache = field(default_factory=FigureCache, compare=False)

    async def run(self, work: Callable[[Session, dt.datetime], T]) -> T:
        """Database work in a worker thread, in one transaction, at one moment."""
        def in_thread() -> T:
            now = self.clock.now()
            with session_scope(self.engine) as session:
                return work(session, now)
        return await asyncio.to_thread(in_thread)

    def today(self, now: dt.datetime) -> dt.date:
        return self.calendar.local(now).date()


DASHBOARD = web.AppKey("dashboard", Dashboard)
VIEWER = web.RequestKey("viewer", Viewer)
FORM = web.RequestKey("form", dict[str, str])


class PageError(Exception):
    """Shown to the person as a page with this status, heading and sentence."""

    def __init__(self, status: int, heading: str, detail: str) -> None:
        super().__init__(heading)
        self.status, self.heading, self.detail = status, heading, detail


def forbidden(profile: Profile) -> PageError:
    heading, detail = wording.FORBIDDEN
    return PageError(403, heading, detail.format(ig_officer=profile.roles.ig_officer.name))


def bad_input(problem: str) -> PageError:
    heading, detail = wording.BAD_INPUT
    return PageError(400, heading, detail.format(problem=problem))


def viewer(request: web.Request) -> Viewer:
    return request[VIEWER]


def form(request: web.Request) -> dict[str, str]:
    return request[FORM]


def render(request: web.Request, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
    organisation = request.app[DASHBOARD].profile.organisation.name
    context = {"viewer": request.get(VIEWER), "page": "", "organisation": organisation, **context}
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def message_page(request: web.Request, status: int, heading: str, detail: str, *, more: str = "") -> web.Response:
    return render(request, "message.html", {"title": heading, "heading": heading, "detail": detail, "more": more},
                  status=status)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as redirect:  # redirects (sign-in, sign-out, after a form) carry them too
        _add_headers(request, redirect.headers)
        raise
    _add_headers(request, response.headers)
    return response


def _add_headers(request: web.Request, headers: MutableMapping[str, str]) -> None:
    headers.update(SECURITY_HEADERS)
    if request.app[DASHBOARD].secure_cookies:  # served over HTTPS: browsers are to keep it that way
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if not request.path.startswith("/admin/static/"):
        headers["Cache-Control"] = "no-store"


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A calm page for every refusal and failure; never a traceback."""
    try:
        return await handler(request)
    except PageError as error:
        return message_page(request, error.status, error.heading, error.detail)
    except web.HTTPNotFound:
        return message_page(request, 404, *wording.NOT_FOUND)
    except web.HTTPMethodNotAllowed:
        return message_page(request, 405, *wording.NOT_FOUND)
    except web.HTTPException:
        raise  # redirects
    except Exception as error:  # noqa: BLE001  # the one place an unexpected failure becomes a page with a reference
        reference = log_unexpected(error, context=f"route={request.match_info.route.resource}")
        heading, detail = wording.BROKEN
        return message_page(request, 500, heading, detail.format(reference=reference))


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every page but sign-in needs a live session of someone still allowed to use the dashboard."""
    if request.path.startswith(PUBLIC_PATHS):
        return await handler(request)
    token = request.cookies.get(COOKIE, "")
    found = await request.app[DASHBOARD].run(lambda session, now: _live_viewer(session, token, now)) if token else None
    if found is None:
        raise web.HTTPSeeOther("/admin/signed-out?why=" + ("ended" if token else "none"))
    request[VIEWER] = found
    return await handler(request)


def _live_viewer(session: Session, token: str, now: dt.datetime) -> Viewer | None:
    live = admin_access.find_session(session=session, token=token)
    if live is None:
        return None
    if now - live.last_seen_at >= IDLE or now - live.created_at >= LONGEST:
        admin_access.end_session(session=session, admin_session=live, now=now)
        return None
    member = directory.get(session=session, staff_id=live.staff_id)
    if member is None or not may_use_dashboard(member):
        admin_access.end_session(session=session, admin_session=live, now=now)
        return None
    if now - live.last_seen_at >= TOUCH_EVERY:
        admin_access.touch(session=session, admin_session=live, now=now)
    return viewer_of(member, csrf_token=live.csrf_token)


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every form carries the session's token; a post without it changes nothing."""
    if request.method != "POST":
        return await handler(request)
    posted = await request.post()
    request[FORM] = {key: value for key, value in posted.items() if isinstance(value, str)}
    if not request.path.startswith("/admin/sign-in/"):
        expected = viewer(request).csrf_token
        if not expected or not hmac.compare_digest(str(request[FORM].get("csrf", "")), expected):
            raise PageError(403, *wording.STALE_FORM)
    return await handler(request)


def set_up_templates(app: web.Application) -> None:
    environment = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["day"] = lambda day: f"{day.day} {day:%b %Y}" if day else ""
    environment.filters["number"] = lambda value: f"{value:,}"
