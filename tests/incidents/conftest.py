"""Incident tests run against the test clock (tests/conftest.py), so "yesterday 9am" and the 72-hour deadline are exact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.core.profile import Profile
from storage import directory
from storage.engine import session_scope
from storage.models import StaffMember
from moments import MONDAY_MORNING
from workflows.incidents import report


@pytest.fixture
def staff(engine: Engine):  # type: ignore[no-untyped-def]  # returns a lookup by email
    def lookup(email: str) -> StaffMember:
        with session_scope(engine) as session:
            member = directory.get_by_email(session=session, email=email)
            assert member is not None, f"{email} is not in the demo directory"
            return member

    return lookup


def finished_answers(**changes: Any) -> dict[str, Any]:
    """A finished report's answers as the flow keeps them: a referral emailed to the wrong practice."""
    def text(value: str) -> dict[str, Any]:
        return {"text": value, "removed": []}

    answers: dict[str, Any] = {
        "kind": "misdirected_email", "happened_at": "2026-11-23T08:00:00+00:00",
        "discovered_at": "2026-11-23T09:00:00+00:00", "data_kind": "personal", "vulnerable": "none",
        "people_affected": 1, "contained": "partly", "containment": text("Asked them to delete it"),
        "told": text("My manager"), "description": text("Referral sent to the wrong practice"),
    }
    return {**answers, **changes}


@pytest.fixture
def store_report(engine: Engine, profile: Profile) -> Callable[..., str]:
    """Store a finished report without going through the chat, and give its reference.

    Sam Okafor reports it over Slack on Monday morning unless told otherwise; any other keyword
    replaces that answer, e.g. `store_report(kind="near_miss")`.
    """
    def store(*, reporter: str = "sam.okafor@example.org", channel: str = "slack",
              now: dt.datetime = MONDAY_MORNING, **changes: Any) -> str:
        with session_scope(engine) as session:
            member = directory.get_by_email(session=session, email=reporter)
            assert member is not None, f"{reporter} is not in the demo directory"
            return report.store(session=session, reporter=member, answers=finished_answers(**changes),
                                channel=channel, profile=profile, now=now).reference

    return store
