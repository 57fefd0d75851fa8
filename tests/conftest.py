"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, the example profile, and the demo directory."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from bot.core.chat import Channel, IncomingMessage, Reply
from bot.core.clock import SettableClock
from moments import MONDAY_MORNING
from bot.core.database import DEMO_DIRECTORY
from bot.core.conversation import Conversation
from bot.core.profile import Profile, load_profile
from bot.core.settings import EXAMPLE_PROFILE
from postgres import POSTGRES_URL, postgres_or_fail
from storage import directory, migrate
from storage.engine import create_database_engine, session_scope
from storage.seed import import_directory


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a file for SQLite, a schema of its own in the `test` database for PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'igbot.db'}"
        return
    postgres_or_fail()
    schema = f"igbot_test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database with the invented demo directory in it."""
    engine = create_database_engine(database_url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        import_directory(session=session, path=DEMO_DIRECTORY)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile(EXAMPLE_PROFILE)


class Chat:
    """A person talking to igbot through the conversation core, as a test reads it: say, then look at the replies."""

    def __init__(self, conversation: Conversation, staff_id: int | None) -> None:
        self.conversation = conversation
        self.staff_id = staff_id

    def say(self, text: str = "", *, action: str | None = None, form: dict[str, str] | None = None,
            supports_forms: bool = False) -> list[Reply]:
        message = IncomingMessage(channel=Channel.CONSOLE, staff_id=self.staff_id, text=text, action=action,
                                  form=form, supports_forms=supports_forms)
        return self.conversation.handle_now(message)

    def text(self, said: str = "", **kwargs: object) -> str:
        """Everything igbot answered, as one string."""
        return "\n".join(reply.text for reply in self.say(said, **kwargs))  # type: ignore[arg-type]  # forwarded


@pytest.fixture
def clock() -> SettableClock:
    """The time every test runs at, whatever the date it runs on; a test moves it on as it needs."""
    return SettableClock(MONDAY_MORNING)


@pytest.fixture
def conversation(engine: Engine, profile: Profile, clock: SettableClock) -> Conversation:
    from bot.app.assembly import build_conversation

    return build_conversation(profile, engine, clock=clock)


@pytest.fixture
def chat_as(engine: Engine, conversation: Conversation):  # type: ignore[no-untyped-def]  # returns a factory
    def start(email: str | None) -> Chat:
        if email is None:
            return Chat(conversation, None)
        with session_scope(engine) as session:
            member = directory.get_by_email(session=session, email=email)
            assert member is not None, f"{email} is not in the demo directory"
            return Chat(conversation, member.id)

    return start
