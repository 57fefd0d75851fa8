"""Engine set-up for the embedded SQLite default and for PostgreSQL."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from storage.errors import ConfigurationError


def create_database_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_engine(url: str, *, wait_seconds: float = 30, checkpoints: bool = True, **options: Any) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait_seconds}, **options)
    pragmas = ["journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"]
    if not checkpoints:
        pragmas.append("wal_autocheckpoint=0")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]  # DB-API hook
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine


def create_no_wait_engine(engine: Engine) -> Engine | None:
    """For an SQLite database, a one-connection engine that never waits: for work done on the event loop.

    When another writer holds the database, a statement fails at once with `DatabaseBusy`
    rather than waiting for the lock, and the caller does the work again in a thread. Its
    commits never copy the write-ahead log into the database file either (that can take
    milliseconds): `checkpoint` does it, from a thread. None for PostgreSQL, whose every
    statement is a network round trip.
    """
    if engine.dialect.name != "sqlite":
        return None
    # One connection, kept open (used only by the event loop's thread); every turn commits or rolls back itself.
    return _sqlite_engine(engine.url.render_as_string(hide_password=False), wait_seconds=0, checkpoints=False,
                          poolclass=StaticPool, pool_reset_on_return=None)


def checkpoint(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database file, without waiting for readers."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


class DatabaseBusy(Exception):
    """Another writer holds the database; nothing was written, and the work can be done again."""


def check_connection(engine: Engine) -> None:
    """Fail with one sentence, not a traceback, when the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
        raise ConfigurationError(
            f"The database at DATABASE_URL ({redact_url(str(engine.url))}) cannot be reached: {reason}"
        ) from None


def redact_url(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class UnitOfWork:
    """One transaction on one connection, for a conversation turn.

    The statements run on every message use the connection directly (SQLAlchemy Core, no ORM
    on the hot path); an ORM session joined to the same transaction is opened only when
    something asks for it, so all of a turn commits or rolls back together.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.connection, expire_on_commit=False)
        return self._session

    def finish(self) -> None:
        """Write what the session holds into the transaction (the caller commits it)."""
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


@contextmanager
def unit_of_work(bind: Engine | Connection) -> Iterator[UnitOfWork]:
    """Committed when the block ends, rolled back if it raises; `DatabaseBusy` when a lock was not free.

    `bind` is an engine, whose pool lends the unit a connection, or a connection the caller
    keeps open (the event loop's turns on SQLite, which then skip the pool altogether).
    """
    try:
        with _transaction(bind) as connection:
            unit = UnitOfWork(connection)
            try:
                yield unit
                unit.finish()
            finally:
                unit.close()
    except OperationalError as error:
        if _is_locked(error):
            raise DatabaseBusy() from error
        raise


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        with bind.begin():
            yield bind
    else:
        with bind.begin() as connection:
            yield connection


def _is_locked(error: OperationalError) -> bool:
    return isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig)
