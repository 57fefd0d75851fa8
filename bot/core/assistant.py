"""Everything a channel needs from igbot, built once at start-up by the wiring (`bot.app`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from bot.core.clock import Clock
from bot.core.conversation import Conversation
from bot.core.intake import Intake
from bot.core.profile import Profile
from bot.core.settings import Settings


@dataclass(frozen=True)
class Assistant:
    settings: Settings
    profile: Profile
    engine: Engine
    conversation: Conversation

    @cached_property
    def intake(self) -> Intake:
        """Where the channels store every event before they acknowledge it, and process it from."""
        return Intake(conversation=self.conversation)

    @property
    def clock(self) -> Clock:
        return self.conversation.clock
