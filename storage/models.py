"""Tables of the foundation: the staff directory, conversation state, the message log and the audit log."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Role(StrEnum):
    STAFF = "staff"
    MANAGER = "manager"
    IG_OFFICER = "ig_officer"
    DPO = "dpo"
    CALDICOTT_GUARDIAN = "caldicott_guardian"
    SIRO = "siro"


IG_ROLES = frozenset({Role.IG_OFFICER, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.SIRO})


class StaffMember(SQLModel, table=True):
    __tablename__ = "staff_member"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=254)
    name: str = Field(max_length=200)
    job_title: str = Field(default="", max_length=200)
    team: str = Field(default="", index=True, max_length=100)
    manager_id: int | None = Field(default=None, foreign_key="staff_member.id", index=True)
    roles: list[str] = Field(default_factory=lambda: [Role.STAFF.value], sa_column=Column(JSON, nullable=False))
    slack_user_id: str | None = Field(default=None, unique=True, max_length=64)
    teams_user_id: str | None = Field(default=None, unique=True, max_length=64)
    active: bool = True

    def has_role(self, *roles: Role) -> bool:
        return any(role.value in self.roles for role in roles)

    @property
    def is_ig(self) -> bool:
        return self.has_role(*IG_ROLES)


class ConversationState(SQLModel, table=True):
    """Where one person is in a multi-step conversation; kept so a restart loses nothing."""

    __tablename__ = "conversation_state"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id", unique=True)
    workflow: str = Field(max_length=100)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    paused: bool = False
    started_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class MessageLog(SQLModel, table=True):
    """What was said, by IDs and metadata only: never the text of a message.

    `delivery_id` is the channel's id for the delivery (a Slack event id), unique per channel.
    """

    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_delivery", "channel", "delivery_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(max_length=20)
    direction: str = Field(max_length=3)
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    kind: str = Field(max_length=40)
    delivery_id: str | None = Field(default=None, max_length=100)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AuditAnchor(SQLModel, table=True):
    """The audit log's end, outside the table it protects: one row, moved in the same transaction as each event.

    Removing the last events (or all of them) leaves the chain itself whole; the anchor is what
    says events are missing at the end.
    """

    __tablename__ = "audit_anchor"

    id: int | None = Field(default=None, primary_key=True)
    count: int
    last_event_id: int | None = None
    head_hash: str = Field(max_length=64)


class AuditEvent(SQLModel, table=True):
    """One entry of the tamper-evident audit log: each stores the hash of the one before."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="staff_member.id")
    action: str = Field(max_length=80)
    subject: str = Field(default="", max_length=120)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    previous_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
