"""The Slack channel: Slack payloads in, channel-neutral messages to the conversation core, Block Kit out.

Every handler acknowledges first (events are acknowledged by bolt before the handler runs),
then does the work in the background, so Slack always hears back within its three seconds.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import metrics, wording
from bot.core.assistant import Assistant
from bot.core.chat import Channel, IncomingMessage
from bot.core.conversation import start_action
from bot.slack import blocks, home, markup
from bot.slack.identity import SlackIdentity
from bot.slack.middleware import Caller, IdentifyCaller, IgnoreNonPersonMessages, OnlyOurWorkspace, caller_of
from bot.slack.outgoing import Destination, SlackPoster

log = logging.getLogger(__name__)

Body = dict[str, Any]

SUBCOMMANDS = {
    "": "help:",
    "help": "help:",
    "report": start_action(home.INCIDENT_REPORT),
    "share": start_action(home.SHARING_CHECK),
    "training": start_action(home.TRAINING),
}


def interaction_id(kind: str, body: Body, pressed: Body | None = None) -> str | None:
    """The delivery id of a command, click or form submission: Slack's own ids for it, so a payload replayed
    within the signature window (to this replica or another) is acted on once, like a retried event.

    A trigger id is Slack's unique id for one interaction; a click's action timestamp goes with it.
    """
    trigger_id = body.get("trigger_id")
    action_ts = (pressed or {}).get("action_ts")
    parts = [part for part in (trigger_id, action_ts) if isinstance(part, str) and part]
    return f"{kind}:{'/'.join(parts)}"[:100] if parts else None


def delivery_key(body: Body) -> str | None:
    """The key a payload is stored under in the intake: the delivery id its listener gives the conversation core."""
    kind = body.get("type")
    if kind == "event_callback":
        event_id = body.get("event_id")
        return event_id[:100] if isinstance(event_id, str) and event_id else None
    if kind == "block_actions":
        return interaction_id("click", body, (body.get("actions") or [{}])[0])
    if kind == "view_submission":
        return interaction_id("form", body)
    if "command" in body:
        return interaction_id("command", body)
    return None


@dataclass
class PersonQueue:
    """One person's messages are handled in the order they arrive; different people in parallel."""

    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _users: dict[str, int] = field(default_factory=dict)

    @asynccontextmanager
    async def turn(self, user_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._users[user_id] = self._users.get(user_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[user_id] -= 1
            if not self._users[user_id]:
                del self._users[user_id], self._locks[user_id]


@dataclass
class SlackChannel:
    assistant: Assistant
    client: AsyncWebClient
    identity: SlackIdentity
    poster: SlackPoster
    queue: PersonQueue = field(default_factory=PersonQueue)

    @classmethod
    def create(cls, assistant: Assistant, client: AsyncWebClient) -> SlackChannel:
        return cls(
            assistant=assistant,
            client=client,
            identity=SlackIdentity(engine=assistant.engine, client=client),
            poster=SlackPoster(client=client),
        )

    def install(self, app: AsyncApp) -> None:
        """The middleware chain, then one handler per kind of Slack request.

        An event Slack delivers again (a retry, or to another replica) is answered once: its
        event id goes with the message to the conversation core, which logs each id once.
        Opening App Home again just shows it again.
        """
        for middleware in (OnlyOurWorkspace(self.assistant.settings.slack_team_id), IgnoreNonPersonMessages(),
                           IdentifyCaller(self.identity)):
            app.use(middleware)
        app.event("message")(self.on_direct_message)
        app.event("app_mention")(self.on_mention)
        app.event("app_home_opened")(self.on_home_opened)
        app.command(re.compile(r"^/"))(self.on_command)  # /ig, or whatever the manifest names it
        app.action(re.compile(rf"^{re.escape(blocks.CHOICE_ACTION)}:"))(self.on_button)
        app.view(blocks.FORM_CALLBACK)(self.on_form_submitted)

    # Listeners: bolt passes `body`, `context` and `ack` by these names. ---------------------------

    async def on_direct_message(self, body: Body, context: AsyncBoltContext) -> None:
        event = body["event"]
        caller = caller_of(context)
        if event.get("channel_type") != "im" or caller is None:
            return
        text = markup.plain_text(event.get("text") or "")
        if not text:
            return  # a file or an emoji reaction alone: nothing to answer
        destination = Destination(user_id=caller.slack_user_id, channel=event.get("channel"),
                                  thread_ts=event.get("thread_ts"))
        await self.converse(caller, destination, text=text, delivery_id=body.get("event_id"))

    async def on_mention(self, body: Body, context: AsyncBoltContext) -> None:
        event = body["event"]
        caller = caller_of(context)
        if caller is None:
            return
        text = markup.strip_leading_mention(event.get("text") or "", context.bot_user_id)
        destination = Destination(user_id=caller.slack_user_id, channel=event.get("channel"),
                                  thread_ts=event.get("thread_ts") or event.get("ts"))
        await self.converse(caller, destination, text=markup.plain_text(text) or "help",
                            delivery_id=body.get("event_id"), shared=destination.shared)

    async def on_command(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        caller = caller_of(context)
        if caller is None:
            return
        destination = Destination(user_id=caller.slack_user_id, channel=body.get("channel_id"),
                                  response_url=body.get("response_url") or None)
        text = markup.plain_text(body.get("text") or "")
        action = SUBCOMMANDS.get(text.lower())
        await self.converse(caller, destination, text=text if action is None else "", action=action,
                            trigger_id=body.get("trigger_id"), delivery_id=interaction_id("command", body))

    async def on_button(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        caller = caller_of(context)
        pressed = (body.get("actions") or [{}])[0]
        if caller is None or not pressed.get("value"):
            return
        label = (pressed.get("text") or {}).get("text", "")
        destination = await self._after_click(body, caller, label)
        await self.converse(caller, destination, text=label, action=pressed["value"], trigger_id=body.get("trigger_id"),
                            shared=destination.shared, delivery_id=interaction_id("click", body, pressed))

    async def on_form_submitted(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        caller = caller_of(context)
        view = body.get("view") or {}
        metadata = blocks.form_metadata(view)
        form_id = metadata.get("form")
        if caller is None or not isinstance(form_id, str):
            log.warning("form submission without igbot metadata view=%s", view.get("id"))
            return
        destination = Destination.from_metadata(metadata, user_id=caller.slack_user_id)
        await self.converse(caller, destination, action=form_id, form=blocks.submitted_values(view),
                            trigger_id=body.get("trigger_id"), delivery_id=interaction_id("form", body))

    async def on_home_opened(self, body: Body, context: AsyncBoltContext) -> None:
        caller = caller_of(context)
        if body["event"].get("tab") != "home" or caller is None:
            return
        await self.publish_home(caller)

    # The work behind them. -----------------------------------------------------------------------

    async def converse(self, caller: Caller, destination: Destination, *, text: str = "", action: str | None = None,
                       form: dict[str, str] | None = None, trigger_id: str | None = None,
                       delivery_id: str | None = None, shared: bool = False) -> None:
        staff_id = await caller.staff_id()
        message = IncomingMessage(channel=Channel.SLACK, staff_id=staff_id, text=text, action=action, form=form,
                                  supports_forms=bool(trigger_id), platform_user_id=caller.slack_user_id,
                                  delivery_id=delivery_id, shared=shared)
        async with self.queue.turn(caller.slack_user_id):
            with metrics.TURN_SECONDS.labels("slack").time():
                replies = await self.assistant.conversation.handle(message)
            metrics.TURNS.labels("slack", "answered" if replies else "nothing").inc()
            await self.poster.deliver(destination, replies, trigger_id=trigger_id)

    async def publish_home(self, caller: Caller) -> None:
        staff_id = await caller.staff_id()
        conversation = self.assistant.conversation
        summary = await asyncio.to_thread(conversation.summary_for, channel=Channel.SLACK, staff_id=staff_id)
        await self.client.views_publish(user_id=caller.slack_user_id, view=home.view(summary, conversation=conversation))

    async def _after_click(self, body: Body, caller: Caller, label: str) -> Destination:
        """Where the answer goes, after turning the pressed buttons into a note of what was chosen."""
        container = body.get("container") or {}
        if container.get("type") != "message":
            return Destination(user_id=caller.slack_user_id)
        message = body.get("message") or {}
        chosen = wording.SLACK_CHOSEN.format(label=markup.escape(label))
        remaining = blocks.without_buttons(message.get("blocks") or [], chosen)
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        if container.get("is_ephemeral") and body.get("response_url"):
            if message.get("blocks"):
                await self.poster.replace_ephemeral(body["response_url"], text=message.get("text", ""),
                                                    new_blocks=remaining)
            return Destination(user_id=caller.slack_user_id, channel=channel, response_url=body["response_url"])
        if channel and message.get("ts"):
            await self.poster.replace_message(channel=channel, ts=message["ts"], text=message.get("text", ""),
                                              new_blocks=remaining)
        return Destination(user_id=caller.slack_user_id, channel=channel, thread_ts=message.get("thread_ts"))
