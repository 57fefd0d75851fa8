"""Schema changes go through Alembic; the embedded default upgrades itself on first run."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "heads")


def pending(engine: Engine) -> set[str]:
    """Revisions the database has not had yet."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    heads = set(script.get_heads())
    if heads <= applied:
        return set()
    return {revision.revision for revision in script.walk_revisions() if revision.revision not in applied}
