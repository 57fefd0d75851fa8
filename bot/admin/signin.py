"""Signing in with a one-time link, and signing out.

Opening a link shows a page with one button; only pressing it uses the link up. Chat apps open
links to preview them, and a preview must not spend the link.
"""

from __future__ import annotations

import datetime as dt
import secrets

from aiohttp import web
from sqlmodel import Session

from bot.admin import links, wording
from bot.admin.access import may_use_dashboard
from bot.admin.links import LinkRefused, SignInToken
from bot.admin.webapp import COOKIE, DASHBOARD, Dashboard, PageError, form, message_page, render, viewer
from storage import admin_access, audit, directory


def _refused(reason: str) -> PageError:
    heading, detail = wording.REFUSED[reason]
    status = 410 if reason in ("expired", "used") else 403
    return PageError(status, heading, f"{detail} {wording.ASK_AGAIN}")


def _token(request: web.Request) -> tuple[str, SignInToken]:
    text = request.match_info["token"]
    try:
        return text, links.read(text, secret_key=request.app[DASHBOARD].secret_key)
    except LinkRefused as refusal:
        raise _refused(str(refusal)) from None


def _current_staff_id(session: Session, request: web.Request) -> int | None:
    cookie = request.cookies.get(COOKIE, "")
    live = admin_access.find_session(session=session, token=cookie) if cookie else None
    return live.staff_id if live else None


def _check(session: Session, request: web.Request, token: SignInToken, now: dt.datetime) -> str:
    """The name of the person the link signs in, or a refusal."""
    try:
        links.check(session=session, token=token, now=now)
    except LinkRefused as refusal:
        raise _refused(str(refusal)) from None
    signed_in = _current_staff_id(session, request)
    if signed_in is not None and signed_in != token.staff_id:
        raise _refused("someone_else")
    member = directory.get(session=session, staff_id=token.staff_id)
    if member is None or not may_use_dashboard(member):
        raise _refused("not_allowed")
    return member.name


async def sign_in_page(request: web.Request) -> web.Response:
    text, token = _token(request)
    dashboard = request.app[DASHBOARD]
    name = await dashboard.run(lambda session, now: _check(session, request, token, now))
    return render(request, "sign_in.html", {"title": "Sign in", "name": name, "token": text,
                                            "key": links.form_key(dashboard.secret_key, text)})


async def sign_in(request: web.Request) -> web.Response:
    text, token = _token(request)
    dashboard = request.app[DASHBOARD]
    pressed = secrets.compare_digest(form(request).get("key", ""), links.form_key(dashboard.secret_key, text))
    cookie = secrets.token_urlsafe(32)
    await dashboard.run(lambda session, now: _start(session, request, token, cookie, now, pressed=pressed))
    response = web.HTTPSeeOther("/admin/")
    response.set_cookie(COOKIE, cookie, path="/admin", httponly=True, samesite="Strict",
                        secure=dashboard.secure_cookies or request.secure)
    raise response


def _start(session: Session, request: web.Request, token: SignInToken, cookie: str, now: dt.datetime, *,
           pressed: bool) -> None:
    _check(session, request, token, now)
    if not pressed:  # posted from somewhere other than the page the link shows
        raise PageError(403, *wording.STALE_FORM)
    try:
        links.use(session=session, token=token, now=now)
    except LinkRefused as refusal:
        raise _refused(str(refusal)) from None
    admin_access.start_session(session=session, staff_id=token.staff_id, token=cookie,
                               csrf_token=secrets.token_urlsafe(32), now=now)
    audit.record(session=session, now=now, action="dashboard.signed_in", actor_id=token.staff_id)


async def sign_out(request: web.Request) -> web.Response:
    cookie = request.cookies.get(COOKIE, "")
    staff_id = viewer(request).staff_id

    def end(session: Session, now: dt.datetime) -> None:
        live = admin_access.find_session(session=session, token=cookie)
        if live is not None:
            admin_access.end_session(session=session, admin_session=live, now=now)
        audit.record(session=session, now=now, action="dashboard.signed_out", actor_id=staff_id)

    await request.app[DASHBOARD].run(end)
    response = web.HTTPSeeOther("/admin/signed-out?why=out")
    response.del_cookie(COOKIE, path="/admin")
    raise response


async def signed_out(request: web.Request) -> web.Response:
    heading, detail = {"out": wording.SIGNED_OUT, "ended": wording.SESSION_ENDED}.get(
        request.query.get("why", ""), wording.NOT_SIGNED_IN)
    return message_page(request, 200, heading, detail, more=wording.ASK_AGAIN)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/sign-in/{token}", sign_in_page)
    app.router.add_post("/sign-in/{token}", sign_in)
    app.router.add_post("/sign-out", sign_out)
    app.router.add_get("/signed-out", signed_out)


__all__ = ["Dashboard", "add_routes"]
