""""inbox": the IG team's list of everything waiting for them, in chat; `igbot inbox` shows the same in a terminal."""

from __future__ import annotations

from typing import Any

from bot.core import inbox, wording
from bot.core.conversation import Conversation, Step, Turn, normalise_command
from storage.models import IG_ROLES

NAME = "inbox"
_WORDS = frozenset({"inbox", "my inbox", "ig inbox", "the inbox", "show inbox", "show the inbox"})


class InboxCommand:
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation

    def matches(self, text: str) -> bool:
        return normalise_command(text) in _WORDS

    def __call__(self, turn: Turn) -> Step:
        items = self.conversation.inbox(turn.session, turn.now)
        return Step([inbox.reply(items, turn.profile.working_hours.zone)])

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self(turn)


def install(conversation: Conversation) -> None:
    conversation.add_command(NAME, InboxCommand(conversation), roles=IG_ROLES, who=wording.IG_TEAM,
                             help_line=wording.INBOX_HELP_LINE)
