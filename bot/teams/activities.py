"""Bot Framework activities in and out: a thin translation to and from igbot's chat model."""

from __future__ import annotations

import hashlib
import html
import logging
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from pydantic import ValidationError

from bot.core.chat import Channel, IncomingMessage, Reply
from bot.teams import cards
from storage.teams_references import PERSONAL, Contact

log = logging.getLogger(__name__)

MAX_TEXT = 8000


class MalformedActivity(Exception):
    """The request body is not an activity igbot can act on; the message says what is wrong."""


def parse(body: object) -> Activity:
    if not isinstance(body, dict):
        raise MalformedActivity("the body must be a JSON object")
    for name in ("type", "serviceUrl"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise MalformedActivity(f"{name} must be a non-empty string")
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) or not conversation["id"]:
        raise MalformedActivity("conversation.id must be a non-empty string")
    if not body["serviceUrl"].startswith(("https://", "http://")):
        raise MalformedActivity("serviceUrl must be an http(s) URL")
    try:
        activity = Activity.model_validate(body)
    except ValidationError as error:
        raise MalformedActivity(f"not a valid activity ({error.error_count()} problems)") from None
    except Exception as error:  # the SDK's validator raises a bare Exception when channelId and productInfo disagree
        raise MalformedActivity(f"not a valid activity ({type(error).__name__})") from None
    if activity.type == ActivityTypes.message and not (activity.from_property and activity.from_property.id):
        raise MalformedActivity("a message must say whom it is from (from.id)")
    return activity


def tenant_of(activity: Activity) -> str | None:
    """The tenant the activity comes from; None when it names none, or names two that disagree
    (Teams always sends the same one in both places: an activity that does not is not to be believed)."""
    named = set()
    if activity.conversation and activity.conversation.tenant_id:
        named.add(str(activity.conversation.tenant_id))
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant")
    if isinstance(tenant, dict) and tenant.get("id"):
        named.add(str(tenant["id"]))
    return named.pop() if len(named) == 1 else None


def contact_of(activity: Activity) -> Contact:
    """What to keep about this conversation so igbot can write to it later."""
    reference = activity.get_conversation_reference().model_dump(mode="json", by_alias=True, exclude_none=True)
    for transient in ("activityId", "requestId"):
        reference.pop(transient, None)
    conversation = activity.conversation
    sender = activity.from_property
    return Contact(
        conversation_id=conversation.id,
        conversation_type=conversation.conversation_type or ("groupChat" if conversation.is_group else PERSONAL),
        service_url=activity.service_url,
        reference=reference,
        teams_user_id=sender.id if sender else None,
        aad_object_id=sender.aad_object_id if sender else None,
        tenant_id=tenant_of(activity),
    )


def incoming_message(activity: Activity, staff_id: int | None) -> IncomingMessage | None:
    """A typed message or a card submission; None for anything igbot has nothing to say about."""
    sender_id = activity.from_property.id if activity.from_property else None
    shared = (activity.conversation.conversation_type or PERSONAL) != PERSONAL or bool(activity.conversation.is_group)
    submitted = cards.submission(activity.value)
    if submitted is not None:
        action, form = submitted
        return IncomingMessage(channel=Channel.TEAMS, staff_id=staff_id, action=action, form=form,
                               supports_forms=True, platform_user_id=sender_id, shared=shared,
                               delivery_id=delivery_id(activity))
    text = _plain_text(activity)
    if not text:
        return None
    return IncomingMessage(channel=Channel.TEAMS, staff_id=staff_id, text=text, supports_forms=True,
                           platform_user_id=sender_id, shared=shared, delivery_id=delivery_id(activity))


def delivery_id(activity: Activity) -> str | None:
    """The activity's id, which is unique only within its conversation, made unique across them.

    The Bot Framework may deliver an activity again (after a timeout, say); the core handles each id once.
    """
    if not activity.id:
        return None
    return hashlib.sha256(f"{activity.conversation.id}\n{activity.id}".encode()).hexdigest()[:40]


def _plain_text(activity: Activity) -> str:
    """The text without the @mention of igbot, as the person meant it."""
    activity.remove_recipient_mention()
    return html.unescape(activity.text or "").replace("\xa0", " ").strip()[:MAX_TEXT]


def greets(activity: Activity) -> bool:
    """igbot was just added to a 1:1 chat with someone: say hello and what it can do."""
    if activity.type != ActivityTypes.conversation_update or not activity.recipient:
        return False
    added = {member.id for member in activity.members_added or []}
    return activity.recipient.id in added and (activity.conversation.conversation_type or PERSONAL) == PERSONAL


def uninstalls(activity: Activity) -> bool:
    """igbot was removed from this conversation: its reference is no use any more."""
    return activity.type == ActivityTypes.installation_update and str(activity.action or "").startswith("remove")


def reply_activity(reply: Reply, *, replacing: str | None = None) -> Activity:
    """A reply as a message activity; `replacing` names the activity it takes the place of."""
    body: dict[str, Any] = {"type": ActivityTypes.message, "attachments": [cards.attachment(reply)]}
    if replacing:
        body["id"] = replacing
    if reply.title:
        body["summary"] = reply.title
    return Activity.model_validate(body)
