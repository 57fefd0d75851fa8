"""Who is speaking: a Teams user matched to the staff directory, by Entra object id or else by email.

The Entra object id (`from.aadObjectId`) is stored on the staff member as `teams_user_id` the
first time the person is matched by the email Teams gives for them in the conversation roster.
"""

from __future__ import annotations

import datetime as dt
import logging

import aiohttp
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from sqlalchemy import Engine

from storage import directory, teams_references
from storage.engine import session_scope
from storage.teams_references import Contact

log = logging.getLogger(__name__)


def remember_contact(*, engine: Engine, contact: Contact, now: dt.datetime) -> int | None:
    """Store or refresh the conversation reference; the staff id when the Entra object id is known."""
    with session_scope(engine) as session:
        member = None
        if contact.aad_object_id:
            member = directory.get_by_teams_id(session=session, teams_user_id=contact.aad_object_id)
        staff_id = member.id if member is not None and member.active else None
        teams_references.remember(session=session, contact=contact, staff_id=staff_id, now=now)
        return staff_id


def forget_contact(*, engine: Engine, contact: Contact) -> None:
    with session_scope(engine) as session:
        teams_references.forget(session=session, conversation_id=contact.conversation_id)


def match_by_email(*, engine: Engine, contact: Contact, email: str, aad_object_id: str | None) -> int | None:
    """The staff member with this email, remembering their Entra object id for next time."""
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        if member is None or member.id is None or not member.active:
            return None
        if aad_object_id and member.teams_user_id is None:
            if not directory.link_if_free(session=session, member=member, teams_user_id=aad_object_id):
                log.warning("Entra object id already linked to another staff member staff_id=%s", member.id)
        elif aad_object_id and member.teams_user_id != aad_object_id:
            log.warning("staff member has a different Entra object id on record staff_id=%s", member.id)
        teams_references.link_staff(session=session, conversation_id=contact.conversation_id, staff_id=member.id)
        return member.id


async def roster_email(connector: TeamsConnectorClient, contact: Contact) -> tuple[str, str | None] | None:
    """The person's email (or sign-in name) and Entra object id, from the conversation's roster."""
    if not contact.teams_user_id:
        return None
    try:
        member = await connector.get_conversation_member(contact.conversation_id, contact.teams_user_id)
    except (TimeoutError, aiohttp.ClientError, ValueError) as error:
        log.info("roster lookup failed conversation=%s reason=%s", contact.conversation_id, type(error).__name__)
        return None
    email = member.email or member.user_principal_name
    if not email or "@" not in email:
        return None
    return email, member.aad_object_id or contact.aad_object_id
