"""Whatever way an identifier is typed, nothing stored keeps it: knowledge gaps, incidents, the outbox, decisions.

Each example is a member of staff asking a question, passing it to the IG team, reporting an
incident and walking a decision with identifiers in what they type; then every value of every
table is read back and searched for the identifier's digits (or letters and digits).
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from identifier_formats import Written, sentences, survives
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

SAM = "sam.okafor@example.org"
_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def everything_stored(engine: Engine) -> list[str]:
    values: list[str] = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                values.extend(json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, dict | list)
                              else str(value) for value in row if value is not None)
    return values


def _choose(replies: list, *labels: str) -> str | None:  # type: ignore[type-arg]
    for reply in replies:
        for choice in reply.choices:
            if choice.label in labels:
                return str(choice.action)
    return None


@settings(max_examples=15, deadline=None, suppress_health_check=_FIXTURES)
@given(question=sentences(), containment=sentences(), description=sentences())
def test_identifiers_typed_any_way_are_stored_nowhere(
    chat_as, engine: Engine,  # type: ignore[no-untyped-def]
    question: tuple[str, Written], containment: tuple[str, Written], description: tuple[str, Written],
) -> None:
    sam = chat_as(SAM)
    replies = sam.say(question[0])
    action = _choose(replies, "Ask the IG team", "Not helpful")
    if action is not None:
        sam.say(action=action)
    for line in ["report an incident", "2", "Saturday 16:00", "today 9am", "2", "3", "about 3", "2",
                 containment[0], "My manager", description[0], "send"]:
        sam.say(line)
    sam.say("can I share this?")
    sam.say(description[0])  # not one of the options: answered or asked again, never kept as typed
    sam.say("cancel")

    stored = everything_stored(engine)
    for written in (question[1], containment[1], description[1]):
        leaked = [value for value in stored if survives(written, value)]
        assert not leaked, f"{written.typed!r} is stored: {leaked[:2]}"


@settings(max_examples=8, deadline=None, suppress_health_check=_FIXTURES)
@given(question=sentences(), choice=st.integers(min_value=1, max_value=2))
def test_a_decision_walked_with_identifiers_typed_in_between_stores_none(
    chat_as, engine: Engine,  # type: ignore[no-untyped-def]
    question: tuple[str, Written], choice: int,
) -> None:
    sam = chat_as(SAM)
    sam.say("can I share this?")
    for _ in range(8):
        sam.say(question[0])
        sam.say(str(choice))
    sam.say("cancel")
    leaked = [value for value in everything_stored(engine) if survives(question[1], value)]
    assert not leaked, f"{question[1].typed!r} is stored: {leaked[:2]}"
