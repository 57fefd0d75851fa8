"""The message log: one row for each message a person sends, by IDs and metadata, never the text.

A channel that may deliver the same message twice (Slack retries an event it thinks was not
received) gives each delivery an id; the log keeps one row per id, so the row is also how a
repeated delivery is recognised, by whichever replica receives it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlmodel import SQLModel

from storage.models import Direction, MessageLog
from storage.prepared import Prepared
from storage.types import insert_for

_LOG = SQLModel.metadata.tables[MessageLog.__tablename__]


_COLUMNS = ("at", "channel", "direction", "kind", "staff_id", "delivery_id", "detail")
# One for each dialect: an insert that does nothing when the channel's delivery id is already logged.
_INSERTS = {
    dialect: Prepared(insert_for(dialect, _LOG).values({name: bindparam(name) for name in _COLUMNS})
                      .on_conflict_do_nothing(index_elements=["channel", "delivery_id"]).returning(_LOG.c.id))
    for dialect in ("sqlite", "postgresql")
}


def record(*, connection: Connection, channel: str, kind: str, staff_id: int | None, now: dt.datetime,
           delivery_id: str | None = None, detail: dict[str, Any] | None = None) -> bool:
    """Log a message received; False when this delivery id was logged before (the message was handled then)."""
    values = {"at": now, "channel": channel, "direction": Direction.IN.value, "kind": kind, "staff_id": staff_id,
              "delivery_id": delivery_id, "detail": detail or {}}
    return bool(_INSERTS[connection.dialect.name].rows(connection, values))
