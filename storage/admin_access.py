"""Signing in to the web dashboard: one-time links and the sessions they open, kept in the database.

Both live here rather than in a process's memory so that a link used on one replica cannot be
used again on another, and a sign-out on one ends the session on all. A session is known by the
SHA-256 of its cookie, never by the cookie itself, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import UTCDateTime


class SignInLink(SQLModel, table=True):
    """A one-time sign-in link issued to one person: usable until `expires_at`, once."""

    __tablename__ = "admin_sign_in_link"

    id: int | None = Field(default=None, primary_key=True)
    nonce: str = Field(max_length=64, unique=True)
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    issued_at: dt.datetime = Field(sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    used_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class AdminSession(SQLModel, table=True):
    """A signed-in browser: who it is, its CSRF token, and when it was last used."""

    __tablename__ = "admin_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    last_seen_at: dt.datetime = Field(sa_type=UTCDateTime)
    ended_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(*, session: Session, staff_id: int, nonce: str, now: dt.datetime, lifetime: dt.timedelta) -> SignInLink:
    link = SignInLink(nonce=nonce, staff_id=staff_id, issued_at=now, expires_at=now + lifetime)
    session.add(link)
    session.flush()
    return link


def get_link(*, session: Session, nonce: str) -> SignInLink | None:
    return session.exec(select(SignInLink).where(SignInLink.nonce == nonce)).first()


def use_link(*, session: Session, nonce: str, staff_id: int, now: dt.datetime) -> bool:
    """Mark the link used, once: True only for the one request that used it, on whichever replica."""
    statement = (update(SignInLink)
                 .where(col(SignInLink.nonce) == nonce, col(SignInLink.staff_id) == staff_id,
                        col(SignInLink.used_at).is_(None), col(SignInLink.expires_at) > now)
                 .values(used_at=now))
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]  # a CursorResult


def start_session(*, session: Session, staff_id: int, token: str, csrf_token: str, now: dt.datetime) -> AdminSession:
    started = AdminSession(token_hash=hash_token(token), staff_id=staff_id, csrf_token=csrf_token, created_at=now,
                           last_seen_at=now)
    session.add(started)
    session.flush()
    return started


def find_session(*, session: Session, token: str) -> AdminSession | None:
    """The session this cookie belongs to, if it has not been ended."""
    statement = select(AdminSession).where(AdminSession.token_hash == hash_token(token),
                                           col(AdminSession.ended_at).is_(None))
    return session.exec(statement).first()


def touch(*, session: Session, admin_session: AdminSession, now: dt.datetime) -> None:
    admin_session.last_seen_at = now
    session.add(admin_session)
    session.flush()


def end_session(*, session: Session, admin_session: AdminSession, now: dt.datetime) -> None:
    admin_session.ended_at = now
    session.add(admin_session)
    session.flush()


def purge(*, session: Session, before: dt.datetime) -> int:
    """Remove links that expired, and sessions that ended or went idle, before `before`."""
    from sqlmodel import delete

    links = session.exec(delete(SignInLink).where(col(SignInLink.expires_at) < before))
    sessions = session.exec(delete(AdminSession).where(col(AdminSession.last_seen_at) < before))
    return int(links.rowcount or 0) + int(sessions.rowcount or 0)
