"""Lessons-learnt broadcasts and, for each person they went to, whether and where they acknowledged it.

A broadcast is written by an IG role, waits `scheduled` until its send time, is fanned out
(`sending`: one `broadcast_recipient` row per person, in the same transaction as their outbox
messages) and is then `sent`. A recipient row keeps the team the person was in when it was sent,
the platform it went to ("" when they are reachable on neither, so the report still names them),
and the first acknowledgement: pressing twice, or on a second platform, changes nothing.

Leavers who had not acknowledged drop out of the figures and the outstanding list (they can no
longer read it); an acknowledgement given before leaving still counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (JSON, Column, String, Text, UniqueConstraint, and_, bindparam, case, cast, literal, or_, text,
                        update)
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session, SQLModel, col, func, select

from storage.models import StaffMember
from storage.outbox import OutboxMessage, OutboxStatus
from storage.types import UTCDateTime, insert_for

CHANNELS = ("slack", "teams", "")
ACKNOWLEDGED_ON = ("slack", "teams", "terminal", "dashboard")
AUDIENCE_KINDS = ("everyone", "teams", "roles", "reporting_line", "emails")


class BroadcastStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class _Status(TypeDecorator[BroadcastStatus]):
    """Stored as its short text; read back as a BroadcastStatus."""

    impl = String(12)
    cache_ok = True

    def process_bind_param(self, value: BroadcastStatus | str | None, dialect: Dialect) -> str | None:
        return None if value is None else BroadcastStatus(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> BroadcastStatus | None:
        return None if value is None else BroadcastStatus(value)


class Broadcast(SQLModel, table=True):
    __tablename__ = "broadcast"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    incident_reference: str | None = Field(default=None, max_length=40)
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ack_required: bool = True
    ack_by: dt.date | None = None
    send_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    status: BroadcastStatus = Field(default=BroadcastStatus.SCHEDULED, sa_column=Column(_Status, nullable=False,
                                                                                         index=True))
    created_by: int = Field(foreign_key="staff_member.id")
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class BroadcastRecipient(SQLModel, table=True):
    __tablename__ = "broadcast_recipient"
    __table_args__ = (UniqueConstraint("broadcast_id", "staff_id", name="uq_broadcast_recipient_staff"),)

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id")
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    team: str = Field(default="", max_length=100)
    channel: str = Field(default="", max_length=10)
    queued_at: dt.datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_on: str | None = Field(default=None, max_length=10)
    reminders_sent: int = 0
    last_reminded_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


@dataclass(frozen=True)
class TeamAcknowledgement:
    team: str
    recipients: int
    acknowledged: int

    @property
    def rate(self) -> float:
        return self.acknowledged / self.recipients if self.recipients else 0.0


@dataclass(frozen=True)
class Recipient:
    """Who a broadcast goes to, decided at the moment it is sent."""

    staff_id: int
    team: str
    channel: str


def create(*, session: Session, title: str, body: str, audience: dict[str, Any], send_at: dt.datetime,
           created_by: int, now: dt.datetime, ack_required: bool = True, ack_by: dt.date | None = None,
           incident_reference: str | None = None) -> Broadcast:
    if audience.get("kind") not in AUDIENCE_KINDS:
        raise ValueError("an audience is everyone, teams, roles, reporting_line or emails")
    broadcast = Broadcast(title=title, body=body, audience=audience, send_at=send_at, created_by=created_by,
                          created_at=now, ack_required=ack_required, ack_by=ack_by,
                          incident_reference=incident_reference, status=BroadcastStatus.SCHEDULED)
    session.add(broadcast)
    session.flush()
    return broadcast


def get(*, session: Session, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id)


def get_all(*, session: Session, status: BroadcastStatus | None = None) -> Sequence[Broadcast]:
    """Every broadcast (or those in one state), newest send time first."""
    statement = select(Broadcast).order_by(col(Broadcast.send_at).desc(), col(Broadcast.id).desc())
    if status is not None:
        statement = statement.where(col(Broadcast.status) == status)
    return session.exec(statement).all()


def recent(*, session: Session, limit: int = 5) -> Sequence[Broadcast]:
    """The latest broadcasts that went out (or are going out), newest first."""
    statement = (select(Broadcast)
                 .where(col(Broadcast.status).in_([BroadcastStatus.SENT, BroadcastStatus.SENDING]))
                 .order_by(col(Broadcast.send_at).desc(), col(Broadcast.id).desc()).limit(limit))
    return session.exec(statement).all()


def due(*, session: Session, now: dt.datetime) -> Sequence[Broadcast]:
    """Scheduled broadcasts whose send time has come."""
    statement = (select(Broadcast)
                 .where(col(Broadcast.status) == BroadcastStatus.SCHEDULED, col(Broadcast.send_at) <= now)
                 .order_by(col(Broadcast.send_at), col(Broadcast.id)))
    return session.exec(statement).all()


def in_progress(*, session: Session) -> Sequence[Broadcast]:
    """Broadcasts that went out and ask for an acknowledgement: the ones reminders are about."""
    statement = (select(Broadcast)
                 .where(col(Broadcast.status).in_([BroadcastStatus.SENT, BroadcastStatus.SENDING]),
                        col(Broadcast.ack_required))
                 .order_by(col(Broadcast.id)))
    return session.exec(statement).all()


def edit(*, session: Session, broadcast_id: int, **changes: Any) -> Broadcast | None:
    """Change a broadcast that is still scheduled; None when it has gone (or was cancelled) or does not exist."""
    allowed = {"title", "body", "audience", "ack_required", "ack_by", "send_at", "incident_reference"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"a broadcast has no field {sorted(unknown)[0]}")
    broadcast = session.get(Broadcast, broadcast_id, with_for_update=True)
    if broadcast is None or broadcast.status != BroadcastStatus.SCHEDULED:
        return None
    for name, value in changes.items():
        setattr(broadcast, name, value)
    session.add(broadcast)
    session.flush()
    return broadcast


def cancel(*, session: Session, broadcast_id: int) -> bool:
    """Stop a broadcast that has not gone yet; False when it has started, has gone, or does not exist."""
    return _move(session, broadcast_id, BroadcastStatus.SCHEDULED, BroadcastStatus.CANCELLED)


def start_sending(*, session: Session, broadcast_id: int) -> bool:
    """Claim a scheduled broadcast for fanning out: True for exactly one caller, however many replicas try."""
    return _move(session, broadcast_id, BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING)


def mark_sent(*, session: Session, broadcast_id: int, now: dt.datetime) -> None:
    session.execute(update(Broadcast).where(col(Broadcast.id) == broadcast_id)
                    .values(status=BroadcastStatus.SENT, sent_at=now))


def _move(session: Session, broadcast_id: int, from_status: BroadcastStatus, to_status: BroadcastStatus) -> bool:
    result = session.execute(update(Broadcast)
                             .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == from_status)
                             .values(status=to_status))
    session.expire_all()
    return bool(result.rowcount)  # type: ignore[attr-defined]  # a CursorResult for an UPDATE


def add_recipients(*, session: Session, broadcast_id: int, recipients: Sequence[Recipient],
                   now: dt.datetime) -> int:
    """Record who a broadcast went to, in a few statements; a person already recorded is left as they are."""
    if session.get_bind().dialect.name == "postgresql":
        return _add_recipients_in_arrays(session, broadcast_id, recipients, now)
    statement = (insert_for(session.get_bind().dialect.name, BroadcastRecipient)
                 .on_conflict_do_nothing(index_elements=["broadcast_id", "staff_id"])
                 .returning(col(BroadcastRecipient.id)))
    added = 0
    for start in range(0, len(recipients), 5000):  # one statement compiled once, its rows sent in batches
        rows = [{"broadcast_id": broadcast_id, "staff_id": person.staff_id, "team": person.team[:100],
                 "channel": person.channel, "queued_at": now, "reminders_sent": 0}
                for person in recipients[start:start + 5000]]
        added += len(session.connection().execute(statement, rows).scalars().all())
    return added


def _add_recipients_in_arrays(session: Session, broadcast_id: int, recipients: Sequence[Recipient],
                              now: dt.datetime) -> int:
    """PostgreSQL: the recipients as three arrays in one statement, which the server unpacks (`unnest`).

    Row by row, the driver spends most of a large broadcast parsing placeholders."""
    statement = text(
        "INSERT INTO broadcast_recipient (broadcast_id, staff_id, team, channel, queued_at, reminders_sent) "
        "SELECT :broadcast_id, person.staff_id, person.team, person.channel, :queued_at, 0 "
        "FROM unnest(CAST(:staff_ids AS integer[]), CAST(:teams AS varchar[]), CAST(:channels AS varchar[])) "
        "AS person(staff_id, team, channel) "
        "ON CONFLICT (broadcast_id, staff_id) DO NOTHING"
    ).bindparams(bindparam("queued_at", type_=UTCDateTime))
    result = session.connection().execute(statement, {
        "broadcast_id": broadcast_id, "queued_at": now,
        "staff_ids": [person.staff_id for person in recipients],
        "teams": [person.team[:100] for person in recipients],
        "channels": [person.channel for person in recipients]})
    return int(result.rowcount)


def queue_messages(*, session: Session, broadcast_id: int, payload: list[Any], now: dt.datetime,
                   not_before: dt.datetime) -> int:
    """One outbox message to each recipient igbot can reach, `broadcast:<id>:<staff id>`, all in one statement
    that the database fills from the recipient rows; one already queued is left as it is. How many were queued."""
    key = literal(f"broadcast:{broadcast_id}:") + cast(col(BroadcastRecipient.staff_id), String)
    rows = select_columns(
        key, col(BroadcastRecipient.staff_id), literal(False), literal(payload, JSON),
        literal(OutboxStatus.PENDING.value), literal(0), literal(not_before, UTCDateTime), literal([], JSON),
        literal(now, UTCDateTime),
    ).where(col(BroadcastRecipient.broadcast_id) == broadcast_id, col(BroadcastRecipient.channel) != "")
    statement = insert_for(session.get_bind().dialect.name, OutboxMessage).from_select(
        ["dedup_key", "staff_id", "to_ig_team", "payload", "status", "attempts", "next_attempt_at", "delivered_to",
         "created_at"], rows).on_conflict_do_nothing(index_elements=["dedup_key"])
    return int(session.connection().execute(statement).rowcount)


def get_recipient(*, session: Session, broadcast_id: int, staff_id: int) -> BroadcastRecipient | None:
    return session.exec(select(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == broadcast_id,
                                                         BroadcastRecipient.staff_id == staff_id)).first()


def count_recipients(*, session: Session, broadcast_id: int) -> int:
    return session.exec(select(func.count()).select_from(BroadcastRecipient)
                        .where(BroadcastRecipient.broadcast_id == broadcast_id)).one()


def acknowledge(*, session: Session, broadcast_id: int, staff_id: int, on: str, now: dt.datetime) -> bool:
    """Record that this person has read it; True only the first time (a second press, anywhere, changes nothing)."""
    if on not in ACKNOWLEDGED_ON:
        raise ValueError(f"an acknowledgement is made on one of {', '.join(ACKNOWLEDGED_ON)}")
    result = session.execute(update(BroadcastRecipient)
                             .where(col(BroadcastRecipient.broadcast_id) == broadcast_id,
                                    col(BroadcastRecipient.staff_id) == staff_id,
                                    col(BroadcastRecipient.acknowledged_at).is_(None))
                             .values(acknowledged_at=now, acknowledged_on=on))
    return bool(result.rowcount)  # type: ignore[attr-defined]  # a CursorResult for an UPDATE


def _counted(broadcast_id: int, among: Collection[int] | None) -> list[Any]:
    """Conditions for the recipients a report counts: this broadcast, not a leaver who never acknowledged."""
    conditions: list[Any] = [col(BroadcastRecipient.broadcast_id) == broadcast_id,
                             or_(col(StaffMember.active), col(BroadcastRecipient.acknowledged_at).is_not(None))]
    if among is not None:
        conditions.append(col(BroadcastRecipient.staff_id).in_(list(among)))
    return conditions


def acknowledgement_by_team(*, session: Session, broadcast_id: int,
                            among: Collection[int] | None = None) -> list[TeamAcknowledgement]:
    """How many of each team (as it was when sent) received it and acknowledged it, teams in name order."""
    acknowledged = func.sum(case((col(BroadcastRecipient.acknowledged_at).is_not(None), 1), else_=0))
    statement = (select(BroadcastRecipient.team, func.count(), acknowledged)
                 .join(StaffMember, col(StaffMember.id) == col(BroadcastRecipient.staff_id))
                 .where(*_counted(broadcast_id, among))
                 .group_by(col(BroadcastRecipient.team)).order_by(col(BroadcastRecipient.team)))
    return [TeamAcknowledgement(team=team, recipients=int(total), acknowledged=int(done or 0))
            for team, total, done in session.exec(statement).all()]


def outstanding(*, session: Session, broadcast_id: int, among: Collection[int] | None = None,
                limit: int | None = None) -> list[tuple[BroadcastRecipient, StaffMember]]:
    """Who still has to acknowledge (leavers left out), by team then name (the first `limit` of them); nobody
    when no acknowledgement was asked for. How many in all is recipients less acknowledged, by team."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or not broadcast.ack_required:
        return []
    conditions = [*_counted(broadcast_id, among), col(BroadcastRecipient.acknowledged_at).is_(None)]
    statement = (select(BroadcastRecipient, StaffMember)
                 .join(StaffMember, col(StaffMember.id) == col(BroadcastRecipient.staff_id))
                 .where(and_(*conditions))
                 .order_by(col(BroadcastRecipient.team), col(StaffMember.name), col(StaffMember.id)))
    if limit is not None:
        statement = statement.limit(limit)
    return [(recipient, member) for recipient, member in session.exec(statement).all()]


