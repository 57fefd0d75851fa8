"""The audit log, made tamper-evident: every event stores the hash of the one before it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from storage.models import AuditEvent

GENESIS = "0" * 64
_sqlite_chain_lock = threading.Lock()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def record(
    *,
    session: Session,
    action: str,
    actor_id: int | None,
    now: dt.datetime,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; writers are serialised so the chain never forks."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(7240402)"))  # type: ignore[call-overload]  # raw SQL
        return _append(session, action, actor_id, subject, details or {}, now)
    with _sqlite_chain_lock:
        return _append(session, action, actor_id, subject, details or {}, now)


def _append(session: Session, action: str, actor_id: int | None, subject: str, details: dict[str, Any],
            now: dt.datetime) -> AuditEvent:
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    event = AuditEvent(
        at=now.replace(microsecond=0),
        actor_id=actor_id,
        action=action,
        subject=subject,
        details=details,
        previous_hash=last.hash if last else GENESIS,
        hash="",
    )
    event.hash = fingerprint(event)
    session.add(event)
    session.flush()
    return event


def fingerprint(event: AuditEvent) -> str:
    canonical = json.dumps(
        {
            "previous": event.previous_hash,
            "at": event.at.isoformat(),
            "actor": event.actor_id,
            "action": event.action,
            "subject": event.subject,
            "details": event.details,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify(*, session: Session) -> ChainBreak | None:
    """The first event that was altered, or that follows one that was removed; None when intact."""
    previous_hash = GENESIS
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        assert event.id is not None
        if event.previous_hash != previous_hash:
            return ChainBreak(event.id, "an event before it was removed or altered (the chain is broken here)")
        if fingerprint(event) != event.hash:
            return ChainBreak(event.id, "its contents were altered after it was recorded")
        previous_hash = event.hash
    return None
