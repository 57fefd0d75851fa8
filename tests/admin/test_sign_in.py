"""Signing in with a one-time link: it works once, for ten minutes, for the person it was made for, and nobody else."""

from __future__ import annotations

import datetime as dt

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from admin_harness import BEATRIX, HARRIET, RACHEL, SAM, Dashboard, make_assistant

from bot.app.server import build_web_app
from bot.core.chat import Channel, IncomingMessage
from storage import directory, outbox
from storage.engine import session_scope


async def test_a_link_signs_its_person_in_with_a_strict_http_only_cookie(dashboard: Dashboard) -> None:
    browser = dashboard.browser()
    token = dashboard.link_for(HARRIET)
    status, page = await browser.get(f"/admin/sign-in/{token}")
    assert status == 200 and "Sign in as Harriet Osei" in page
    response = await browser.open_link(token)
    assert response.status == 303 and response.headers["Location"] == "/admin/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain HTTP on a laptop; see the HTTPS test below
    status, page = await browser.get("/admin/")
    assert status == 200 and "Signed in as Harriet Osei" in page and "<h1>Overview</h1>" in page


async def test_opening_a_link_without_pressing_sign_in_does_not_use_it_up(dashboard: Dashboard) -> None:
    """Chat apps open links to preview them: only the button spends the link."""
    token = dashboard.link_for(HARRIET)
    assert (await dashboard.browser().get(f"/admin/sign-in/{token}"))[0] == 200
    assert (await dashboard.browser().open_link(token)).status == 303


async def test_an_expired_link_is_refused(dashboard: Dashboard) -> None:
    token = dashboard.link_for(HARRIET)
    dashboard.clock.advance(dt.timedelta(minutes=10))
    browser = dashboard.browser()
    status, page = await browser.get(f"/admin/sign-in/{token}")
    assert status == 410 and "This link has expired" in page and "type “dashboard” to igbot" in page
    response = await browser.open_link(token)
    assert response.status == 410 and "Set-Cookie" not in response.headers


async def test_a_link_works_once(dashboard: Dashboard) -> None:
    token = dashboard.link_for(HARRIET)
    assert (await dashboard.browser().open_link(token)).status == 303
    again = dashboard.browser()
    response = await again.open_link(token)
    assert response.status == 410 and "already been used" in again.last_page
    assert (await again.get("/admin/"))[0] == 303  # not signed in


async def test_a_changed_link_is_refused(dashboard: Dashboard) -> None:
    token = dashboard.link_for(RACHEL)
    _, rest = token.split(".", 1)
    with session_scope(dashboard.engine) as session:
        harriet = directory.get_by_email(session=session, email=HARRIET)
        assert harriet is not None
    for changed in (f"{harriet.id}.{rest}", token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                    token.rsplit(".", 1)[0], "not-a-link"):
        browser = dashboard.browser()
        status, page = await browser.get(f"/admin/sign-in/{changed}")
        assert status == 403 and "This link is not valid" in page
        assert (await browser.open_link(changed)).status == 403


async def test_a_link_for_someone_else_does_not_switch_who_is_signed_in(dashboard: Dashboard) -> None:
    browser = await dashboard.signed_in(HARRIET)
    response = await browser.open_link(dashboard.link_for(BEATRIX))
    assert response.status == 403 and "This link is for someone else" in browser.last_page
    assert "Signed in as Harriet Osei" in (await browser.get("/admin/"))[1]


async def test_a_link_cannot_sign_in_staff_without_a_dashboard_role(dashboard: Dashboard) -> None:
    browser = dashboard.browser()
    response = await browser.open_link(dashboard.link_for(SAM))
    assert response.status == 403 and "for the IG team and line managers" in browser.last_page


async def test_a_session_ends_after_half_an_hour_without_use(dashboard: Dashboard) -> None:
    browser = await dashboard.signed_in(HARRIET)
    dashboard.clock.advance(dt.timedelta(minutes=29))
    assert (await browser.get("/admin/incidents"))[0] == 200  # still in use
    dashboard.clock.advance(dt.timedelta(minutes=30))
    status, _ = await browser.get("/admin/")
    assert status == 303
    status, page = await browser.get("/admin/signed-out?why=ended")
    assert "Your session has ended" in page


