"""A daily checkpoint of the audit log, sent to the IG team: a copy of where the log ends, outside the database.

Anyone able to remove audit events and rewrite the anchor in the database cannot reach back
into the IG team's Slack or Teams: comparing the latest checkpoint there with
`igbot audit verify` shows events removed since.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.core import outbox
from bot.core.chat import Reply
from bot.core.conversation import Conversation
from bot.core.schedule import in_session
from storage import audit

JOB = "audit-checkpoint"
TITLE = "Audit log checkpoint"


def send_checkpoint(*, session: Session, now: dt.datetime, zone: dt.tzinfo) -> bool:
    """Queue today's checkpoint for the IG team; False when it was queued already today."""
    end = audit.checkpoint(session=session)
    today = now.astimezone(zone).date().isoformat()
    text = (f"At {now.astimezone(zone):%H:%M} on {today} the audit log holds {end.count} events, ending with event "
            f"{end.last_event_id or 'none'} (hash {end.head_hash[:16]}). If `igbot audit verify` ever reports fewer "
            "events or another hash for this point, events were removed.")
    return outbox.queue(session=session, now=now, dedup_key=f"{JOB}:{today}", to_ig_team=True,
                        replies=[Reply(title=TITLE, text=text)])


def install(conversation: Conversation) -> None:
    zone = conversation.profile.working_hours.zone
    conversation.schedule.at(JOB, "0 7 * * *", in_session(
        conversation.engine, lambda session, now: send_checkpoint(session=session, now=now, zone=zone),
    ), working_days_only=False)
