"""What the knowledge base could not answer well, kept (redacted) for the IG officer to curate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import LARGEST_ID, UTCDateTime


class Signal(StrEnum):
    DECLINED = "declined"
    NOT_HELPFUL = "not_helpful"
    HELPFUL = "helpful"
    REFERRED = "referred"
    CLOSE_CALL = "close_call"  # answered with two entries, the question fitting both almost equally


GAP_SIGNALS = (Signal.DECLINED.value, Signal.NOT_HELPFUL.value, Signal.CLOSE_CALL.value)


class Resolution(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"  # the IG team answered the asker in their own words
    COVERED = "covered"  # the knowledge base now answers it: `covered_by` names the entry
    DISMISSED = "dismissed"


class CurationItem(SQLModel, table=True):
    """One declined question, one piece of feedback, one close call, or one question passed to the IG team.

    `question` is stored only after personal identifiers have been redacted. A question passed
    on stays open in the IG team's inbox until it is answered, covered by an entry or dismissed.
    A close call names both entries it was answered with: `entry_id` first, then `runner_up`.
    """

    __tablename__ = "curation_item"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    signal: str = Field(max_length=20, index=True)
    question: str = Field(default="", max_length=1000)
    entry_id: str | None = Field(default=None, max_length=100)
    runner_up: str | None = Field(default=None, max_length=100)
    score: float | None = None
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    # Who asked, on their platform ("slack:U123"): the only way to know it was them when they are not
    # in the directory, where staff_id is empty for everyone.
    asker: str | None = Field(default=None, max_length=200)
    resolution: str = Field(default=Resolution.OPEN.value, max_length=20)
    covered_by: str | None = Field(default=None, max_length=100)
    resolved_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by_id: int | None = Field(default=None, foreign_key="staff_member.id")


def asked_by(item: CurationItem, *, staff_id: int | None, asker: str | None) -> bool:
    """Whether this person asked the question: by directory entry, or, for someone outside the directory,
    by platform identity. Two people outside the directory both have no staff id: that is not a match."""
    if staff_id is not None:
        return item.staff_id == staff_id
    return asker is not None and item.staff_id is None and item.asker == asker


@dataclass(frozen=True)
class Gap:
    question: str
    signal: str
    count: int
    last_seen: dt.datetime
    entry_id: str | None
    runner_up: str | None = None


def create(
    *,
    session: Session,
    signal: Signal,
    now: dt.datetime,
    question: str = "",
    entry_id: str | None = None,
    runner_up: str | None = None,
    score: float | None = None,
    staff_id: int | None = None,
    asker: str | None = None,
) -> CurationItem:
    item = CurationItem(signal=signal.value, question=question[:1000], entry_id=entry_id, runner_up=runner_up,
                        score=score, staff_id=staff_id, asker=asker[:200] if asker else None, at=now)
    session.add(item)
    session.flush()
    return item


def get(*, session: Session, item_id: int) -> CurationItem | None:
    return session.get(CurationItem, item_id) if 0 < item_id <= LARGEST_ID else None


def get_gaps(*, session: Session) -> list[Gap]:
    """Declined, unhelpful, close-call and referred questions, the most frequent first."""
    wanted = [*GAP_SIGNALS, Signal.REFERRED.value]
    items = session.exec(select(CurationItem).where(col(CurationItem.signal).in_(wanted),
                                                   CurationItem.resolution == Resolution.OPEN.value)).all()
    groups: dict[tuple[str, str, str | None, str | None], list[CurationItem]] = {}
    for item in items:
        key = (" ".join(item.question.lower().split()), item.signal, item.entry_id, item.runner_up)
        groups.setdefault(key, []).append(item)
    gaps = [
        Gap(question=members[0].question, signal=signal, count=len(members),
            last_seen=max(member.at for member in members), entry_id=entry_id, runner_up=runner_up)
        for (_, signal, entry_id, runner_up), members in groups.items()
    ]
    return sorted(gaps, key=lambda gap: (-gap.count, -gap.last_seen.timestamp()))


def get_open_referrals(*, session: Session) -> Sequence[CurationItem]:
    """Questions passed to the IG team that nobody has answered, covered or dismissed, oldest first."""
    statement = select(CurationItem).where(CurationItem.signal == Signal.REFERRED.value,
                                           CurationItem.resolution == Resolution.OPEN.value)
    return session.exec(statement.order_by(col(CurationItem.at), col(CurationItem.id))).all()


def resolve(*, session: Session, item: CurationItem, resolution: Resolution, by: int, now: dt.datetime,
            covered_by: str | None = None) -> CurationItem:
    """Close a question: answered, covered by an entry (and with it the same question declined elsewhere), or dismissed."""
    closing = [item]
    if resolution is Resolution.COVERED:  # the knowledge gap closes for every time it was asked
        same = " ".join(item.question.lower().split())
        closing += [other for other in session.exec(select(CurationItem).where(
            CurationItem.resolution == Resolution.OPEN.value, col(CurationItem.signal) != Signal.HELPFUL.value))
            if " ".join(other.question.lower().split()) == same and other.id != item.id]
    for closed in closing:
        closed.resolution, closed.covered_by = resolution.value, covered_by
        closed.resolved_at, closed.resolved_by_id = now, by
        session.add(closed)
    session.flush()
    return item
