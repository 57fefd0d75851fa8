"""Opening igbot's database: connect, bring the embedded schema up to date, and give a new one demo staff."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.errors import ConfigurationError
from bot.core.profile import Profile, load_profile
from bot.core.settings import Settings, load_settings
from storage import directory, migrate
from storage.engine import check_connection, create_database_engine, session_scope
from storage.seed import import_directory
from storage.training import seed_demo_completions

log = logging.getLogger(__name__)

DEMO_DIRECTORY = Path(__file__).parent.parent / "profiles" / "demo-directory.yaml"


def open_database(settings: Settings) -> Engine:
    """Connect, and bring the schema up to date: by itself for the embedded default, on request otherwise."""
    engine = create_database_engine(settings.database_url)
    check_connection(engine)
    if settings.uses_embedded_database:
        migrate.upgrade(engine)
    elif migrate.pending(engine):
        raise ConfigurationError("The database schema is not up to date: run `igbot db upgrade` first.")
    return engine


@contextmanager
def configured_session() -> Iterator[tuple[Session, Profile]]:
    """A session on the database the environment names, and the profile: for a command run from the terminal."""
    settings = load_settings()
    profile = load_profile(settings.profile_path)
    engine = open_database(settings)
    try:
        with session_scope(engine) as session:
            yield session, profile
    finally:
        engine.dispose()


def seed_demo(engine: Engine, profile: Profile, *, clock: Clock) -> None:
    """An empty directory gets the invented demo staff, with invented training dates, so there is something to try."""
    with session_scope(engine) as session:
        if directory.count(session=session) > 0:
            return
        added = import_directory(session=session, path=DEMO_DIRECTORY)
        log.info("loaded demo directory people=%d", added)
        seed_demo_completions(session=session, course=profile.training.name,
                              validity_months=profile.training.validity_months,
                              today=clock.today(profile.working_hours.zone), now=clock.now())
