"""Everything a channel needs from igbot, built once at start-up by the wiring (`bot.app`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.core.clock import Clock
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.core.settings import Settings


@dataclass(frozen=True)
class Assistant:
    settings: Settings
    profile: Profile
    engine: Engine
    conversation: Conversation

    @property
    def clock(self) -> Clock:
        return self.conversation.clock
