"""Messages that are not replies (nudges, reminders, broadcasts), sent into stored Teams conversations."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import aiohttp

from bot.core.chat import Reply
from bot.teams.endpoint import TeamsBot
from storage import teams_references
from storage.engine import session_scope
from storage.models import StaffMember

log = logging.getLogger(__name__)

# Teams answers these when the app was removed or the conversation is gone: retrying cannot help.
_GONE = frozenset({HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.GONE})


@dataclass
class TeamsMessenger:
    """bot.core.messenger.Messenger for Teams: continues the person's stored 1:1 conversation with igbot."""

    bot: TeamsBot
    ig_channel: str | None = None
    channel: str = "teams"

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        """False when the person has never talked to igbot in Teams (no stored reference) or removed the app."""
        assert staff.id is not None, "the outbox sends only to members read from the directory"
        found = await asyncio.to_thread(self._personal_reference, staff.id)
        if found is None:
            return False
        conversation_id, reference = found
        return await self._deliver(conversation_id, reference, replies)

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        """Post at the top level of the channel named by TEAMS_IG_CHANNEL; False when unset or never seen."""
        if not self.ig_channel:
            return False
        found = await asyncio.to_thread(self._channel_reference, self.ig_channel)
        if found is None:
            log.warning("TEAMS_IG_CHANNEL is set but igbot has not been added to or mentioned in that channel yet")
            return False
        conversation_id, reference = found
        return await self._deliver(conversation_id, reference, replies, top_level=self.ig_channel)

    async def _deliver(self, conversation_id: str, reference: dict[str, Any], replies: Sequence[Reply],
                       top_level: str | None = None) -> bool:
        try:
            await self.bot.deliver(reference, replies, conversation_id=top_level)
        except aiohttp.ClientResponseError as error:
            if error.status not in _GONE:
                raise
            log.info("Teams no longer accepts messages in conversation=%s status=%d: forgetting it",
                     conversation_id, error.status)
            await asyncio.to_thread(self._forget, conversation_id)
            return False
        return True

    def _personal_reference(self, staff_id: int) -> tuple[str, dict[str, Any]] | None:
        with session_scope(self.bot.engine) as session:
            stored = teams_references.get_personal(session=session, staff_id=staff_id)
            return (stored.conversation_id, dict(stored.reference)) if stored else None

    def _channel_reference(self, channel_id: str) -> tuple[str, dict[str, Any]] | None:
        with session_scope(self.bot.engine) as session:
            stored = teams_references.get_in_channel(session=session, channel_id=channel_id)
            return (stored.conversation_id, dict(stored.reference)) if stored else None

    def _forget(self, conversation_id: str) -> None:
        with session_scope(self.bot.engine) as session:
            teams_references.forget(session=session, conversation_id=conversation_id)
