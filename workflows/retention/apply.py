"""Applying the profile's retention periods: what is past them, and deleting it in batches.

Each batch is a transaction of its own, so the job never holds a lock on a busy table for
long, and a job stopped half-way has deleted whole batches only: the next night carries on.
The audit log records how many records of each kind went, never which.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import Engine

from bot.core.profile import Profile
from bot.core.retention import Retention
from bot.core.schedule import Job
from storage import audit
from storage import retention as records
from storage.engine import session_scope
from storage.retention import Cutoffs, Kind

log = logging.getLogger(__name__)

JOB = "retention"
SLOT = "30 2 * * *"  # 02:30 every night, in the organisation's time zone
BATCH = 500
AUDIT_ACTION = "retention.applied"

WHAT = {
    Kind.CONVERSATION_STATE: "unfinished conversations",
    Kind.MESSAGE_LOG: "message log entries",
    Kind.KNOWLEDGE_GAPS: "kept questions and feedback",
    Kind.INCIDENTS: "closed incidents",
    Kind.DECISIONS: "sharing decisions",
}


def cutoffs(retention: Retention, now: dt.datetime) -> Cutoffs:
    return Cutoffs(
        conversation_state=retention.conversation_state.before(now),
        message_log=retention.message_log.before(now),
        knowledge_gaps=retention.knowledge_gaps.before(now),
        incidents=retention.incidents.before(now),
        reported_incidents=retention.reported_incidents.before(now),
        decisions=retention.decisions.before(now),
    )


def preview(engine: Engine, profile: Profile, now: dt.datetime) -> dict[Kind, int]:
    """How many records of each kind the job would delete at `now`; deletes nothing."""
    with session_scope(engine) as session:
        return records.count(session=session, cutoffs=cutoffs(profile.retention, now))


def apply(engine: Engine, profile: Profile, now: dt.datetime, *, batch: int = BATCH) -> dict[Kind, int]:
    """Delete everything past its retention at `now`, a batch at a time; how many of each kind went.

    The counts are recorded in the audit log even when a batch fails part-way, so what was deleted is
    always accounted for.
    """
    limits = cutoffs(profile.retention, now)
    deleted = dict.fromkeys(Kind, 0)
    try:
        for kind in Kind:
            while True:
                with session_scope(engine) as session:
                    went = records.delete_batch(session=session, kind=kind, cutoffs=limits, limit=batch)
                deleted[kind] += went
                if went < batch:
                    break
    finally:
        with session_scope(engine) as session:
            audit.record(session=session, action=AUDIT_ACTION, actor_id=None, now=now,
                         details={kind.value: count for kind, count in deleted.items()})
        log.info("retention applied %s", " ".join(f"{kind.value}={count}" for kind, count in deleted.items()))
    return deleted


def run_job(engine: Engine, profile: Profile) -> Job:
    async def job(now: dt.datetime) -> object:
        return await asyncio.to_thread(apply, engine, profile, now)

    return job
