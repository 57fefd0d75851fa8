"""The PostgreSQL the tests use, and what happens when it is missing: a failure in CI, a skip with the reason elsewhere."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

POSTGRES_URL = os.environ.get("IGBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_or_fail() -> None:
    """In CI a missing PostgreSQL is a failure; on a laptop without one, those tests are skipped with the reason."""
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {str(error.orig).strip().splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
