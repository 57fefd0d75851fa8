"""The IG team's inbox: everything waiting for them, in one place, that features add their items to.

Each feature registers a source (`Conversation.add_inbox`) that reads its own items in a
session: questions passed on by staff, new incident reports, reports near their 72-hour
deadline, messages that could not be delivered. The inbox shows who raised each item by role
and team, never by name, with when and its state; the items' buttons act on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core import wording
from bot.core.chat import Choice, Reply
from bot.core.profile import Profile
from storage.models import StaffMember

# How many items one reply lists; the terminal's `igbot inbox` lists them all.
SHOWN = 15


@dataclass(frozen=True)
class InboxItem:
    kind: str  # "Question", "New report", "Deadline", "Not delivered"
    reference: str
    raised_by: str
    at: dt.datetime
    state: str
    summary: str
    choices: tuple[Choice, ...] = ()


InboxSource = Callable[[Session, Profile, dt.datetime], Sequence[InboxItem]]


def raised_by(person: StaffMember | None) -> str:
    """Who raised an item, by role and team: "Recovery worker, Harbour Recovery"."""
    if person is None:
        return wording.INBOX_NOT_IN_DIRECTORY
    return ", ".join(part for part in (person.job_title, person.team) if part) or wording.INBOX_STAFF


def line(item: InboxItem, zone: ZoneInfo) -> str:
    when = item.at.astimezone(zone)
    return (f"*{item.reference}* {item.kind}, {item.state}: {item.summary} "
            f"({item.raised_by}, {when.day} {when:%b %H:%M})")


def reply(items: Sequence[InboxItem], zone: ZoneInfo) -> Reply:
    if not items:
        return Reply(title=wording.INBOX_TITLE, text=wording.INBOX_EMPTY)
    shown = items[:SHOWN]
    text = "\n".join(f"- {line(item, zone)}" for item in shown)
    if len(items) > SHOWN:
        text += "\n" + wording.INBOX_MORE.format(count=len(items) - SHOWN)
    choices = tuple(choice for item in shown for choice in item.choices)
    return Reply(title=wording.INBOX_TITLE, text=wording.INBOX_INTRO.format(count=len(items)) + "\n" + text,
                 choices=choices)
