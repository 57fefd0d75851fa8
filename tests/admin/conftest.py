"""The dashboard served by igbot's own web app on an ephemeral port, and reports to show in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from admin_harness import SAM, Dashboard, make_assistant
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine

from bot.app.server import build_web_app
from bot.core.clock import SettableClock
from bot.core.profile import Profile
from moments import MONDAY_MORNING
from storage import directory
from storage.engine import session_scope
from workflows.incidents import report


@pytest.fixture
async def dashboard(engine: Engine, profile: Profile, clock: SettableClock) -> AsyncIterator[Dashboard]:
    server = TestServer(build_web_app(make_assistant(engine, profile, clock)))
    await server.start_server()
    running = Dashboard(server, engine, clock)
    try:
        yield running
    finally:
        for browser in running.browsers:
            await browser.close()
        await server.close()


@pytest.fixture
def store_report(engine: Engine, profile: Profile) -> Callable[..., str]:
    """A finished report stored as the chat stores one (a referral emailed to the wrong practice); its reference."""
    def store(*, now: dt.datetime = MONDAY_MORNING, description: str = "Referral sent to the wrong practice",
              **changes: Any) -> str:
        answers: dict[str, Any] = {
            "kind": "misdirected_email", "happened_at": (now - dt.timedelta(hours=2)).isoformat(),
            "discovered_at": (now - dt.timedelta(hours=1)).isoformat(), "data_kind": "personal",
            "vulnerable": "none", "people_affected": 1, "contained": "partly",
            "containment": {"text": "Asked them to delete it", "removed": []},
            "told": {"text": "My manager", "removed": []}, "description": {"text": description, "removed": []},
            **changes}
        with session_scope(engine) as session:
            member = directory.get_by_email(session=session, email=SAM)
            assert member is not None
            return report.store(session=session, reporter=member, answers=answers, channel="slack", profile=profile,
                                now=now).reference
    return store
