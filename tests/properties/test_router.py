"""Whatever a person types or whatever a button carries, the router answers calmly and keeps a whole state.

Hypothesis sends sequences of messages: the words that start, continue, cancel and discard things,
commands with and without references, bare choices, and arbitrary text; button values with every
registered prefix followed by anything, and arbitrary ones; forms with any fields. After each one:
nothing raised, nothing needed the central apology (which is for bugs), and the person's saved
place, if any, belongs to a workflow or command igbot knows and can be carried on.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from bot.core import wording
from bot.core.chat import Channel, IncomingMessage, Reply
from bot.core.conversation import CARRY_ON, Conversation
from storage import conversations, directory
from storage.engine import session_scope
from workflows.incidents.answers import InvalidAnswer, parse_people

_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
APOLOGY = wording.APOLOGY.split("{")[0]
WORDS = ["help", "home", "cancel", "discard", "discard it", "continue", "carry on", "yes", "no", "1", "2", "7", "0",
         "report an incident", "can i share this?", "training", "my training", "inbox", "incidents", "summary",
         "show IG-2026-0001", "add to IG-2026-0001", "add to IG-2026-0001 more detail", "close IG-2026-0001",
         "triage IG-2026-0001", "answer Q-1", "dismiss Q-99999999999", "what is a data breach?", "thanks",
         "how long do we keep records", "is this an incident", "", " ", "?", "²", "3²", "٣", "-1", "1.5", "10-20"]


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(WORDS), st.text(max_size=120),
                     st.builds(lambda word, extra: f"{word} {extra}", st.sampled_from(WORDS), st.text(max_size=40)))


def _actions(conversation: Conversation) -> st.SearchStrategy[str]:
    prefixes = [*conversation.actions, *conversation.workflows, "start", "help", "cancel", "discard", "keep",
                "replace", "say", "kb:refer-declined", "incident:show", "incident:triage", "nudge:done"]
    rests = st.one_of(st.sampled_from(["", "confirm", "continue", "IG-2026-0001", "1", "-1", "99999999999999999999",
                                       *conversation.workflows]), st.text(max_size=60))
    return st.one_of(st.builds(lambda prefix, rest: f"{prefix}:{rest}", st.sampled_from(prefixes), rests),
                     st.text(max_size=60))


def _messages(conversation: Conversation) -> st.SearchStrategy[dict[str, Any]]:
    forms = st.dictionaries(st.text(max_size=20), st.text(max_size=60), max_size=6)
    return st.one_of(
        st.fixed_dictionaries({"text": _texts()}),
        st.fixed_dictionaries({"action": _actions(conversation)}),
        st.fixed_dictionaries({"action": _actions(conversation), "form": forms}),
        st.fixed_dictionaries({"text": _texts(), "form": forms}),
    )


def _staff_id(engine: Engine, email: str) -> int:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        assert member is not None and member.id is not None
        return member.id


def _calm(replies: list[Reply], said: dict[str, Any]) -> None:
    assert isinstance(replies, list)
    for reply in replies:
        assert isinstance(reply, Reply)
        assert APOLOGY not in reply.text, f"the central handler had to catch a failure for {said!r}"


@settings(max_examples=60, deadline=None, suppress_health_check=_FIXTURES)
@given(data=st.data(), email=st.sampled_from(["sam.okafor@example.org", "harriet.osei@example.org", None]))
def test_any_message_gets_a_calm_answer_and_leaves_a_whole_state(data: st.DataObject, email: str | None,
                                                                 conversation: Conversation, engine: Engine) -> None:
    staff_id = _staff_id(engine, email) if email else None
    for said in data.draw(st.lists(_messages(conversation), min_size=1, max_size=6)):
        message = IncomingMessage(channel=Channel.CONSOLE, staff_id=staff_id, supports_forms="form" in said,
                                  **said)
        _calm(conversation.handle_now(message), said)
        if staff_id is None:
            continue
        with session_scope(engine) as session:
            saved = conversations.get(connection=session.connection(), staff_id=staff_id)
        if saved is not None:
            assert saved.workflow in conversation.workflows or saved.workflow in conversation.commands, saved.workflow
            assert isinstance(saved.data, dict)
            carry_on = IncomingMessage(channel=Channel.CONSOLE, staff_id=staff_id, text=CARRY_ON)
            _calm(conversation.handle_now(carry_on), {"text": CARRY_ON, "after": said})


def test_ids_and_numbers_no_database_or_int_could_take_are_answered_calmly(chat_as) -> None:  # type: ignore[no-untyped-def]
    """Found by the property above: an id larger than a PostgreSQL integer, and digits int() cannot read ("²")."""
    harriet, sam = chat_as("harriet.osei@example.org"), chat_as("sam.okafor@example.org")
    said = [*harriet.say("dismiss Q-99999999999"), *harriet.say("answer Q-4294967296 yes"),
            *sam.say(action="kb:refer-declined:99999999999999999999"), *sam.say(action="kb:refer-declined:²"),
            *sam.say(action="decision:copy:²"), *sam.say(action="decision:copy:99999999999")]
    _calm(said, {"text": "ids out of range"})
    assert "Q-99999999999" in said[0].text
    with pytest.raises(InvalidAnswer):
        parse_people("²")
