"""Stored Teams conversation references, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from storage import directory, teams_references
from storage.engine import session_scope
from storage.teams_references import Contact
from moments import MONDAY_MORNING


def _personal(conversation_id: str = "a:personal-sam", service_url: str = "https://smba.example/emea/") -> Contact:
    return Contact(conversation_id=conversation_id, conversation_type="personal", service_url=service_url,
                   reference={"conversation": {"id": conversation_id}, "serviceUrl": service_url},
                   teams_user_id="29:sam", aad_object_id="5a1e0c9d-3b7f-4e2a-8c6d-1f0e9b8a7c01", tenant_id="t-1")


def _sam_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert member is not None and member.id is not None
        return member.id


def test_a_personal_conversation_is_stored_once_and_refreshed_when_it_moves(engine: Engine) -> None:
    sam = _sam_id(engine)
    with session_scope(engine) as session:
        teams_references.remember(session=session, contact=_personal(), staff_id=sam, now=MONDAY_MORNING)
        teams_references.remember(session=session, contact=_personal(), staff_id=sam, now=MONDAY_MORNING)
    with session_scope(engine) as session:
        teams_references.remember(session=session, contact=_personal(service_url="https://smba.example/uk/"),
                                  staff_id=None, now=MONDAY_MORNING)
    with session_scope(engine) as session:
        stored = teams_references.get_personal(session=session, staff_id=sam)
        assert stored is not None
        assert stored.service_url == "https://smba.example/uk/" and stored.reference["serviceUrl"].endswith("/uk/")
        assert stored.staff_id == sam, "an unidentified later message does not unlink the person"


def test_the_newest_personal_conversation_is_the_one_used(engine: Engine) -> None:
    sam = _sam_id(engine)
    with session_scope(engine) as session:
        old = teams_references.remember(session=session, contact=_personal("a:old"), staff_id=sam, now=MONDAY_MORNING)
        old.last_seen_at = MONDAY_MORNING - dt.timedelta(days=30)
        session.add(old)
        teams_references.remember(session=session, contact=_personal("a:new"), staff_id=sam, now=MONDAY_MORNING)
    with session_scope(engine) as session:
        stored = teams_references.get_personal(session=session, staff_id=sam)
        assert stored is not None and stored.conversation_id == "a:new"


def test_a_channel_is_found_from_any_of_its_threads_but_never_linked_to_a_person(engine: Engine) -> None:
    sam = _sam_id(engine)
    thread = Contact(conversation_id="19:ig_team@thread.tacv2;messageid=17", conversation_type="channel",
                     service_url="https://smba.example/emea/", reference={}, teams_user_id="29:sam")
    with session_scope(engine) as session:
        stored = teams_references.remember(session=session, contact=thread, staff_id=sam, now=MONDAY_MORNING)
        assert stored.staff_id is None
    with session_scope(engine) as session:
        assert teams_references.get_in_channel(session=session, channel_id="19:ig_team@thread.tacv2") is not None
        assert teams_references.get_in_channel(session=session, channel_id="19:ig%team@thread.tacv2") is None
        assert teams_references.get_personal(session=session, staff_id=sam) is None


def test_a_forgotten_conversation_is_gone(engine: Engine) -> None:
    sam = _sam_id(engine)
    with session_scope(engine) as session:
        teams_references.remember(session=session, contact=_personal(), staff_id=sam, now=MONDAY_MORNING)
    with session_scope(engine) as session:
        teams_references.forget(session=session, conversation_id="a:personal-sam")
    with session_scope(engine) as session:
        assert teams_references.get_personal(session=session, staff_id=sam) is None
