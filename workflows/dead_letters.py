"""Messages the outbox gave up on, in the IG team's inbox: someone was not told something."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.core.conversation import Conversation
from bot.core.inbox import InboxItem, raised_by
from bot.core.profile import Profile
from storage import directory, outbox
from storage.outbox import OutboxStatus


def inbox_items(session: Session, profile: Profile, now: dt.datetime) -> list[InboxItem]:
    """One item for each message that failed its last attempt: to whom it was (by role and team), and why."""
    items = []
    for message in outbox.get_all(session=session, status=OutboxStatus.FAILED):
        person = directory.get(session=session, staff_id=message.staff_id) if message.staff_id else None
        to = "the IG team" if message.to_ig_team else raised_by(person)
        items.append(InboxItem(kind="Not delivered", reference=f"M-{message.id}", raised_by=to,
                               at=message.created_at, state=f"gave up after {message.attempts} attempts",
                               summary=f"a message to {to} could not be delivered ({message.last_error or 'unknown'})"))
    return items


def install(conversation: Conversation) -> None:
    conversation.add_inbox(inbox_items)
