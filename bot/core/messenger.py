"""Sending a message to a person that is not a reply (nudges, reminders, broadcasts): one interface per platform."""

from __future__ import annotations

from typing import Protocol

from bot.core.chat import Reply
from storage.models import StaffMember


class Messenger(Protocol):
    """One platform's way of reaching a person directly.

    The IG team's channel is configured per platform (`SLACK_IG_CHANNEL` for Slack).
    `send` returns False when the person cannot be reached on this platform
    (no platform id or stored conversation reference), and raises on a failure
    worth retrying (network, rate limit).
    """

    channel: str

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool: ...

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        """Post in the IG team's channel; False when this platform has none configured."""
        ...
