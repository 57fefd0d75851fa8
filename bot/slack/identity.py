"""Who is speaking: a Slack user matched to the staff directory by stored Slack id, else by email.

The email comes from Slack itself (`users.info`), never from what a person typed. A match is
stored on the staff member, so the next message needs no call to Slack; answers are also kept
in memory for a few minutes, including "not in the directory".
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.slack.outgoing import error_code
from storage import directory
from storage.engine import session_scope

log = logging.getLogger(__name__)

KNOWN_SECONDS = 600.0
UNKNOWN_SECONDS = 60.0


@dataclass
class SlackIdentity:
    engine: Engine
    client: AsyncWebClient
    _cache: dict[str, tuple[int | None, float]] = field(default_factory=dict)

    async def staff_id(self, slack_user_id: str) -> int | None:
        cached = self._cache.get(slack_user_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        staff_id = await asyncio.to_thread(self._stored, slack_user_id)
        if staff_id is None:
            email = await self._email(slack_user_id)
            if email:
                staff_id = await asyncio.to_thread(self._link, slack_user_id, email)
        lifetime = KNOWN_SECONDS if staff_id is not None else UNKNOWN_SECONDS
        self._cache[slack_user_id] = (staff_id, time.monotonic() + lifetime)
        return staff_id

    def _stored(self, slack_user_id: str) -> int | None:
        with session_scope(self.engine) as session:
            member = directory.get_by_slack_id(session=session, slack_user_id=slack_user_id)
            return member.id if member is not None and member.active else None

    def _link(self, slack_user_id: str, email: str) -> int | None:
        with session_scope(self.engine) as session:
            member = directory.get_by_email(session=session, email=email)
            if member is None or not member.active:
                return None
            if member.slack_user_id == slack_user_id:
                return member.id
            if directory.link_if_free(session=session, member=member, slack_user_id=slack_user_id):
                log.info("linked slack_user=%s to staff_id=%s", slack_user_id, member.id)
            else:
                log.warning("slack_user=%s is linked to another staff member; staff_id=%s answered by email",
                            slack_user_id, member.id)
            return member.id

    async def _email(self, slack_user_id: str) -> str | None:
        try:
            response = await self.client.users_info(user=slack_user_id)
        except SlackApiError as error:
            log.warning("users.info failed error=%s slack_user=%s", error_code(error), slack_user_id)
            return None
        user = response.get("user") or {}
        if user.get("is_bot") or user.get("deleted"):
            return None
        email = (user.get("profile") or {}).get("email")
        return email if isinstance(email, str) and email else None
