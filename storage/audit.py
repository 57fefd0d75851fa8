"""The audit log, made tamper-evident: every event stores the hash of the one before it, and its end is anchored.

The chain shows an event altered, or removed from the middle. Removing the last events, or all
of them, leaves a shorter chain that is still whole: the anchor (a count and the last hash, in a
table of its own, moved in the same transaction as each append) shows that. A daily checkpoint
sent to the IG team (workflows/audit_checkpoint.py) keeps a copy outside the database too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from storage.models import AuditAnchor, AuditEvent

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
    anchor = session.get(AuditAnchor, 1) or AuditAnchor(id=1, count=0, head_hash=GENESIS)
    anchor.count, anchor.last_event_id, anchor.head_hash = anchor.count + 1, event.id, event.hash
    session.add(anchor)
    session.flush()
    return event


@dataclass(frozen=True)
class Checkpoint:
    """Where the audit log ends: how many events, the last one's id and hash."""

    count: int
    last_event_id: int | None
    head_hash: str


def checkpoint(*, session: Session) -> Checkpoint:
    anchor = session.get(AuditAnchor, 1)
    if anchor is None:
        return Checkpoint(count=0, last_event_id=None, head_hash=GENESIS)
    return Checkpoint(count=anchor.count, last_event_id=anchor.last_event_id, head_hash=anchor.head_hash)


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
    """The first event that was altered, or that follows one that was removed, or the first of those
    removed from the end; None when intact."""
    previous_hash, count, last_id = GENESIS, 0, 0
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        assert event.id is not None
        if event.previous_hash != previous_hash:
            return ChainBreak(event.id, "an event before it was removed or altered (the chain is broken here)")
        if fingerprint(event) != event.hash:
            return ChainBreak(event.id, "its contents were altered after it was recorded")
        previous_hash, count, last_id = event.hash, count + 1, event.id
    return _check_end(session, count=count, last_id=last_id, head_hash=previous_hash)


def _check_end(session: Session, *, count: int, last_id: int, head_hash: str) -> ChainBreak | None:
    anchor = session.get(AuditAnchor, 1)
    if anchor is None:
        if count:
            return ChainBreak(last_id, "the record of where the log ends (audit_anchor) was removed")
        return None
    if anchor.count == count and anchor.head_hash == head_hash:
        return None
    missing = anchor.count - count
    if missing > 0 and count == 0:
        return ChainBreak(anchor.last_event_id or 0,
                          f"all {anchor.count} events were removed (the log should end with event "
                          f"{anchor.last_event_id})")
    if missing > 0:
        return ChainBreak(anchor.last_event_id or 0, f"the last {missing} event(s) were removed: those after event "
                                                     f"{last_id}, up to event {anchor.last_event_id}")
    return ChainBreak(last_id, f"the log does not end where it was anchored (event {anchor.last_event_id}, "
                               f"{anchor.count} events; it has {count})")
