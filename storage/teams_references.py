"""Teams conversation references: where igbot can reach a person (or a channel) later.

Teams only lets a bot message someone in a conversation the bot already knows, so the
reference to every conversation igbot hears from is kept: one row per Teams conversation,
refreshed when its service URL or its person changes. A personal (1:1) conversation is
linked to the staff member it belongs to, which is what proactive messages use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import UTCDateTime

PERSONAL = "personal"
_REFRESH_AFTER = dt.timedelta(hours=12)


class TeamsConversationReference(SQLModel, table=True):
    __tablename__ = "teams_conversation_reference"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(max_length=400, unique=True)
    conversation_type: str = Field(max_length=20)
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id", index=True)
    teams_user_id: str | None = Field(default=None, max_length=200)
    aad_object_id: str | None = Field(default=None, max_length=64, index=True)
    tenant_id: str | None = Field(default=None, max_length=64)
    service_url: str = Field(max_length=500)
    reference: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    first_seen_at: dt.datetime = Field(sa_type=UTCDateTime)
    last_seen_at: dt.datetime = Field(sa_type=UTCDateTime)


@dataclass(frozen=True)
class Contact:
    """What one incoming activity says about its conversation, in storable form."""

    conversation_id: str
    conversation_type: str
    service_url: str
    reference: dict[str, Any]
    teams_user_id: str | None = None
    aad_object_id: str | None = None
    tenant_id: str | None = None

    @property
    def is_personal(self) -> bool:
        return self.conversation_type == PERSONAL


def get(*, session: Session, conversation_id: str) -> TeamsConversationReference | None:
    statement = select(TeamsConversationReference).where(TeamsConversationReference.conversation_id == conversation_id)
    return session.exec(statement).first()


def get_personal(*, session: Session, staff_id: int) -> TeamsConversationReference | None:
    """The person's most recently used 1:1 conversation with igbot."""
    statement = (
        select(TeamsConversationReference)
        .where(TeamsConversationReference.staff_id == staff_id)
        .where(TeamsConversationReference.conversation_type == PERSONAL)
        .order_by(col(TeamsConversationReference.last_seen_at).desc())
    )
    return session.exec(statement).first()


def get_in_channel(*, session: Session, channel_id: str) -> TeamsConversationReference | None:
    """A reference to a Teams channel, from its top level or any thread in it (`<channel>;messageid=...`)."""
    column = col(TeamsConversationReference.conversation_id)
    statement = (
        select(TeamsConversationReference)
        .where((column == channel_id) | column.startswith(channel_id + ";", autoescape=True))
        .order_by(col(TeamsConversationReference.last_seen_at).desc())
    )
    return session.exec(statement).first()


def remember(*, session: Session, contact: Contact, staff_id: int | None, now: dt.datetime) -> TeamsConversationReference:
    """Store or refresh a conversation's reference; safe when two replicas see a new conversation at once."""
    stored = get(session=session, conversation_id=contact.conversation_id)
    if stored is None:
        try:
            with session.begin_nested():
                stored = _new(contact, staff_id, now)
                session.add(stored)
            return stored
        except IntegrityError:
            stored = get(session=session, conversation_id=contact.conversation_id)
            assert stored is not None, "the conflicting row was written by someone else"
    if _changed(stored, contact, staff_id, now):
        _refresh(stored, contact, staff_id, now)
        session.add(stored)
        session.flush()
    return stored


def forget(*, session: Session, conversation_id: str) -> None:
    """Drop a reference Teams no longer accepts (the app was removed, the conversation deleted)."""
    stored = get(session=session, conversation_id=conversation_id)
    if stored is not None:
        session.delete(stored)
        session.flush()


def _new(contact: Contact, staff_id: int | None, now: dt.datetime) -> TeamsConversationReference:
    return TeamsConversationReference(
        conversation_id=contact.conversation_id,
        conversation_type=contact.conversation_type,
        staff_id=staff_id if contact.is_personal else None,
        teams_user_id=contact.teams_user_id if contact.is_personal else None,
        aad_object_id=contact.aad_object_id if contact.is_personal else None,
        tenant_id=contact.tenant_id,
        service_url=contact.service_url,
        reference=contact.reference,
        first_seen_at=now,
        last_seen_at=now,
    )


def _changed(stored: TeamsConversationReference, contact: Contact, staff_id: int | None, now: dt.datetime) -> bool:
    if stored.service_url != contact.service_url or stored.tenant_id != contact.tenant_id:
        return True
    if contact.is_personal and (stored.staff_id != staff_id and staff_id is not None):
        return True
    if contact.is_personal and contact.aad_object_id and stored.aad_object_id != contact.aad_object_id:
        return True
    return now - stored.last_seen_at > _REFRESH_AFTER


def _refresh(stored: TeamsConversationReference, contact: Contact, staff_id: int | None, now: dt.datetime) -> None:
    stored.service_url = contact.service_url
    stored.tenant_id = contact.tenant_id
    stored.reference = contact.reference
    stored.last_seen_at = now
    if contact.is_personal:
        stored.staff_id = staff_id if staff_id is not None else stored.staff_id
        stored.teams_user_id = contact.teams_user_id or stored.teams_user_id
        stored.aad_object_id = contact.aad_object_id or stored.aad_object_id


def link_staff(*, session: Session, conversation_id: str, staff_id: int) -> None:
    """Record whose personal conversation this is, once the person has been identified."""
    stored = get(session=session, conversation_id=conversation_id)
    if stored is not None and stored.conversation_type == PERSONAL and stored.staff_id != staff_id:
        stored.staff_id = staff_id
        session.add(stored)
        session.flush()
