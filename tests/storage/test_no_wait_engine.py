"""The SQLite connection used on the event loop: it never waits, and a background checkpoint keeps the file whole."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Engine

from storage import messages
from storage.engine import DatabaseBusy, checkpoint, create_no_wait_engine, unit_of_work


def _log(engine: Engine, delivery_id: str) -> bool:
    with unit_of_work(engine) as unit:
        return messages.record(connection=unit.connection, channel="slack", kind="text", staff_id=None,
                               delivery_id=delivery_id)


def _rows_in_the_database_file(engine: Engine, delivery_id: str) -> int:
    """What the main database file holds, ignoring the write-ahead log."""
    reader = sqlite3.connect(f"file:{engine.url.database}?immutable=1", uri=True)
    try:
        query = "SELECT count(*) FROM message_log WHERE delivery_id = ?"
        return int(reader.execute(query, (delivery_id,)).fetchone()[0])
    finally:
        reader.close()


def _sqlite_only(engine: Engine) -> Engine:
    no_wait = create_no_wait_engine(engine)
    if no_wait is None:
        assert engine.dialect.name == "postgresql"
        pytest.skip("PostgreSQL has no no-wait engine: its turns run in worker threads")
    return no_wait


def test_a_write_that_finds_the_database_locked_fails_at_once_and_writes_nothing(engine: Engine) -> None:
    no_wait = _sqlite_only(engine)
    writer = engine.raw_connection()
    try:
        writer.cursor().execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy):
            _log(no_wait, "EvLocked01")
    finally:
        writer.rollback()
        writer.close()
        no_wait.dispose()
    assert _log(engine, "EvLocked01"), "the failed attempt left nothing behind: the delivery is still new"


def test_the_checkpoint_copies_what_the_event_loop_wrote_into_the_database_file(engine: Engine) -> None:
    no_wait = _sqlite_only(engine)
    checkpoint(engine)
    assert _log(no_wait, "EvCheckpoint01")
    assert _rows_in_the_database_file(engine, "EvCheckpoint01") == 0, "its commits leave checkpoints to the job"
    checkpoint(engine)
    assert _rows_in_the_database_file(engine, "EvCheckpoint01") == 1
    no_wait.dispose()
