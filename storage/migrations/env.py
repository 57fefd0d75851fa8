"""Alembic environment: the engine is handed over by `storage.migrate` (`igbot db upgrade`), never read from a config file."""

from alembic import context
from sqlalchemy import Engine

from storage.errors import ConfigurationError


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    raise ConfigurationError("Run the migrations with `igbot db upgrade`, which connects to DATABASE_URL.")


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
