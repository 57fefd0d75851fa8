"""The terminal as a Messenger: a proactive message (a nudge, a reminder) shown to the person chatting.

Only the person at the terminal can be reached here; anyone else is left to the other channels.
Its buttons become the chat's numbered choices, so typing "1" presses the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.chat import Reply
from bot.terminal.console import ConsoleChat
from storage.models import StaffMember


@dataclass
class ConsoleMessenger:
    chat: ConsoleChat
    channel: str = "console"

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        if staff.id != self.chat.staff_id:
            return False
        self.chat.show(replies)
        return True

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        return False
