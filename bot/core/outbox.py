"""Queueing replies for the delivery worker, stored through one serialiser.

The outbox table keeps JSON; `REPLIES` is the only thing that turns replies into that JSON
and back, so a field added to a reply type is stored and read the same way everywhere, and
a stored message that no longer fits the types fails loudly instead of losing a field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import TypeAdapter
from sqlmodel import Session

from bot.core.chat import Reply
from storage import outbox
from storage.outbox import OutboxMessage

REPLIES: TypeAdapter[list[Reply]] = TypeAdapter(list[Reply])


def queue(*, session: Session, dedup_key: str, replies: Sequence[Reply], now: dt.datetime,
          staff_id: int | None = None, to_ig_team: bool = False, not_before: dt.datetime | None = None) -> bool:
    """Queue replies for one person or the IG team; False when a message with this key was queued before."""
    return outbox.enqueue(session=session, dedup_key=dedup_key, payload=REPLIES.dump_python(list(replies), mode="json"),
                          staff_id=staff_id, to_ig_team=to_ig_team, now=now, not_before=not_before)


def queue_many(*, session: Session, messages: Sequence[tuple[str, int, Sequence[Reply]]], now: dt.datetime,
               not_before: dt.datetime | None = None) -> set[str]:
    """Queue (dedup key, staff id, replies) for many people at once; the keys that were not queued before."""
    return outbox.enqueue_many(session=session, now=now, not_before=not_before, messages=[
        (key, staff_id, REPLIES.dump_python(list(replies), mode="json")) for key, staff_id, replies in messages])


def replies_of(message: OutboxMessage) -> list[Reply]:
    """The replies a stored message carries."""
    return REPLIES.validate_python(message.payload)