def report_rows(*, session: Session, broadcast_id: int,
                among: Collection[int] | None = None) -> list[tuple[Any, ...]]:
    """One light row per counted recipient for the CSV: name, email, team, channel, acknowledged at, and where.

    Read as plain rows, not objects: a report of 100,000 people is a few hundred milliseconds of it."""
    statement = (select_columns(col(StaffMember.name), col(StaffMember.email), col(BroadcastRecipient.team),
                                col(BroadcastRecipient.channel), col(BroadcastRecipient.acknowledged_at),
                                col(BroadcastRecipient.acknowledged_on))
                 .join(StaffMember, col(StaffMember.id) == col(BroadcastRecipient.staff_id))
                 .where(*_counted(broadcast_id, among))
                 .order_by(col(BroadcastRecipient.team), col(StaffMember.name), col(StaffMember.id)))
    return [tuple(row) for row in session.connection().execute(statement).all()]


def unacknowledged(*, session: Session, broadcast_id: int) -> Sequence[BroadcastRecipient]:
    """Recipients still in post who have not acknowledged and whom igbot can reach: those a reminder could go to."""
    statement = (select(BroadcastRecipient)
                 .join(StaffMember, col(StaffMember.id) == col(BroadcastRecipient.staff_id))
                 .where(col(BroadcastRecipient.broadcast_id) == broadcast_id, col(StaffMember.active),
                        col(BroadcastRecipient.acknowledged_at).is_(None), col(BroadcastRecipient.channel) != "")
                 .order_by(col(BroadcastRecipient.id)))
    return session.exec(statement).all()


def record_reminded(*, session: Session, recipient_ids: Sequence[int], now: dt.datetime) -> None:
    for start in range(0, len(recipient_ids), 1000):
        session.execute(update(BroadcastRecipient)
                        .where(col(BroadcastRecipient.id).in_(recipient_ids[start:start + 1000]))
                        .values(reminders_sent=col(BroadcastRecipient.reminders_sent) + 1, last_reminded_at=now))


def waiting_for(*, session: Session, staff_id: int) -> Sequence[Broadcast]:
    """Broadcasts this person was sent and has not yet acknowledged, oldest first."""
    statement = (select(Broadcast)
                 .join(BroadcastRecipient, col(BroadcastRecipient.broadcast_id) == col(Broadcast.id))
                 .where(col(BroadcastRecipient.staff_id) == staff_id, col(BroadcastRecipient.acknowledged_at).is_(None),
                        col(Broadcast.ack_required))
                 .order_by(col(Broadcast.send_at), col(Broadcast.id)))
    return session.exec(statement).all()
