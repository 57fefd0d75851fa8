"""Putting igbot together: settings, profile, database, knowledge and workflows, built once at start."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bot.conversation import Conversation
from bot.errors import ConfigurationError
from bot.profile import Profile, load_profile
from bot.settings import Settings
from storage import directory, migrate
from storage.engine import check_connection, create_database_engine, create_no_wait_engine, session_scope
from storage.seed import import_directory

log = logging.getLogger(__name__)

DEMO_DIRECTORY = Path(__file__).parent / "profiles" / "demo-directory.yaml"


@dataclass(frozen=True)
class Assistant:
    settings: Settings
    profile: Profile
    engine: Engine
    conversation: Conversation


def open_database(settings: Settings, *, demo: Profile | None = None) -> Engine:
    """Connect, and bring the schema up to date: by itself for the embedded default, on request otherwise.

    With `demo` (the profile in use), an embedded database with nobody in its directory gets the
    invented demo staff and their training, so there is something to try igbot with.
    """
    engine = create_database_engine(settings.database_url)
    check_connection(engine)
    if settings.uses_embedded_database:
        migrate.upgrade(engine)
        if demo is not None:
            with session_scope(engine) as session:
                if directory.count(session=session) == 0:
                    added = import_directory(session=session, path=DEMO_DIRECTORY)
                    log.info("loaded demo directory people=%d", added)
                    _seed_demo_training(session, demo)
    elif migrate.pending(engine):
        raise ConfigurationError("The database schema is not up to date: run `igbot db upgrade` first.")
    return engine


def build_assistant(settings: Settings) -> Assistant:
    profile = load_profile(settings.profile_path)
    engine = open_database(settings, demo=profile)
    return Assistant(settings=settings, profile=profile, engine=engine, conversation=build_conversation(profile, engine))


def build_conversation(profile: Profile, engine: Engine) -> Conversation:
    from knowledge.answers import KnowledgeAnswerer

    conversation = Conversation(engine=engine, profile=profile, answerer=KnowledgeAnswerer.load(profile),
                                no_wait_engine=create_no_wait_engine(engine))
    for install in _installers():
        install(conversation)
    return conversation


def _installers() -> list[Callable[[Conversation], None]]:
    from knowledge import answers
    from workflows import decisions, incidents, training

    return [answers.install, decisions.install, training.install, incidents.install]


def _seed_demo_training(session: Session, profile: Profile) -> None:
    """The demo directory comes with invented training dates, so the training status has something to show."""
    from storage.training import seed_demo_completions
    from workflows.training import today_in

    seed_demo_completions(session=session, profile=profile, today=today_in(profile))
