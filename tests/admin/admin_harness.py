"""Browsers that sign in to the dashboard with links, and igbot assembled for it: shared by tests/admin and tests/browser."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from aiohttp import ClientResponse, ClientSession, CookieJar
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine

from bot.admin import links
from bot.app.assembly import build_conversation
from bot.app.server import build_web_app
from bot.core.assistant import Assistant
from bot.core.clock import SettableClock
from bot.core.profile import Profile
from bot.core.settings import load_settings
from storage import directory
from storage.engine import session_scope

SECRET_KEY = "a-test-signing-key-that-is-long-enough-0123456789"
HARRIET = "harriet.osei@example.org"  # IG officer
BEATRIX = "beatrix.nolan@example.org"  # DPO, and a manager
RACHEL = "rachel.dunmore@example.org"  # manages Harbour Recovery
KWAME = "kwame.asante@example.org"  # manages Northgate Young People
SAM = "sam.okafor@example.org"  # staff
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_KEY = re.compile(r'name="key" value="([^"]+)"')


class Browser:
    """One person's browser: its own cookies, following no redirects so each step can be seen."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.http = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.last_page = ""

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.server.make_url(path), allow_redirects=False) as response:
            self.last_page = await response.text()
            return response.status, self.last_page

    async def post(self, path: str, fields: dict[str, str], *, csrf: bool = True) -> ClientResponse:
        data = {"csrf": self.csrf(), **fields} if csrf else fields
        async with self.http.post(self.server.make_url(path), data=data, allow_redirects=False) as response:
            self.last_page = await response.text()
            return response

    def csrf(self) -> str:
        found = _CSRF.search(self.last_page)
        return found.group(1) if found else ""

    async def open_link(self, token: str) -> ClientResponse:
        """Open the link, then press "Sign in" on the page it shows; the response to that press."""
        status, page = await self.get(f"/admin/sign-in/{token}")
        key = _KEY.search(page)
        fields = {"key": key.group(1) if key else ""}
        async with self.http.post(self.server.make_url(f"/admin/sign-in/{token}"), data=fields,
                                  allow_redirects=False) as response:
            self.last_page = await response.text()
            return response

    async def close(self) -> None:
        await self.http.close()


class Dashboard:
    def __init__(self, server: TestServer, engine: Engine, clock: SettableClock) -> None:
        self.server, self.engine, self.clock = server, engine, clock
        self.browsers: list[Browser] = []

    def browser(self) -> Browser:
        self.browsers.append(Browser(self.server))
        return self.browsers[-1]

    def link_for(self, email: str) -> str:
        with session_scope(self.engine) as session:
            member = directory.get_by_email(session=session, email=email)
            assert member is not None and member.id is not None
            return links.issue(session=session, secret_key=SECRET_KEY, staff_id=member.id, now=self.clock.now())

    async def signed_in(self, email: str) -> Browser:
        browser = self.browser()
        response = await browser.open_link(self.link_for(email))
        assert response.status == 303 and response.headers["Location"] == "/admin/", browser.last_page
        status, _ = await browser.get("/admin/")
        assert status == 200
        return browser


def make_assistant(engine: Engine, profile: Profile, clock: SettableClock, **settings: Any) -> Assistant:
    chosen = replace(load_settings({}), **{"secret_key": SECRET_KEY, "public_url": "http://127.0.0.1:3000",
                                           **settings})
    return Assistant(settings=chosen, profile=profile, engine=engine,
                     conversation=build_conversation(profile, engine, clock=clock))
