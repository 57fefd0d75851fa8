"""Incident tests run against a clock they set, so "yesterday 9am" and the 72-hour deadline are exact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from bot.app import build_conversation
from bot.conversation import Conversation
from bot.profile import Profile
from storage import directory
from storage.engine import session_scope
from storage.models import StaffMember
from workflows import incidents

# Monday 23 November 2026, 10:00 in London (GMT, so also 10:00 UTC).
MONDAY_MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@dataclass
class Clock:
    now: dt.datetime = MONDAY_MORNING

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def conversation(engine: Engine, profile: Profile, clock: Clock) -> Conversation:
    """The assembled conversation, with incident reporting reading the test's clock."""
    conversation = build_conversation(profile, engine)
    incidents.install(conversation, clock=clock)
    return conversation


@pytest.fixture
def staff(engine: Engine):  # type: ignore[no-untyped-def]  # returns a lookup by email
    def lookup(email: str) -> StaffMember:
        with session_scope(engine) as session:
            member = directory.get_by_email(session=session, email=email)
            assert member is not None, f"{email} is not in the demo directory"
            return member

    return lookup
