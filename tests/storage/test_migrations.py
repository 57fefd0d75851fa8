"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

# Every module that declares tables, so that the metadata holds all of them.
import storage.admin_access  # noqa: F401
import storage.broadcasts  # noqa: F401
import storage.curation  # noqa: F401
import storage.decisions  # noqa: F401
import storage.employment  # noqa: F401
import storage.incidents  # noqa: F401
import storage.models  # noqa: F401
import storage.nudges  # noqa: F401
import storage.outbox  # noqa: F401
import storage.received_events  # noqa: F401
import storage.records  # noqa: F401
import storage.schedule  # noqa: F401
import storage.teams_references  # noqa: F401
import storage.training  # noqa: F401


def test_the_migrated_database_has_every_table_column_and_index_of_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
