"""Reaching people in Slack when they have not just spoken: nudges, reminders and broadcasts from the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.chat import Reply
from bot.core.settings import Settings
from bot.slack.http import web_client
from bot.slack.outgoing import Destination, SlackPoster
from storage.models import StaffMember


@dataclass
class SlackMessenger:
    """`bot.core.messenger.Messenger` for Slack: a direct message (`conversations.open` + `chat.postMessage`).

    A rate limit is waited out (Retry-After); other failures raise `SlackApiError` or an aiohttp
    error for the outbox to retry later.
    """

    client: AsyncWebClient
    ig_channel: str | None = None
    channel: str = "slack"

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackMessenger:
        return cls(client=web_client(settings), ig_channel=settings.slack_ig_channel)

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        if not staff.slack_user_id:
            return False
        await SlackPoster(self.client).deliver(Destination(user_id=staff.slack_user_id), replies)
        return True

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        if not self.ig_channel:
            return False
        await SlackPoster(self.client).deliver(Destination(user_id="", channel=self.ig_channel), replies)
        return True
