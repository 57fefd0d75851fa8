"""The message log: IDs and metadata of what was said, never the text."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage.models import Direction, MessageLog


def record(
    *,
    session: Session,
    channel: str,
    direction: Direction,
    kind: str,
    staff_id: int | None,
    detail: dict[str, Any] | None = None,
) -> MessageLog:
    """Add a log row; it is written with the rest of the unit of work (no flush of its own: it is on every turn)."""
    entry = MessageLog(channel=channel, direction=direction.value, kind=kind, staff_id=staff_id, detail=detail or {})
    session.add(entry)
    return entry