async def test_signing_out_ends_the_session_on_the_server(dashboard: Dashboard) -> None:
    browser = await dashboard.signed_in(HARRIET)
    cookie = {name: morsel.value for name, morsel in browser.http.cookie_jar.filter_cookies(
        dashboard.server.make_url("/admin/")).items()}
    response = await browser.post("/admin/sign-out", {})
    assert response.status == 303 and response.headers["Location"] == "/admin/signed-out?why=out"
    assert (await browser.get("/admin/"))[0] == 303
    replayed = dashboard.browser()
    replayed.http.cookie_jar.update_cookies(cookie, dashboard.server.make_url("/admin/"))
    assert (await replayed.get("/admin/"))[0] == 303  # a copy of the old cookie signs nobody in


async def test_over_https_the_cookie_is_secure(engine, profile, clock) -> None:  # type: ignore[no-untyped-def]
    assistant = make_assistant(engine, profile, clock, public_url="https://igbot.example.org")
    server = TestServer(build_web_app(assistant))
    await server.start_server()
    try:
        running = Dashboard(server, engine, clock)
        response = await running.browser().open_link(running.link_for(HARRIET))
        assert "Secure" in response.headers["Set-Cookie"]
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        for browser in running.browsers:
            await browser.close()
        await server.close()


async def test_without_a_secret_key_the_dashboard_is_off_and_says_why(engine, profile, clock) -> None:  # type: ignore[no-untyped-def]
    server = TestServer(build_web_app(make_assistant(engine, profile, clock, secret_key=None)))
    await server.start_server()
    try:
        async with ClientSession() as http, http.get(server.make_url("/admin/")) as response:
            assert response.status == 503 and "set IGBOT_SECRET_KEY" in await response.text()
    finally:
        await server.close()


def _say(conversation, staff_id: int, text: str, *, shared: bool = False) -> str:  # type: ignore[no-untyped-def]
    message = IncomingMessage(channel=Channel.SLACK, staff_id=staff_id, text=text, shared=shared)
    return "\n".join(reply.text for reply in conversation.handle_now(message))


def test_dashboard_in_chat_gives_a_link_to_those_who_may_use_it(engine, profile, clock) -> None:  # type: ignore[no-untyped-def]
    from bot.admin.command import install

    assistant = make_assistant(engine, profile, clock)
    install(assistant.conversation, assistant.settings)
    with session_scope(engine) as session:
        harriet, sam = (directory.get_by_email(session=session, email=email) for email in (HARRIET, SAM))
        assert harriet is not None and sam is not None and harriet.id is not None and sam.id is not None
    answer = _say(assistant.conversation, harriet.id, "dashboard")
    assert "http://127.0.0.1:3000/admin/sign-in/" in answer and "works once" in answer
    refused = _say(assistant.conversation, sam.id, "dashboard")
    assert "Only the IG team and line managers can do that" in refused and "http" not in refused
    in_channel = _say(assistant.conversation, harriet.id, "Dashboard", shared=True)
    assert "direct message" in in_channel and "/admin/sign-in/" not in in_channel
    with session_scope(engine) as session:
        [queued] = outbox.get_all(session=session)
        assert queued.staff_id == harriet.id and "/admin/sign-in/" in str(queued.payload)


async def test_used_links_and_ended_sessions_are_purged_a_day_later(dashboard: Dashboard) -> None:
    from sqlmodel import select

    from storage import admin_access
    from storage.admin_access import AdminSession, SignInLink

    await dashboard.signed_in(HARRIET)
    dashboard.link_for(BEATRIX)  # never used
    with session_scope(dashboard.engine) as session:
        assert admin_access.purge(session=session, before=dashboard.clock.now() - dt.timedelta(days=1)) == 0
        later = dashboard.clock.now() + dt.timedelta(days=1, hours=1)
        assert admin_access.purge(session=session, before=later - dt.timedelta(days=1)) == 3
        assert session.exec(select(SignInLink)).all() == [] and session.exec(select(AdminSession)).all() == []
