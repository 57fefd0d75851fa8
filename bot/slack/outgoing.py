"""Sending igbot's replies to Slack: to a channel or thread, privately through a `response_url`, or as a modal."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core import wording
from bot.core.chat import Reply, to_send
from bot.slack import blocks
from bot.slack.blocks import SlackMessage

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3


@dataclass(frozen=True)
class Destination:
    """Where the answers to one thing a person did belong."""

    user_id: str
    channel: str | None = None  # None: igbot's direct messages with the person
    thread_ts: str | None = None
    response_url: str | None = None  # set: only the person sees the answer (an ephemeral reply)

    @property
    def shared(self) -> bool:
        """Seen by others too: a channel's message, not a direct message or an answer only the person sees."""
        return self.channel is not None and self.response_url is None and not self.channel.startswith("D")

    def to_metadata(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any], *, user_id: str) -> Destination:
        def text(key: str) -> str | None:
            value = metadata.get(key)
            return value if isinstance(value, str) and value else None

        return cls(user_id=user_id, channel=text("channel"), thread_ts=text("thread_ts"),
                   response_url=text("response_url"))


def error_code(error: SlackApiError) -> str:
    """Slack's short error name (`channel_not_found`), for logs; never the message content."""
    data = error.response.data if error.response is not None else None
    return str(data.get("error", "unknown")) if isinstance(data, dict) else f"http_{error.response.status_code}"


def rate_limit_retries() -> AsyncRateLimitErrorRetryHandler:
    """Slack's 429 answers are retried after the Retry-After they name."""
    return AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)


@dataclass
class SlackPoster:
    client: AsyncWebClient

    async def deliver(self, destination: Destination, replies: list[Reply], *, trigger_id: str | None = None) -> None:
        """Each reply in order; the first form opens as a modal while the trigger is fresh."""
        if destination.channel is None and destination.response_url is None:  # direct messages: opened once
            destination = replace(destination, channel=await self.direct_channel(destination.user_id))
        for reply in to_send(replies):  # the pressed message was redrawn when the click came in
            if reply.form is not None and trigger_id:
                opened = await self.open_form(reply, destination=destination, trigger_id=trigger_id)
                trigger_id = None
                if opened:
                    continue
                reply = replace(reply, form=None, notes=(*reply.notes, wording.FORM_COULD_NOT_OPEN))
            for message in blocks.messages(reply):
                await self.post(destination, message)

    async def open_form(self, reply: Reply, *, destination: Destination, trigger_id: str) -> bool:
        assert reply.form is not None
        view = blocks.modal(reply.form, metadata=destination.to_metadata())
        try:
            await self.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as error:
            log.warning("views.open failed error=%s user=%s", error_code(error), destination.user_id)
            return False
        return True

    async def post(self, destination: Destination, message: SlackMessage) -> None:
        if destination.response_url and await self._respond(destination.response_url, message):
            return
        channel, thread_ts = destination.channel, destination.thread_ts
        if destination.response_url is not None or channel is None:
            channel, thread_ts = await self.direct_channel(destination.user_id), None
        await self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=message.text,
                                           blocks=message.blocks, unfurl_links=False, unfurl_media=False)

    async def direct_channel(self, user_id: str) -> str:
        opened = await self.client.conversations_open(users=user_id)
        return str(opened["channel"]["id"])

    async def replace_message(self, *, channel: str, ts: str, text: str, new_blocks: list[blocks.Block]) -> None:
        try:
            await self.client.chat_update(channel=channel, ts=ts, text=text, blocks=new_blocks)
        except SlackApiError as error:
            log.warning("chat.update failed error=%s channel=%s", error_code(error), channel)

    async def replace_ephemeral(self, response_url: str, *, text: str, new_blocks: list[blocks.Block]) -> None:
        await self._webhook(response_url, {"replace_original": True, "text": text, "blocks": new_blocks})

    async def _respond(self, response_url: str, message: SlackMessage) -> bool:
        """An ephemeral answer; False when the URL no longer works, so the caller can use the direct messages."""
        body = {"response_type": "ephemeral", "replace_original": False, "text": message.text, "blocks": message.blocks}
        return await self._webhook(response_url, body)

    async def _webhook(self, response_url: str, body: dict[str, Any]) -> bool:
        webhook = AsyncWebhookClient(response_url, session=self.client.session, retry_handlers=[rate_limit_retries()])
        try:
            response = await webhook.send_dict(body)
        except ClientError as error:
            log.warning("response_url failed error=%s", type(error).__name__)
            return False
        if response.status_code != 200:
            log.warning("response_url refused status=%s", response.status_code)
            return False
        return True
