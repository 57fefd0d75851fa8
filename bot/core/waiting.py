"""What's waiting for me: one channel-neutral summary that features add their items to.

Each feature registers a source (`Conversation.add_waiting`): given the turn, it returns what
it has for this person, such as their training status, reports waiting for triage or, later,
broadcasts to acknowledge. The core adds anything the person left unfinished. Slack's App
Home, and `home` typed in Teams or the terminal, show the same summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core import wording
from bot.core.chat import Choice, Reply
from bot.core.turn import Turn


@dataclass(frozen=True)
class WaitingItem:
    """One line of the summary. `waiting` is False for information that asks nothing of the person."""

    text: str
    choices: tuple[Choice, ...] = ()
    waiting: bool = True


WaitingSource = Callable[[Turn], Sequence[WaitingItem]]


def summary(items: Sequence[WaitingItem], *, name: str) -> Reply:
    """A greeting and information first, then the list of what is waiting (or that nothing is), with every item's buttons."""
    information = [wording.HOME_GREETING.format(name=name), *(item.text for item in items if not item.waiting)]
    waiting = [item.text for item in items if item.waiting]
    listed = "\n".join(f"- {text}" for text in waiting) if waiting else wording.HOME_NOTHING_WAITING
    text = "\n\n".join([*information, f"*{wording.HOME_WAITING_TITLE}*\n{listed}"])
    choices = tuple(choice for item in items for choice in item.choices)
    return Reply(title=wording.HOME_TITLE, text=text, choices=choices)
