"""The outbox: every message igbot sends that is not a reply, stored before it is sent.

Nudges, digests, broadcasts, incident notices and deadline reminders are queued here in
the same transaction as the change that caused them, so they are durable; a unique
`dedup_key` means the same message is never queued twice; the delivery worker
(workflows/delivery.py) claims due rows, sends them and records the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, update
from sqlmodel import Field, Session, SQLModel, col, func, select

from storage.types import UTCDateTime, insert_for


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(SQLModel, table=True):
    """One message to one person, or to the IG team; `last_error` names an error type, never content."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=200, unique=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id", index=True)
    to_ig_team: bool = False
    payload: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=10, index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    last_error: str | None = Field(default=None, max_length=200)
    delivered_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


def enqueue(
    *,
    session: Session,
    dedup_key: str,
    payload: list[Any],
    now: dt.datetime,
    staff_id: int | None = None,
    to_ig_team: bool = False,
    not_before: dt.datetime | None = None,
) -> bool:
    """Queue a message unless one with the same key was queued before; True when this call queued it.

    The insert ignores a clash on `dedup_key`, so two replicas queueing the same
    reminder at the same moment still produce one row. `payload` is the replies as JSON,
    written by the core's one serialiser (`bot.core.outbox`).
    """
    if (staff_id is None) == (not to_ig_team):
        raise ValueError("a message goes either to one member of staff or to the IG team")
    values = {
        "dedup_key": dedup_key,
        "staff_id": staff_id,
        "to_ig_team": to_ig_team,
        "payload": payload,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "delivered_to": [],
        "created_at": now,
    }
    statement = (
        insert_for(session.get_bind().dialect.name, OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(col(OutboxMessage.id))
    )
    return session.execute(statement).scalar_one_or_none() is not None


def enqueue_many(*, session: Session, messages: Sequence[tuple[str, int, list[Any]]], now: dt.datetime,
                 not_before: dt.datetime | None = None) -> set[str]:
    """Queue many personal messages (dedup key, staff id, payload) in a few statements; the keys queued now."""
    queued: set[str] = set()
    statement = (insert_for(session.get_bind().dialect.name, OutboxMessage)
                 .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(col(OutboxMessage.dedup_key)))
    for start in range(0, len(messages), 5000):  # one statement compiled once, its rows sent in batches
        values = [{"dedup_key": key, "staff_id": staff_id, "to_ig_team": False, "payload": payload,
                   "status": OutboxStatus.PENDING.value, "attempts": 0, "next_attempt_at": not_before or now,
                   "delivered_to": [], "created_at": now} for key, staff_id, payload in messages[start:start + 5000]]
        queued.update(session.connection().execute(statement, values).scalars().all())
    return queued


def get_by_key(*, session: Session, dedup_key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key)).first()


def get_all(*, session: Session, status: OutboxStatus | None = None) -> Sequence[OutboxMessage]:
    statement = select(OutboxMessage).order_by(col(OutboxMessage.id))
    if status is not None:
        statement = statement.where(OutboxMessage.status == status.value)
    return session.exec(statement).all()


def claim_due(*, session: Session, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker.

    Rows locked by another replica are skipped (`FOR UPDATE SKIP LOCKED` on PostgreSQL), and
    the claim itself only takes rows that are still due when it writes, so two workers sharing
    an SQLite file never take the same row either. A claimed row is pushed `lease` into the
    future, so if this worker dies before recording the outcome the row is tried again.
    """
    candidates = list(session.exec(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING.value, col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all())
    if not candidates:
        return []
    taken = set(session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(candidates), col(OutboxMessage.status) == OutboxStatus.PENDING.value,
               col(OutboxMessage.next_attempt_at) <= now)
        .values(attempts=col(OutboxMessage.attempts) + 1, next_attempt_at=now + lease)
        .returning(col(OutboxMessage.id))
    ).scalars().all())
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(taken))
                        .execution_options(populate_existing=True)).all()
    by_id = {message.id: message for message in rows}
    return [by_id[message_id] for message_id in candidates if message_id in by_id]


def mark_sent(*, session: Session, message_id: int, now: dt.datetime, delivered_to: Sequence[str]) -> None:
    message = session.get(OutboxMessage, message_id)
    assert message is not None, "a claimed message is never deleted"
    message.status = OutboxStatus.SENT.value
    message.sent_at = now
    message.delivered_to = list(delivered_to)
    message.last_error = None
    session.add(message)
    session.flush()


def mark_retry(*, session: Session, message_id: int, now: dt.datetime, error: str, delivered_to: Sequence[str],
               retry_at: dt.datetime | None) -> None:
    """Record a failed attempt: try again at `retry_at`, or give up (status failed) when it is None."""
    message = session.get(OutboxMessage, message_id)
    assert message is not None, "a claimed message is never deleted"
    message.last_error = error[:200]
    message.delivered_to = list(delivered_to)
    if retry_at is None:
        message.status = OutboxStatus.FAILED.value
    else:
        message.next_attempt_at = retry_at
    session.add(message)
    session.flush()


def count_failed_since(*, session: Session, since: dt.datetime) -> int:
    """Messages given up on (dead letters) that were queued since `since`."""
    statement = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.FAILED.value, col(OutboxMessage.created_at) >= since)
    return session.exec(statement).one()
