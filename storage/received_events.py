"""Received events: what Slack or Teams delivered, stored before the platform is told it was received.

A row is written and committed before the HTTP 200 goes back, so an acknowledged event is
never lost: it stays here, unprocessed, until a replica has handled it. One row per channel and
platform delivery key (a Slack event id, a click's trigger id and action timestamp, a Teams
activity id), so a delivery repeated by the platform adds nothing.

A replica processing a row holds it under a lease (`claimed_by`, `claimed_until`); a row whose
lease ran out, because its replica died, is taken up by another. The payload holds what the
person wrote, so it is cleared as soon as the row is processed, as are the replies decided for
it (kept so a turn already committed is answered after a crash, not answered again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Connection, Index, bindparam, delete, null, or_, select, update
from sqlmodel import Field, SQLModel

from storage.prepared import Prepared
from storage.types import UTCDateTime, insert_for


class ReceivedEvent(SQLModel, table=True):
    __tablename__ = "received_event"
    __table_args__ = (Index("ix_received_event_delivery", "channel", "delivery_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    delivery_key: str = Field(max_length=100)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    replies: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: dt.datetime = Field(sa_type=UTCDateTime)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    processed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


@dataclass(frozen=True)
class Claimed:
    """A row this replica now holds: process it, then `finish` or `release` it."""

    id: int
    channel: str
    delivery_key: str
    payload: dict[str, Any]
    attempts: int
    claimed_by: str | None = None  # who held it before, for `claim_due` callers that tell apart abandoned rows


_TABLE = SQLModel.metadata.tables[ReceivedEvent.__tablename__]
_COLUMNS = ("channel", "delivery_key", "payload", "received_at", "attempts", "claimed_by", "claimed_until")
# Run on every event before it is acknowledged: compiled once per dialect (storage.prepared).
_INSERTS = {
    dialect: Prepared(insert_for(dialect, _TABLE).values({name: bindparam(name) for name in _COLUMNS})
                      .on_conflict_do_nothing(index_elements=["channel", "delivery_key"]).returning(_TABLE.c.id))
    for dialect in ("sqlite", "postgresql")
}
_REMEMBER = Prepared(update(_TABLE).where(_TABLE.c.channel == bindparam("channel"),
                                          _TABLE.c.delivery_key == bindparam("delivery_key"),
                                          _TABLE.c.processed_at.is_(None)).values(replies=bindparam("replies")))
_REPLIES = Prepared(select(_TABLE.c.replies).where(_TABLE.c.channel == bindparam("channel"),
                                                   _TABLE.c.delivery_key == bindparam("delivery_key"),
                                                   _TABLE.c.processed_at.is_(None)))
_FINISH = Prepared(update(_TABLE).where(_TABLE.c.id == bindparam("event_id"), _TABLE.c.processed_at.is_(None))
                   .values(processed_at=bindparam("now"), payload=null(), replies=null(), claimed_by=null(),
                           claimed_until=null()))


def receive(*, connection: Connection, channel: str, delivery_key: str, payload: dict[str, Any], owner: str | None,
            now: dt.datetime, lease: dt.timedelta) -> int | None:
    """Store a delivery, held by `owner` for `lease` (or, with no owner, free for the first replica with room to
    claim it); None when this channel's key was stored before."""
    held = owner is not None
    values = {"channel": channel, "delivery_key": delivery_key, "payload": payload, "received_at": now,
              "attempts": int(held), "claimed_by": owner, "claimed_until": now + lease if held else None}
    rows = _INSERTS[connection.dialect.name].rows(connection, values)
    return int(rows[0][0]) if rows else None


def remember_replies(*, connection: Connection, channel: str, delivery_key: str, replies: list[Any]) -> None:
    """Keep the replies decided for a delivery still being processed, in the transaction of the turn that decided them."""
    _REMEMBER.rows(connection, {"channel": channel, "delivery_key": delivery_key, "replies": replies})


def replies_for(*, connection: Connection, channel: str, delivery_key: str) -> list[Any] | None:
    """The replies decided for a delivery that is still being processed, if a turn decided them."""
    rows = _REPLIES.rows(connection, {"channel": channel, "delivery_key": delivery_key})
    return rows[0][0] if rows else None


