"""Fixtures for Teams end-to-end tests: igbot's real server over real HTTP, and a fake Microsoft side."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine
from teams_fakes import FakeConnector, Igbot, StartIgbot, TeamsUser, sam_in, teams_environment

from bot.core.assistant import Assistant
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.app.server import build_web_app
from bot.core.settings import load_settings


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def signed_in_env(connector: FakeConnector) -> dict[str, str]:
    """A production-like configuration whose Microsoft endpoints are the local fake."""
    return teams_environment(connector)


@pytest.fixture
async def start_igbot(engine: Engine, profile: Profile, conversation: Conversation,
                      tmp_path: Path) -> AsyncIterator[StartIgbot]:
    started: list[Igbot] = []
    http = aiohttp.ClientSession()

    async def start(env: dict[str, str]) -> Igbot:
        settings = load_settings({"IGBOT_HOME": str(tmp_path / "home"), **env})
        assistant = Assistant(settings=settings, profile=profile, engine=engine, conversation=conversation)
        server = TestServer(build_web_app(assistant))
        await server.start_server()
        igbot = Igbot(server=server, http=http)
        started.append(igbot)
        return igbot

    yield start
    for igbot in started:
        await igbot.server.close()
    await http.close()


@pytest.fixture
async def igbot(start_igbot: StartIgbot, signed_in_env: dict[str, str]) -> Igbot:
    return await start_igbot(signed_in_env)


@pytest.fixture
def sam(connector: FakeConnector) -> TeamsUser:
    """Sam Okafor, in the demo directory, and in the Teams roster with his work email."""
    return sam_in(connector)
