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
    """Revisions the database has not had yet: all but the applied heads and everything beneath them.

    The history branches (several revisions build on 0001), so this follows the graph rather
    than comparing heads.
    """
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    applied = {revision.revision for revision in script.iterate_revisions(current, "base")}
    return {revision.revision for revision in script.walk_revisions()} - applied