def finish(*, connection: Connection, event_id: int, now: dt.datetime) -> None:
    """Mark a row processed, and forget what the person wrote and what was answered."""
    _FINISH.rows(connection, {"event_id": event_id, "now": now})


def release(*, connection: Connection, event_ids: Sequence[int], owner: str) -> None:
    """Hand rows back unprocessed (a shutdown, or a failed attempt), for this or another replica to take up."""
    if event_ids:
        connection.execute(update(_TABLE).where(_TABLE.c.id.in_(event_ids), _TABLE.c.claimed_by == owner,
                                                _TABLE.c.processed_at.is_(None))
                           .values(claimed_by=null(), claimed_until=null()))


def renew(*, connection: Connection, event_ids: Sequence[int], owner: str, until: dt.datetime) -> int:
    """Extend this replica's lease on rows it is still processing, so a long turn is not taken up by another
    replica; how many it still held."""
    if not event_ids:
        return 0
    renewed = connection.execute(update(_TABLE).where(_TABLE.c.id.in_(event_ids), _TABLE.c.claimed_by == owner,
                                                      _TABLE.c.processed_at.is_(None))
                                 .values(claimed_until=until))
    return renewed.rowcount


def claim_due(*, connection: Connection, owner: str, now: dt.datetime, lease: dt.timedelta, limit: int,
              channels: Sequence[str], abandoned_by: Sequence[str] = ()) -> list[Claimed]:
    """Take up to `limit` unprocessed rows of `channels` nobody holds: never claimed, released, or with a lease
    run out.

    Rows held by one of `abandoned_by` (this replica's earlier lives) are taken at once. Like the
    outbox's claim, the update only takes rows still free when it writes, so two replicas never
    take the same row.
    """
    free = or_(_TABLE.c.claimed_until.is_(None), _TABLE.c.claimed_until <= now)
    if abandoned_by:
        free = or_(free, _TABLE.c.claimed_by.in_(abandoned_by))
    candidates = connection.execute(
        select(_TABLE.c.id, _TABLE.c.claimed_by).where(_TABLE.c.processed_at.is_(None), _TABLE.c.channel.in_(channels),
                                                       free)
        .order_by(_TABLE.c.id).limit(limit).with_for_update(skip_locked=True)).all()
    if not candidates:
        return []
    before = {row.id: row.claimed_by for row in candidates}
    taken = connection.execute(
        update(_TABLE).where(_TABLE.c.id.in_(before), _TABLE.c.processed_at.is_(None), free)
        .values(claimed_by=owner, claimed_until=now + lease, attempts=_TABLE.c.attempts + 1)
        .returning(_TABLE.c.id, _TABLE.c.channel, _TABLE.c.delivery_key, _TABLE.c.payload, _TABLE.c.attempts)).all()
    return sorted((Claimed(id=row.id, channel=row.channel, delivery_key=row.delivery_key, payload=row.payload or {},
                           attempts=row.attempts, claimed_by=before.get(row.id)) for row in taken),
                  key=lambda claimed: claimed.id)


def holders(*, connection: Connection) -> set[str]:
    """Who holds unprocessed rows now: for a replica starting up to recognise its own earlier lives."""
    return set(connection.execute(select(_TABLE.c.claimed_by).distinct()
                                  .where(_TABLE.c.processed_at.is_(None), _TABLE.c.claimed_by.is_not(None))).scalars())


def count_unprocessed(*, connection: Connection) -> int:
    return len(connection.execute(select(_TABLE.c.id).where(_TABLE.c.processed_at.is_(None))).all())


def forget_processed(*, connection: Connection, before: dt.datetime) -> int:
    """Delete processed rows (keys and times only, by then) received before `before`; how many."""
    result = connection.execute(delete(_TABLE).where(_TABLE.c.processed_at.is_not(None),
                                                     _TABLE.c.received_at < before))
    return int(result.rowcount or 0)


__all__ = ["Claimed", "ReceivedEvent", "claim_due", "count_unprocessed", "finish", "forget_processed",
           "holders", "receive", "release", "remember_replies", "replies_for"]
