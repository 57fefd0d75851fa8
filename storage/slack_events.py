"""Slack events already processed, so an event Slack retries is handled once, whichever replica receives it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from storage.types import UTCDateTime, utcnow


class ProcessedSlackEvent(SQLModel, table=True):
    """One Slack `event_id` this deployment has taken on; the unique key is what makes a retry a no-op."""

    __tablename__ = "slack_event"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, unique=True)
    received_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


def claim(*, session: Session, event_id: str) -> bool:
    """True the first time an event id is seen; False when another delivery (or replica) already took it.

    Call it in a unit of work of its own: a refused claim rolls the session back.
    """
    try:
        session.exec(insert(ProcessedSlackEvent).values(event_id=event_id, received_at=utcnow()))  # a Core INSERT: cheaper than the ORM on the hot path
    except IntegrityError:
        session.rollback()
        return False
    return True


def forget_before(*, session: Session, cutoff: dt.datetime) -> int:
    """Drop event ids older than Slack would ever retry; returns how many went."""
    result = session.exec(
        delete(ProcessedSlackEvent).where(col(ProcessedSlackEvent.received_at) < cutoff)
    )
    return int(result.rowcount or 0)
