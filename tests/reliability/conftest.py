"""The database an `igbot serve` process runs on: the embedded SQLite file, or a PostgreSQL database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import POSTGRES_URL, postgres_or_fail
from serve_process import dedicated_postgres_database

from bot.core.clock import SettableClock
from moments import MONDAY_MORNING


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
