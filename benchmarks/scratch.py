"""What the organisation-scale benchmarks share: a database of their own to fill, and the process's peak memory."""

from __future__ import annotations

import json
import resource
import secrets
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def fresh_database(url: str | None, folder: Path) -> tuple[str, str | None]:
    """A database URL to fill (SQLite in `folder`, or a new schema on the PostgreSQL at `url`) and that schema."""
    if url is None:
        return f"sqlite:///{folder / 'bench.db'}", None
    schema = f"bench_{secrets.token_hex(4)}"
    with create_engine(url).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{url}?options=-csearch_path%3D{schema}", schema


def drop(url: str | None, schema: str | None) -> None:
    if url is not None and schema is not None:
        with create_engine(url).begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def in_child(script: str, *arguments: str) -> dict[str, float]:
    """Run one measurement of `script` (its `_child` command) in a fresh Python process, so its peak memory is its own."""
    finished = subprocess.run([sys.executable, script, "_child", *arguments], capture_output=True, text=True,
                              cwd=Path(script).resolve().parents[1], check=True)
    result: dict[str, float] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result
