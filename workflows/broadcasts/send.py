"""Sending broadcasts: fanning a due broadcast out into the outbox, acknowledgements, and reminders.

A broadcast is claimed by one replica (`start_sending`), its audience resolved that day, one
recipient row and one outbox message written per person in the same transaction, and the outbox's
delivery worker sends them in working time at each platform's rate limits. Each message's dedup
key is `broadcast:<id>:<staff id>`, so nobody is sent it twice. Reminders go on working days to
those who have not acknowledged, after `broadcasts.remind_after_working_days`, at most
`broadcasts.remind_at_most` times; someone who acknowledges or leaves is not reminded again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlmodel import Session

from bot.core import outbox as replies
from bot.core.chat import Reply
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage import audit, broadcasts, employment, outbox
from storage.broadcasts import Broadcast, BroadcastRecipient, Recipient
from workflows.broadcasts import audience, render, wording
from workflows.broadcasts.compose import people

log = logging.getLogger(__name__)

CHUNK = 5000


def send_due(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime) -> int:
    """Fan out every scheduled broadcast whose time has come; how many were fanned out by this call."""
    sent = 0
    for broadcast in broadcasts.due(session=session, now=now):
        assert broadcast.id is not None
        if broadcasts.start_sending(session=session, broadcast_id=broadcast.id):
            fan_out(session=session, broadcast_id=broadcast.id, profile=profile, calendar=calendar, now=now)
            sent += 1
    return sent


def fan_out(*, session: Session, broadcast_id: int, profile: Profile, calendar: WorkingCalendar,
            now: dt.datetime) -> list[Recipient]:
    """Record the recipients and queue one message each, to go in working time; the sender is told how it went."""
    broadcast = broadcasts.get(session=session, broadcast_id=broadcast_id)
    assert broadcast is not None and broadcast.id is not None
    resolved = audience.resolve(session=session, audience=broadcast.audience, today=calendar.local(now).date())
    broadcasts.add_recipients(session=session, broadcast_id=broadcast.id, recipients=resolved.recipients, now=now)
    payload = replies.REPLIES.dump_python([render.of(broadcast, profile)], mode="json")
    not_before = calendar.next_working_time(now)
    broadcasts.queue_messages(session=session, broadcast_id=broadcast.id, payload=payload, now=now,
                              not_before=not_before)
    broadcasts.mark_sent(session=session, broadcast_id=broadcast.id, now=now)
    audit.record(session=session, action="broadcast sent", actor_id=broadcast.created_by, now=now,
                 subject=f"broadcast:{broadcast.id}",
                 details={"recipients": len(resolved.recipients), "unreachable": resolved.unreachable,
                          "left_out": resolved.left_out})
    _tell_sender(session, broadcast, len(resolved.recipients), resolved.unreachable, now, not_before)
    log.info("broadcast fanned out broadcast_id=%s recipients=%d unreachable=%d", broadcast.id,
             len(resolved.recipients), resolved.unreachable)
    return resolved.recipients


def _tell_sender(session: Session, broadcast: Broadcast, count: int, unreachable: int, now: dt.datetime,
                 not_before: dt.datetime) -> None:
    note = wording.SENT_UNREACHABLE.format(count=people(unreachable), broadcast_id=broadcast.id) if unreachable else ""
    text = wording.SENT_NOTE.format(broadcast_id=broadcast.id, title=broadcast.title, count=people(count),
                                    unreachable=note)
    replies.queue(session=session, dedup_key=f"broadcast-sent:{broadcast.id}", staff_id=broadcast.created_by,
                  replies=[Reply(title=wording.SENT_NOTE_TITLE, text=text)], now=now, not_before=not_before)


def acknowledge(*, session: Session, broadcast_id: int, staff_id: int, on: str, now: dt.datetime) -> bool:
    """Record an acknowledgement and audit it; True only the first time, from whichever channel."""
    first = broadcasts.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=staff_id, on=on, now=now)
    if first:
        audit.record(session=session, action="broadcast acknowledged", actor_id=staff_id, now=now,
                     subject=f"broadcast:{broadcast_id}", details={"on": on})
    return first


def send_reminders(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime) -> int:
    """Queue today's reminders to those who have not acknowledged; how many were queued."""
    settings = profile.broadcasts
    if settings.remind_at_most == 0:
        return 0
    today = calendar.local(now).date()
    away = employment.away_on(session=session, today=today)
    queued = 0
    for broadcast in broadcasts.in_progress(session=session):
        due = [recipient for recipient in broadcasts.unacknowledged(session=session, broadcast_id=_id(broadcast))
               if recipient.staff_id not in away and recipient.reminders_sent < settings.remind_at_most
               and _waited(recipient, calendar, today, settings.remind_after_working_days)]
        queued += _remind(session, broadcast, due, profile, calendar, now, key="reminder")
    return queued


def remind_now(*, session: Session, profile: Profile, broadcast_id: int, now: dt.datetime) -> int:
    """Queue a reminder now to everyone still outstanding who can be reached (an IG action); how many."""
    broadcast = broadcasts.get(session=session, broadcast_id=broadcast_id)
    if broadcast is None or not broadcast.ack_required:
        return 0
    calendar = WorkingCalendar(profile)
    away = employment.away_on(session=session, today=calendar.local(now).date())
    due = [recipient for recipient in broadcasts.unacknowledged(session=session, broadcast_id=broadcast_id)
           if recipient.staff_id not in away]
    return _remind(session, broadcast, due, profile, calendar, now, key=f"reminder-now-{now:%Y%m%dT%H%M%S}")


def _remind(session: Session, broadcast: Broadcast, due: Sequence[BroadcastRecipient], profile: Profile,
            calendar: WorkingCalendar, now: dt.datetime, *, key: str) -> int:
    if not due:
        return 0
    payload = replies.REPLIES.dump_python([render.reminder(broadcast, profile)], mode="json")
    messages = [(f"broadcast-{key}:{broadcast.id}:{recipient.staff_id}:{recipient.reminders_sent + 1}",
                 recipient.staff_id, payload) for recipient in due]
    queued = set[str]()
    for start in range(0, len(messages), CHUNK):
        queued |= outbox.enqueue_many(session=session, messages=messages[start:start + CHUNK], now=now,
                                      not_before=calendar.next_working_time(now))
    reminded = [int(recipient.id or 0) for recipient, (dedup_key, _, _) in zip(due, messages) if dedup_key in queued]
    broadcasts.record_reminded(session=session, recipient_ids=reminded, now=now)
    log.info("broadcast reminders queued broadcast_id=%s count=%d", broadcast.id, len(reminded))
    return len(reminded)


def _waited(recipient: BroadcastRecipient, calendar: WorkingCalendar, today: dt.date, working_days: int) -> bool:
    since = calendar.local(recipient.last_reminded_at or recipient.queued_at).date()
    return calendar.working_days_between(since, today) >= working_days


def _id(broadcast: Broadcast) -> int:
    assert broadcast.id is not None
    return broadcast.id
