"""What the knowledge base could not answer well, kept (redacted) for the IG officer to curate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, delete, select

from storage.types import UTCDateTime


class Signal(StrEnum):
    DECLINED = "declined"
    NOT_HELPFUL = "not_helpful"
    HELPFUL = "helpful"
    REFERRED = "referred"


class CurationItem(SQLModel, table=True):
    """One declined question, one piece of feedback, or one question passed to the IG team.

    `question` is stored only after personal identifiers have been redacted.
    """

    __tablename__ = "curation_item"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    signal: str = Field(max_length=20, index=True)
    question: str = Field(default="", max_length=1000)
    entry_id: str | None = Field(default=None, max_length=100)
    score: float | None = None
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")


@dataclass(frozen=True)
class Gap:
    question: str
    signal: str
    count: int
    last_seen: dt.datetime
    entry_id: str | None


def create(
    *,
    session: Session,
    signal: Signal,
    now: dt.datetime,
    question: str = "",
    entry_id: str | None = None,
    score: float | None = None,
    staff_id: int | None = None,
) -> CurationItem:
    item = CurationItem(signal=signal.value, question=question[:1000], entry_id=entry_id, score=score,
                        staff_id=staff_id, at=now)
    session.add(item)
    session.flush()
    return item


def get(*, session: Session, item_id: int) -> CurationItem | None:
    return session.get(CurationItem, item_id)


def get_gaps(*, session: Session) -> list[Gap]:
    """Declined, unhelpful and referred questions, the most frequent first."""
    wanted = [Signal.DECLINED.value, Signal.NOT_HELPFUL.value, Signal.REFERRED.value]
    items = session.exec(select(CurationItem).where(col(CurationItem.signal).in_(wanted))).all()
    groups: dict[tuple[str, str, str | None], list[CurationItem]] = {}
    for item in items:
        key = (" ".join(item.question.lower().split()), item.signal, item.entry_id)
        groups.setdefault(key, []).append(item)
    gaps = [
        Gap(question=members[0].question, signal=signal, count=len(members),
            last_seen=max(member.at for member in members), entry_id=entry_id)
        for (_, signal, entry_id), members in groups.items()
    ]
    return sorted(gaps, key=lambda gap: (-gap.count, -gap.last_seen.timestamp()))


def purge_older_than(*, session: Session, days: int, now: dt.datetime) -> int:
    """Remove items past the profile's retention period; returns how many went."""
    cutoff = now - dt.timedelta(days=days)
    result = session.exec(delete(CurationItem).where(col(CurationItem.at) < cutoff))
    return int(result.rowcount or 0)
