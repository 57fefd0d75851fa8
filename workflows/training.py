""""My training": a person's Information Governance training status, in plain words."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bot.core import wording
from bot.core.chat import Reply
from bot.core.conversation import Conversation, Step, Turn
from bot.core.profile import Profile
from bot.core.waiting import WaitingItem
from storage import training
from storage.training import TrainingState, TrainingStatus

NAME = "training"


@dataclass
class TrainingCheck:
    """A one-step workflow: it answers and finishes, so it never holds state."""

    name: str = NAME
    triggers: tuple[str, ...] = ("training", "my training", "training status", "my training status",
                                 "when is my training due", "when is my training due?",
                                 "is my training up to date", "is my training up to date?")
    help_line: str = "*My training*: See whether your IG training is up to date and when it is next due."

    def start(self, turn: Turn) -> Step:
        person = turn.require_person()
        assert person.id is not None
        course = turn.profile.training
        current = training.status(session=turn.session, staff_id=person.id, course=course.name,
                                  validity_months=course.validity_months, today=turn.today,
                                  due_soon_days=course.due_soon_days)
        return Step([status_reply(current, profile=turn.profile, today=turn.today)])

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self.start(turn)


# "when is my IG training due", "have I done my data protection training?", "is my training overdue":
# the person's own status, not the general entry about training.
_MY_TRAINING = re.compile(
    r"\b(?:my|i|i've|ive|me)\b.*\btraining\b|\btraining\b.*\b(?:my|i|me)\b", re.IGNORECASE)
_ABOUT_STATUS = re.compile(
    r"\b(?:due|expire[sd]?|expiry|up to date|status|overdue|renew|lapsed?|last|completed?|done|did|when|run out)\b",
    re.IGNORECASE)


class MyTrainingQuestion:
    """A typed question about one's own training, in any words, answered with the status."""

    def __init__(self, check: TrainingCheck) -> None:
        self.check = check

    def matches(self, text: str) -> bool:
        return len(text) < 120 and bool(_MY_TRAINING.search(text)) and bool(_ABOUT_STATUS.search(text))

    def __call__(self, turn: Turn) -> Step:
        return self.check.start(turn)

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self.check.start(turn)


def status_reply(status: TrainingStatus, *, profile: Profile, today: dt.date) -> Reply:
    return Reply(title=wording.TRAINING_TITLE, text=describe(status, profile=profile, today=today))


def describe(status: TrainingStatus, *, profile: Profile, today: dt.date) -> str:
    """One or two sentences a person understands at a glance."""
    values = {
        **profile.placeholders(),
        "course": status.course,
        "completed_on": _day(status.completed_on),
        "valid_until": _day(status.valid_until),
    }
    if status.state is TrainingState.NEVER:
        return wording.TRAINING_NEVER.format(**values)
    if status.state is TrainingState.OVERDUE:
        return wording.TRAINING_OVERDUE.format(**values)
    assert status.valid_until is not None
    days_left = (status.valid_until - today).days
    if status.state is TrainingState.DUE_SOON:
        return wording.TRAINING_DUE_SOON.format(**values, days=_days(days_left))
    return wording.TRAINING_CURRENT.format(**values)


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _days(count: int) -> str:
    return "tomorrow" if count == 1 else f"in {count} days"


def waiting_items(turn: Turn) -> list[WaitingItem]:
    """The person's training status for their summary, and the course to do when it is overdue or never done."""
    person = turn.person
    if person is None or person.id is None:
        return []
    course = turn.profile.training
    current = training.status(session=turn.session, staff_id=person.id, course=course.name,
                              validity_months=course.validity_months, today=turn.today,
                              due_soon_days=course.due_soon_days)
    items = [WaitingItem(f"*{wording.TRAINING_TITLE}*\n" + describe(current, profile=turn.profile, today=turn.today),
                         waiting=False)]
    if current.needs_action:
        items.append(WaitingItem(wording.HOME_TRAINING_DUE.format(course=current.course)))
    return items


def install(conversation: Conversation) -> None:
    check = TrainingCheck()
    conversation.add_workflow(check)
    conversation.add_command("my-training", MyTrainingQuestion(check))
    conversation.add_waiting(waiting_items)
