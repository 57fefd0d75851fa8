"""Alembic environment: the engine comes from igbot's settings, never from a config file."""

from alembic import context
from sqlalchemy import Engine

from bot.settings import load_settings
from storage.engine import create_database_engine


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    return create_database_engine(load_settings().database_url)


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
