"""Backing up and restoring the embedded SQLite database while igbot runs, each copy checked before it is trusted.

SQLite's online backup API copies a consistent snapshot page by page without stopping
writers. A backup is written beside its destination, checked (`PRAGMA integrity_check`, and
the same schema revisions as the database it came from), and only then moved into place.
A restore checks the file the same way, and that igbot knows every revision in it, before
copying it over the live database. (PostgreSQL: pg_dump and pg_restore, see docs/deploy.md.)
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from storage.errors import ConfigurationError


def sqlite_path(database_url: str) -> Path:
    """The file of an SQLite URL; anything else is a sentence saying what to use instead."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        raise ConfigurationError("igbot db backup and restore are for the embedded SQLite database; for PostgreSQL "
                                 "use pg_dump and pg_restore as docs/deploy.md shows.")
    return Path(database_url[len(prefix):])


def backup(*, database: Path, destination: Path) -> int:
    """Copy `database` to `destination` (which must not exist yet); the number of audit events copied."""
    if destination.exists():
        raise ConfigurationError(f"{destination} already exists: choose a new file name for the backup.")
    if not database.is_file():
        raise ConfigurationError(f"There is no database at {database} to back up.")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)
        expected = _revisions(source)
    try:
        events = check(partial, revisions=expected)
    except ConfigurationError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, destination)
    return events


def restore(*, source: Path, database: Path, known_revisions: set[str]) -> int:
    """Replace the live `database` with the checked backup `source`; the number of audit events restored."""
    if not source.is_file():
        raise ConfigurationError(f"There is no backup at {source}.")
    events = check(source)
    unknown = _revisions_of(source) - known_revisions
    if unknown:
        raise ConfigurationError(f"{source} was made by a newer igbot (schema {', '.join(sorted(unknown))}): "
                                 "upgrade igbot before restoring it.")
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as backup_file, closing(sqlite3.connect(database, timeout=30)) as live:
        backup_file.backup(live)
    return events


def check(path: Path, *, revisions: set[str] | None = None) -> int:
    """Raise unless `path` is a whole igbot database (with `revisions`, when given); its audit event count."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()
            if verdict is None or verdict[0] != "ok":
                raise ConfigurationError(f"{path} is damaged (integrity check: {verdict[0] if verdict else 'none'}).")
            found = _revisions(connection)
            events = int(connection.execute("SELECT count(*) FROM audit_event").fetchone()[0])
    except sqlite3.DatabaseError as error:
        raise ConfigurationError(f"{path} is not an igbot database ({error}).") from None
    if not found:
        raise ConfigurationError(f"{path} is not an igbot database (it has no schema revisions).")
    if revisions is not None and found != revisions:
        raise ConfigurationError(f"The copy at {path} does not have the schema of the database it came from.")
    return events


def _revisions_of(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return _revisions(connection)


def _revisions(connection: sqlite3.Connection) -> set[str]:
    try:
        return {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.OperationalError:
        return set()
