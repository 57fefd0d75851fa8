"""Fixtures for Slack end to end: the fake Web API, igbot's server on a real port, and the workspace sending to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from slack_harness import EMAILS, FakeSlackApi, SlackWorkspace, igbot_server, make_assistant, running, slack_environment

from bot.core.assistant import Assistant


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi(emails=dict(EMAILS))
    async with running(api.app()) as url:
        api.url = url
        yield api


@pytest.fixture
def slack_settings_extra() -> dict[str, str]:
    """Extra environment for a test module (e.g. SLACK_TEAM_ID); empty by default."""
    return {}


@pytest.fixture
def assistant(database_url: str, tmp_path: Path, slack_api: FakeSlackApi,
              slack_settings_extra: dict[str, str]) -> Iterator[Assistant]:
    assistant = make_assistant(database_url, tmp_path, slack_environment(slack_api, **slack_settings_extra))
    yield assistant
    assistant.engine.dispose()


@pytest.fixture
async def slack(assistant: Assistant, slack_api: FakeSlackApi) -> AsyncIterator[SlackWorkspace]:
    async with igbot_server(assistant) as url, ClientSession() as session:
        yield SlackWorkspace(server_url=url, api=slack_api, session=session)
