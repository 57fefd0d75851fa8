"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


# The largest id an integer key holds on PostgreSQL: a larger one, typed or carried by a button, names no row
# (asked for as it is, PostgreSQL refuses the query instead of finding nothing).
LARGEST_ID = 2**31 - 1


def row_id(text: str) -> int | None:
    """The id written in `text` ("42"), or None when it is not one: other digits than 0-9, or too large."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= LARGEST_ID else None


def insert_for(dialect: str, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say what to do on a conflict (ON CONFLICT), which both databases spell alike."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored as naive UTC everywhere; always read back as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: give a time zone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)
