"""Fixtures for Slack end to end: the fake Web API, igbot's server on a real port, and the workspace sending to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from slack_harness import FakeSlackApi, SlackWorkspace, igbot_server, running, slack_environment

from bot.app import Assistant, build_assistant
from bot.settings import default_database_url, load_settings
from storage import migrate
from storage.engine import create_database_engine, session_scope
from storage.seed import import_directory
from storage.training import seed_demo_completions
from workflows.training import today_in

DEMO_DIRECTORY = Path(__file__).parents[2] / "bot" / "profiles" / "demo-directory.yaml"

# Slack users of the invented workspace, and the emails Slack holds for them.
SAM, HARRIET, NED, VISITOR = "USAMOKAFOR", "UHARRIETO", "UNEDASHW", "UVISITOR1"
EMAILS = {
    SAM: "sam.okafor@example.org",
    HARRIET: "harriet.osei@example.org",
    NED: "ned.ashworth@example.org",
    VISITOR: "visiting.locum@agency.example",
}


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi(emails=dict(EMAILS))
    async with running(api.app()) as url:
        api.url = url
        yield api


def make_assistant(database_url: str, home: Path, environment: dict[str, str]) -> Assistant:
    """igbot as `igbot serve` builds it; the embedded SQLite sets itself up, PostgreSQL is prepared like production."""
    settings = load_settings({"IGBOT_HOME": str(home), "DATABASE_URL": database_url, **environment})
    if database_url != default_database_url(home):
        engine = create_database_engine(database_url)
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            if import_directory(session=session, path=DEMO_DIRECTORY):
                from bot.profile import load_profile

                profile = load_profile(settings.profile_path)
                seed_demo_completions(session=session, profile=profile, today=today_in(profile))
        engine.dispose()
    return build_assistant(settings)


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
