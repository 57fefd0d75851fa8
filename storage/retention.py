"""What has been kept longer than its retention period, and deleting it a batch at a time.

Each kind of record has its own cut-off: anything older goes. An incident goes only once it is
closed, and a question passed to the IG team only once it is answered, covered or dismissed;
the condition is checked again in the statement that deletes, so a record that changed since it
was found is left alone. The audit log is not a kind of record here: it is never pruned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, select
from sqlmodel import Session, col

from storage.curation import CurationItem, Resolution, Signal
from storage.decisions import SharingDecision
from storage.incidents import Incident, IncidentNote, IncidentStatus
from storage.models import ConversationState, MessageLog


class Kind(StrEnum):
    CONVERSATION_STATE = "conversation_state"
    MESSAGE_LOG = "message_log"
    KNOWLEDGE_GAPS = "knowledge_gaps"
    INCIDENTS = "incidents"
    DECISIONS = "decisions"


@dataclass(frozen=True)
class Cutoffs:
    """For each kind of record, the moment before which it has been kept long enough."""

    conversation_state: dt.datetime
    message_log: dt.datetime
    knowledge_gaps: dt.datetime
    incidents: dt.datetime
    reported_incidents: dt.datetime
    decisions: dt.datetime


def _expired(kind: Kind, cutoffs: Cutoffs) -> tuple[Any, ColumnElement[bool]]:
    """The table's id column and the condition a row of `kind` past its retention meets."""
    if kind is Kind.CONVERSATION_STATE:
        return col(ConversationState.id), col(ConversationState.updated_at) < cutoffs.conversation_state
    if kind is Kind.MESSAGE_LOG:
        return col(MessageLog.id), col(MessageLog.at) < cutoffs.message_log
    if kind is Kind.KNOWLEDGE_GAPS:
        waiting = and_(col(CurationItem.signal) == Signal.REFERRED.value,
                       col(CurationItem.resolution) == Resolution.OPEN.value)
        return col(CurationItem.id), and_(col(CurationItem.at) < cutoffs.knowledge_gaps, not_(waiting))
    if kind is Kind.INCIDENTS:
        closed_at = col(Incident.closed_at)
        reported = col(Incident.notified_at).is_not(None)
        return col(Incident.id), and_(
            col(Incident.status) == IncidentStatus.CLOSED.value, closed_at.is_not(None),
            or_(and_(not_(reported), closed_at < cutoffs.incidents),
                and_(reported, closed_at < cutoffs.reported_incidents)))
    return col(SharingDecision.id), col(SharingDecision.decided_at) < cutoffs.decisions


def count(*, session: Session, cutoffs: Cutoffs) -> dict[Kind, int]:
    """How many records of each kind are past their retention."""
    counts = {}
    for kind in Kind:
        ids, condition = _expired(kind, cutoffs)
        counts[kind] = int(session.execute(select(func.count(ids)).where(condition)).scalar_one())
    return counts


def delete_batch(*, session: Session, kind: Kind, cutoffs: Cutoffs, limit: int) -> int:
    """Delete up to `limit` records of `kind` past their retention, oldest ids first; how many went."""
    ids_column, condition = _expired(kind, cutoffs)
    query = select(ids_column).where(condition).order_by(ids_column).limit(limit)
    if kind is Kind.INCIDENTS:
        query = query.with_for_update()  # nobody reopens one of these until they are gone
    ids: Sequence[int] = session.execute(query).scalars().all()
    if not ids:
        return 0
    if kind is Kind.INCIDENTS:
        going = select(col(Incident.id)).where(col(Incident.id).in_(ids), condition)
        session.execute(delete(IncidentNote).where(col(IncidentNote.incident_id).in_(going)))
    result = session.execute(delete(ids_column.table).where(ids_column.in_(ids), condition))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # a DML result always has rowcount
