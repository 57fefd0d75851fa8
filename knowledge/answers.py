"""Answering questions from the knowledge base (replaced by the retrieval engine as it lands)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat import Reply
from bot.conversation import Turn
from bot.profile import Profile


@dataclass
class KnowledgeAnswerer:
    profile: Profile

    @classmethod
    def load(cls, profile: Profile) -> KnowledgeAnswerer:
        return cls(profile=profile)

    def answer(self, turn: Turn) -> list[Reply]:
        return [Reply(text="I don't know the answer to that yet.")]
