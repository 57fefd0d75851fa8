"""Where each person stands with each thing igbot reminds them about.

An item is `training` or `record:<record id>`. A row remembers how many nudges went out and
when, whether the person said they had done it (a self-statement, kept until the next import
confirms or contradicts it), whether they asked to be reminded later, and whether their manager
has been told. A row is forgotten once the item is resolved, so a new lapse starts afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import UniqueConstraint, delete, update
from sqlmodel import Field, Session, SQLModel, col, func, select

from storage.types import UTCDateTime

TRAINING = "training"
RECORD_PREFIX = "record:"


def record_item(record_id: str) -> str:
    return f"{RECORD_PREFIX}{record_id}"


class NudgeState(SQLModel, table=True):
    __tablename__ = "nudge_state"
    __table_args__ = (UniqueConstraint("staff_id", "item", name="uq_nudge_state_staff_item"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id")
    item: str = Field(max_length=80)
    nudges_sent: int = 0
    first_sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    said_done_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozed_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    manager_told_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


def get_all(*, session: Session) -> Sequence[NudgeState]:
    return session.exec(select(NudgeState)).all()


def get_open(*, session: Session, staff_id: int) -> Sequence[NudgeState]:
    """One person's items that were nudged and that they have not said are done."""
    statement = select(NudgeState).where(NudgeState.staff_id == staff_id, col(NudgeState.nudges_sent) > 0,
                                         col(NudgeState.said_done_at).is_(None))
    return session.exec(statement).all()


def get(*, session: Session, staff_id: int, item: str) -> NudgeState | None:
    return session.exec(select(NudgeState).where(NudgeState.staff_id == staff_id, NudgeState.item == item)).first()


def get_or_create(*, session: Session, staff_id: int, item: str) -> NudgeState:
    state = get(session=session, staff_id=staff_id, item=item)
    if state is None:
        state = NudgeState(staff_id=staff_id, item=item)
        session.add(state)
    return state


def record_sent(*, session: Session, staff_id: int, items: Iterable[str], now: dt.datetime) -> None:
    for item in items:
        state = get_or_create(session=session, staff_id=staff_id, item=item)
        state.nudges_sent += 1
        state.first_sent_at = state.first_sent_at or now
        state.last_sent_at = now
        state.snoozed_until = None
        session.add(state)
    session.flush()


def record_manager_told(*, session: Session, staff_id: int, items: Iterable[str], now: dt.datetime) -> None:
    _set(session, staff_id, items, manager_told_at=now)


def say_done(*, session: Session, staff_id: int, item: str, now: dt.datetime) -> None:
    _set(session, staff_id, [item], said_done_at=now)


def snooze(*, session: Session, staff_id: int, items: Iterable[str], until: dt.datetime) -> None:
    _set(session, staff_id, items, snoozed_until=until)


def _set(session: Session, staff_id: int, items: Iterable[str], **moments: dt.datetime) -> None:
    """Stamp each item's state with the given moments (manager told, said done, snoozed until)."""
    for item in items:
        state = get_or_create(session=session, staff_id=staff_id, item=item)
        for name, moment in moments.items():
            setattr(state, name, moment)
        session.add(state)
    session.flush()


def clear_statements(*, session: Session, items: Sequence[str] | None = None, training: bool = False) -> int:
    """An import has spoken: forget "I've done it" for its items (record items, or all training), so the data decides."""
    statement = update(NudgeState).where(col(NudgeState.said_done_at).is_not(None))
    if training:
        statement = statement.where(col(NudgeState.item) == TRAINING)
    elif items is not None:
        statement = statement.where(col(NudgeState.item).in_(items))
    result = session.exec(statement.values(said_done_at=None))
    return int(result.rowcount)


def forget(*, session: Session, ids: Sequence[int]) -> None:
    """Drop the rows of items that are resolved."""
    for start in range(0, len(ids), 1000):
        session.exec(delete(NudgeState).where(col(NudgeState.id).in_(ids[start:start + 1000])))


def counts(*, session: Session) -> dict[str, int]:
    """How many items are in each state, for `igbot nudge status`."""
    rows = {
        "nudged": col(NudgeState.nudges_sent) > 0,
        "said done": col(NudgeState.said_done_at).is_not(None),
        "snoozed": col(NudgeState.snoozed_until).is_not(None),
        "manager told": col(NudgeState.manager_told_at).is_not(None),
    }
    return {name: session.exec(select(func.count()).select_from(NudgeState).where(condition)).one()
            for name, condition in rows.items()}
