"""The same storage behaviour on SQLite and PostgreSQL (the `engine` fixture runs each test on both)."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from moments import MONDAY_MORNING
from storage import audit, conversations, directory, messages
from storage.engine import DatabaseBusy, checkpoint, create_no_wait_engine, session_scope, unit_of_work
from storage.models import AuditEvent, MessageLog, Role


def test_the_demo_directory_has_teams_managers_and_ig_roles(engine: Engine) -> None:
    with session_scope(engine) as session:
        people = directory.get_all(session=session)
        assert len(people) == 30
        assert len({person.team for person in people}) == 4
        manager = directory.get_by_email(session=session, email="Rachel.Dunmore@example.org")
        assert manager is not None and manager.has_role(Role.MANAGER)
        assert len(directory.reports_of(session=session, manager_id=manager.id)) == 7
        assert [p.name for p in directory.get_with_role(session=session, role=Role.IG_OFFICER)] == ["Harriet Osei"]


def test_platform_ids_find_the_person(engine: Engine) -> None:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert member is not None
        directory.link_platform_id(session=session, member=member, slack_user_id="U0SAM", teams_user_id="aad-sam")
    with session_scope(engine) as session:
        assert directory.get_by_slack_id(session=session, slack_user_id="U0SAM").email == "sam.okafor@example.org"
        assert directory.get_by_teams_id(session=session, teams_user_id="aad-sam").name == "Sam Okafor"


def test_conversation_state_survives_a_new_session_and_can_be_cleared(engine: Engine) -> None:
    with session_scope(engine) as session:
        staff_id = directory.get_by_email(session=session, email="sam.okafor@example.org").id
        connection = session.connection()
        conversations.save(connection=connection, staff_id=staff_id, workflow="decision", data={"answers": ["a"]}, now=MONDAY_MORNING)
        conversations.save(connection=connection, staff_id=staff_id, workflow="decision", data={"answers": ["a", "b"]},
                           now=MONDAY_MORNING)
    with session_scope(engine) as session:
        state = conversations.get(connection=session.connection(), staff_id=staff_id)
        assert state is not None and state.data == {"answers": ["a", "b"]}
        conversations.clear(connection=session.connection(), staff_id=staff_id)
    with session_scope(engine) as session:
        assert conversations.get(connection=session.connection(), staff_id=staff_id) is None


def test_a_failed_unit_of_work_writes_nothing(engine: Engine) -> None:
    try:
        with session_scope(engine) as session:
            directory.create(session=session, email="new.starter@example.org", name="New Starter")
            raise RuntimeError("rejected half way")
    except RuntimeError:
        pass
    with session_scope(engine) as session:
        assert directory.get_by_email(session=session, email="new.starter@example.org") is None


def test_the_message_log_keeps_metadata_only(engine: Engine) -> None:
    with unit_of_work(engine) as unit:
        messages.record(connection=unit.connection, now=MONDAY_MORNING, channel="slack", kind="question", staff_id=None,
                        detail={"entry_id": "clear-desk"})
    with session_scope(engine) as session:
        columns = set(MessageLog.model_fields)
        assert "text" not in columns
        assert session.exec(select(MessageLog)).one().detail == {"entry_id": "clear-desk"}


def _log_delivery(engine: Engine, delivery_id: str, channel: str = "slack") -> bool:
    with unit_of_work(engine) as unit:
        return messages.record(connection=unit.connection, now=MONDAY_MORNING, channel=channel, kind="text", staff_id=None,
                               delivery_id=delivery_id)


def test_a_delivery_is_logged_once_per_channel(engine: Engine) -> None:
    assert _log_delivery(engine, "Ev0001") is True
    assert _log_delivery(engine, "Ev0001") is False
    assert _log_delivery(engine, "Ev0002") is True
    assert _log_delivery(engine, "Ev0001", channel="teams") is True
    with unit_of_work(engine) as unit:
        assert all(messages.record(connection=unit.connection, now=MONDAY_MORNING, channel="console", kind="text", staff_id=None)
                   for _ in range(3)), "messages without a delivery id are all logged"


def test_a_log_row_for_someone_not_in_the_directory_is_refused_and_nothing_is_written(engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as unit:
        messages.record(connection=unit.connection, now=MONDAY_MORNING, channel="slack", kind="text", staff_id=999_999,
                        delivery_id="EvNobody01")
    with session_scope(engine) as session:
        assert session.exec(select(MessageLog).where(MessageLog.delivery_id == "EvNobody01")).first() is None
    assert _log_delivery(engine, "EvNobody01") is True, "the refused delivery was never taken as handled"


def test_deliveries_racing_on_several_replicas_are_logged_once(engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: _log_delivery(engine, "EvRace01"), range(12)))
    assert outcomes.count(True) == 1


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
            _log_delivery(no_wait, "EvLocked01")
    finally:
        writer.rollback()
        writer.close()
        no_wait.dispose()
    assert _log_delivery(engine, "EvLocked01"), "the failed attempt left nothing behind: the delivery is still new"


def test_the_checkpoint_copies_what_the_event_loop_wrote_into_the_database_file(engine: Engine) -> None:
    no_wait = _sqlite_only(engine)
    checkpoint(engine)
    assert _log_delivery(no_wait, "EvCheckpoint01")
    assert _rows_in_the_database_file(engine, "EvCheckpoint01") == 0, "its commits leave checkpoints to the job"
    checkpoint(engine)
    assert _rows_in_the_database_file(engine, "EvCheckpoint01") == 1
    no_wait.dispose()


def _three_events(engine: Engine) -> list[int]:
    with session_scope(engine) as session:
        ids = [audit.record(session=session, now=MONDAY_MORNING, action=f"incident.{verb}", actor_id=None, subject="IG-2026-0001").id
               for verb in ("reported", "triaged", "closed")]
    return ids


def test_an_intact_audit_log_verifies(engine: Engine) -> None:
    _three_events(engine)
    with session_scope(engine) as session:
        assert audit.verify(session=session) is None


def test_an_edited_audit_row_is_detected(engine: Engine) -> None:
    first, second, third = _three_events(engine)
    with session_scope(engine) as session:
        session.exec(text("UPDATE audit_event SET action = 'incident.ignored' WHERE id = :id").bindparams(id=second))
    with session_scope(engine) as session:
        broken = audit.verify(session=session)
    assert broken is not None and broken.event_id == second and "altered" in broken.problem


def test_a_removed_audit_row_is_detected(engine: Engine) -> None:
    first, second, third = _three_events(engine)
    with session_scope(engine) as session:
        session.exec(text("DELETE FROM audit_event WHERE id = :id").bindparams(id=second))
    with session_scope(engine) as session:
        broken = audit.verify(session=session)
        assert session.exec(select(AuditEvent)).all()
    assert broken is not None and broken.event_id == third and "removed" in broken.problem


ALL_REVISIONS = {"0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0015", "0016",
                 "0017", "0020", "0021", "0030", "0040", "0050", "0060"}


@pytest.mark.parametrize(("applied", "expected"), [
    ((), ALL_REVISIONS),
    (("0002",), {"0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0015", "0016", "0017", "0020",
                 "0021", "0030", "0040", "0050", "0060"}),
    (("0003", "0004", "0005", "0006", "0007", "0010", "0015", "0016", "0017", "0020", "0021", "0030", "0040", "0050",
      "0060"), {"0008"}),
], ids=["empty", "up-to-0002", "all-but-0008"])
def test_pending_names_exactly_the_migrations_not_yet_applied(database_url: str, applied: tuple[str, ...],
                                                              expected: set[str]) -> None:
    from alembic import command

    from storage import migrate
    from storage.engine import create_database_engine

    engine = create_database_engine(database_url)
    try:
        for revision in applied:
            command.upgrade(migrate.alembic_config(engine), revision)
        assert migrate.pending(engine) == expected
        migrate.upgrade(engine)
        assert migrate.pending(engine) == set()
    finally:
        engine.dispose()
