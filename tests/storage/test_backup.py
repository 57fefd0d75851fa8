"""Backups of the embedded database while igbot runs, checked; and the documented pg_dump/pg_restore recipe, tried."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import text

from bot.app.assembly import build_assistant
from bot.app.cli import main
from bot.core.settings import load_settings
from moments import MONDAY_MORNING
from storage import audit
from storage.engine import create_database_engine, session_scope


def _audit_events(database: Path) -> int:
    engine = create_database_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM audit_event")).scalar_one())
    finally:
        engine.dispose()


def _record(home: Path, action: str) -> None:
    assistant = build_assistant(load_settings({"IGBOT_HOME": str(home)}))
    with session_scope(assistant.engine) as session:
        audit.record(session=session, action=action, actor_id=None, now=MONDAY_MORNING)
    assistant.engine.dispose()


def test_a_backup_is_checked_and_a_restore_brings_the_database_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("IGBOT_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    _record(home, "test.first")
    copy = tmp_path / "igbot-backup.db"

    assert main(["db", "backup", str(copy)]) == 0
    assert "checked, 1 audit events" in capsys.readouterr().out
    assert main(["db", "backup", str(copy)]) == 2
    assert "already exists" in capsys.readouterr().err

    _record(home, "test.second")
    assert _audit_events(home / "igbot.db") == 2
    assert main(["db", "restore", str(copy)]) == 0
    assert _audit_events(home / "igbot.db") == 1
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0, "the restored audit log is whole, and its anchor with it"


def test_a_damaged_or_foreign_file_is_never_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("IGBOT_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    _record(home, "test.first")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["db", "restore", str(junk)]) == 2
    assert "is not an igbot database" in capsys.readouterr().err
    assert main(["db", "restore", str(tmp_path / "missing.db")]) == 2
    assert "There is no backup" in capsys.readouterr().err
    assert _audit_events(home / "igbot.db") == 1


def test_postgresql_is_pointed_at_pg_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://igbot@db.invalid/igbot")
    assert main(["db", "backup", str(tmp_path / "x.db")]) == 2
    assert "pg_dump" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                    reason="pg_dump and pg_restore are not installed")
def test_the_documented_pg_dump_and_pg_restore_recipe_round_trips(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the recipe is for PostgreSQL")
    from storage import migrate

    engine = create_database_engine(database_url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        for action in ("test.first", "test.second"):
            audit.record(session=session, action=action, actor_id=None, now=MONDAY_MORNING)
    engine.dispose()
    base, options = database_url.replace("postgresql+psycopg://", "postgresql://").split("?options=")
    schema = unquote(options).split("search_path=")[1]
    dump = tmp_path / "igbot.dump"
    # As docs/deploy.md says (with -n for the one schema these tests use):
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "-n", schema, "--file", str(dump), base],
                   check=True, timeout=60)
    engine = create_database_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", base, str(dump)], check=True,
                   timeout=60)
    engine = create_database_engine(database_url)
    try:
        with session_scope(engine) as session:
            assert audit.verify(session=session) is None
            assert audit.checkpoint(session=session).count == 2
        assert migrate.pending(engine) == set()
    finally:
        engine.dispose()
