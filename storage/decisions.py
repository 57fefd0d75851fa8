"""Recorded decisions: who walked which tree, when, what they answered and what it concluded (golden rule 7)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import LARGEST_ID, UTCDateTime


class SharingDecision(SQLModel, table=True):
    """The outcome of one walk through a decision tree ("Can I share this?" and the others)."""

    __tablename__ = "sharing_decision"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    decided_at: dt.datetime = Field(sa_type=UTCDateTime)
    tree_id: str = Field(max_length=80)
    tree_version: int
    answers: list[str] = Field(sa_column=Column(JSON, nullable=False))
    outcome_id: str = Field(max_length=80)
    verdict: str = Field(max_length=40)

    @property
    def reference(self) -> str:
        return f"DEC-{self.decided_at:%Y}-{self.id:05d}"


def create(
    *,
    session: Session,
    staff_id: int,
    tree_id: str,
    tree_version: int,
    answers: list[str],
    outcome_id: str,
    verdict: str,
    now: dt.datetime,
) -> SharingDecision:
    decision = SharingDecision(
        staff_id=staff_id,
        tree_id=tree_id,
        tree_version=tree_version,
        answers=list(answers),
        outcome_id=outcome_id,
        verdict=verdict,
        decided_at=now,
    )
    session.add(decision)
    session.flush()
    return decision


def get(*, session: Session, decision_id: int) -> SharingDecision | None:
    return session.get(SharingDecision, decision_id) if 0 < decision_id <= LARGEST_ID else None


def get_all(*, session: Session, staff_id: int | None = None) -> list[SharingDecision]:
    statement = select(SharingDecision).order_by(col(SharingDecision.id))
    if staff_id is not None:
        statement = statement.where(SharingDecision.staff_id == staff_id)
    return list(session.exec(statement))
