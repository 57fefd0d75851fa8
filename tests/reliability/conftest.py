"""The database an `igbot serve` process runs on: the embedded SQLite file, or a PostgreSQL database of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_process import POSTGRES_URL, dedicated_postgres_database
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.core.clock import SettableClock
from moments import MONDAY_MORNING


def postgres_or_fail() -> None:
    """As tests/conftest.py: in CI a missing PostgreSQL is a failure; elsewhere, a skip with the reason."""
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {str(error.orig).strip().splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL `igbot serve` is given; the embedded SQLite sets itself up, PostgreSQL is prepared like production."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'igbot.db'}"
        return
    postgres_or_fail()
    with dedicated_postgres_database(POSTGRES_URL, SettableClock(MONDAY_MORNING)) as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    postgres_or_fail()
    with dedicated_postgres_database(POSTGRES_URL, SettableClock(MONDAY_MORNING)) as url:
        yield url
