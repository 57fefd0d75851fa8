"""`POST /api/messages`: Bot Framework activities in, Adaptive Cards out, through the Agents SDK's CloudAdapter.

Each request is authenticated (401 for any token problem, never 500), parsed (400 for
anything that is not an activity), and then run as one SDK turn: the conversation
reference is stored, the person identified, the conversation core asked, and each reply
sent back to the activity's service URL as an Adaptive Card.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import aiohttp
from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes, ConversationReference
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from sqlalchemy import Engine

from bot.core import metrics, payloads
from bot.core.chat import Channel, IncomingMessage, Reply, to_send
from bot.core.conversation import Conversation
from bot.core.intake import Intake, NotAccepting, ProcessingFailed
from bot.teams import activities, identity
from bot.teams.auth import (
    KeysUnavailable,
    OutboundToken,
    TokenUnavailable,
    TokenValidator,
    Unauthorized,
    VerifiedToken,
)
from bot.teams.connector import ConnectorFactory
from storage.teams_references import Contact

log = logging.getLogger(__name__)

CHANNEL = "teams"  # the intake's name for activities received here

# Activities after which igbot may need to reach the person later, so it finds out who they are.
_FIRST_CONTACT = frozenset({ActivityTypes.message, ActivityTypes.conversation_update, ActivityTypes.installation_update})


@dataclass
class TeamsBot:
    """igbot on Teams: one per server, shared by the endpoint and the messenger."""

    conversation: Conversation
    engine: Engine
    outbound: OutboundToken
    validator: TokenValidator | None
    intake: Intake
    app_id: str | None = None
    tenant_id: str | None = None
    adapter: CloudAdapter = field(init=False)

    def __post_init__(self) -> None:
        self.adapter = CloudAdapter(channel_service_client_factory=ConnectorFactory(self.outbound, self.app_id))
        self.adapter.on_turn_error = None  # errors reach `messages`, which answers with a status, never a stack trace

    async def messages(self, request: web.Request) -> web.Response:
        try:
            verified = await self._authenticate(request.headers.get("Authorization"))
            body = await _json(request)
            activity = activities.parse(body)
            if verified is not None:
                verified.check(service_url=activity.service_url, channel_id=str(activity.channel_id or ""))
        except Unauthorized as error:
            log.info("refused a Teams request: %s", error)
            return _error(401, "The request is not authenticated.")
        except KeysUnavailable as error:
            log.warning("cannot check Teams tokens: %s", error)
            return _error(503, "Token signing keys are unavailable; try again shortly.")
        except activities.MalformedActivity as error:
            return _error(400, f"Not a Bot Framework activity: {error}.")
        if self.tenant_id and activities.tenant_of(activity) != self.tenant_id:
            log.info("refused an activity from another tenant or none conversation=%s", activity.conversation.id)
            return _error(403, "This bot serves one organisation's tenant only.")
        identity_claims = ClaimsIdentity(verified.claims, authentication_type="Bearer") if verified else ClaimsIdentity()
        key = activities.delivery_id(activity) or "body:" + hashlib.sha256(await request.read()).hexdigest()
        try:
            event_id = await self.intake.receive(CHANNEL, key, cast(dict[str, Any], body))  # parse checked it
        except NotAccepting:
            return _error(503, "The bot is restarting; send the activity again shortly.")
        if event_id is None:
            return web.Response(status=200)  # delivered before: handled then (or being handled now)
        try:
            invoke = await self.intake.process_now(event_id, self.adapter.process_activity(identity_claims, activity,
                                                                                           self.on_turn))
        except (TimeoutError, aiohttp.ClientError, TokenUnavailable) as error:
            log.warning("could not answer over the Bot Connector conversation=%s reason=%s",
                        activity.conversation.id, type(error).__name__)
            return _error(502, "The reply could not be delivered to the Bot Connector.")
        if invoke is not None:
            return web.json_response(invoke.body, status=int(invoke.status or 200))
        return web.Response(status=200)

    async def process(self, payload: dict[str, Any]) -> None:
        """Process an activity stored by the intake and not processed then (the server stopped, or the reply failed),
        as the bot itself: the request's token is long gone, and its claims named this app only."""
        activity = activities.parse(payload)
        claims = ClaimsIdentity({"aud": self.app_id, "appid": self.app_id}) if self.app_id else ClaimsIdentity()
        try:
            await self.adapter.process_activity(claims, activity, self.on_turn)
        except (TimeoutError, aiohttp.ClientError, TokenUnavailable) as error:
            raise ProcessingFailed(type(error).__name__) from None

    async def _authenticate(self, authorization: str | None) -> VerifiedToken | None:
        """Every request's token is checked; only a bot with no app id (local testing) has no validator."""
        if self.validator is None:
            return None
        return await self.validator.validate(authorization)

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        contact = activities.contact_of(activity)
        if activities.uninstalls(activity):
            await asyncio.to_thread(identity.forget_contact, engine=self.engine, contact=contact)
            return
        staff_id = await asyncio.to_thread(identity.remember_contact, engine=self.engine, contact=contact,
                                           now=self.conversation.clock.now())
        if staff_id is None and activity.type in _FIRST_CONTACT:
            staff_id = await self._match_by_roster(context, contact)
        message = self._message(activity, staff_id)
        if message is None:
            return
        with metrics.TURN_SECONDS.labels("teams").time():
            replies = await self.conversation.handle(message)
        metrics.TURNS.labels("teams", "answered" if replies else "nothing").inc()
        redrawn = [reply for reply in replies if reply.redraws_pressed]
        if redrawn and activity.reply_to_id:
            await context.update_activity(activities.reply_activity(redrawn[-1], replacing=activity.reply_to_id))
        if sendable := to_send(replies):
            await context.send_activities([activities.reply_activity(reply) for reply in sendable])

    def _message(self, activity: Activity, staff_id: int | None) -> IncomingMessage | None:
        if activity.type == ActivityTypes.message:
            return activities.incoming_message(activity, staff_id)
        if activities.greets(activity):
            return IncomingMessage(channel=Channel.TEAMS, staff_id=staff_id, action="help:", supports_forms=True)
        return None

    async def _match_by_roster(self, context: TurnContext, contact: Contact) -> int | None:
        connector = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]  # the SDK keys services by their abstract base
        if not isinstance(connector, TeamsConnectorClient):
            return None
        found = await identity.roster_email(connector, contact)
        if found is None:
            return None
        email, aad_object_id = found
        return await asyncio.to_thread(identity.match_by_email, engine=self.engine, contact=contact, email=email,
                                       aad_object_id=aad_object_id)

    async def deliver(self, reference: dict[str, Any], replies: Sequence[Reply], *,
                      conversation_id: str | None = None) -> None:
        """Send replies into a stored conversation (or, given `conversation_id`, a channel's top level)."""
        stored = ConversationReference.model_validate(reference)
        if conversation_id is not None:
            stored.conversation = stored.conversation.model_copy(update={"id": conversation_id})
        continuation = stored.get_continuation_activity()
        continuation.id = None  # a new message in the conversation, not a reply to an earlier one
        claims = ClaimsIdentity({"aud": self.app_id, "appid": self.app_id}) if self.app_id else ClaimsIdentity()

        async def send(context: TurnContext) -> None:
            await context.send_activities([activities.reply_activity(reply) for reply in to_send(replies)])

        await self.adapter.continue_conversation_with_claims(claims, continuation, send)


async def _json(request: web.Request) -> object:
    """The body as JSON: bytes that are not UTF-8 and lone surrogates repaired, too deep refused."""
    try:
        return payloads.loads(await request.read())
    except payloads.MalformedPayload as error:
        raise activities.MalformedActivity(str(error)) from None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
