"""Per-person conversation state, stored so that a restart loses nothing.

Every message a person sends reads their state, so these are prepared Core statements run on
the turn's connection rather than ORM queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlmodel import SQLModel

from storage.models import ConversationState
from storage.prepared import Prepared

_STATE = SQLModel.metadata.tables[ConversationState.__tablename__]
_GET = Prepared(select(_STATE.c.workflow, _STATE.c.data, _STATE.c.paused).where(_STATE.c.staff_id == bindparam("person")))
_UPDATE = (update(_STATE).where(_STATE.c.staff_id == bindparam("person"), _STATE.c.workflow == bindparam("flow"))
           .values(data=bindparam("progress"), updated_at=bindparam("now"), paused=False))
_INSERT = insert(_STATE).values(staff_id=bindparam("person"), workflow=bindparam("flow"), paused=False,
                                data=bindparam("progress"), started_at=bindparam("now"), updated_at=bindparam("now"))
_PAUSE = update(_STATE).where(_STATE.c.staff_id == bindparam("person")).values(paused=bindparam("paused"))
_DELETE = delete(_STATE).where(_STATE.c.staff_id == bindparam("person"))


@dataclass(frozen=True)
class SavedState:
    """A person's progress; `paused` when they set it aside, so that what they say goes elsewhere until they carry on."""

    workflow: str
    data: dict[str, Any]
    paused: bool = False


def get(*, connection: Connection, staff_id: int) -> SavedState | None:
    rows = _GET.rows(connection, {"person": staff_id})
    if not rows:
        return None
    workflow, data, paused = rows[0]
    return SavedState(workflow=workflow, data=dict(data), paused=bool(paused))


def save(*, connection: Connection, staff_id: int, workflow: str, data: dict[str, Any], now: dt.datetime) -> None:
    """Keep a workflow's progress; another workflow's state is replaced and starts afresh."""
    values = {"person": staff_id, "flow": workflow, "progress": dict(data), "now": now}
    if connection.execute(_UPDATE, values).rowcount == 0:
        connection.execute(_DELETE, values)
        connection.execute(_INSERT, values)


def set_paused(*, connection: Connection, staff_id: int, paused: bool) -> None:
    connection.execute(_PAUSE, {"person": staff_id, "paused": paused})


def clear(*, connection: Connection, staff_id: int) -> None:
    connection.execute(_DELETE, {"person": staff_id})
