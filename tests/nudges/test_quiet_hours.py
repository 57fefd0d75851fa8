"""Quiet hours: every proactive message to a person waits for working time; the IG team's 72-hour reminders do not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from bot.core.clock import SettableClock
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from nudge_world import train_everyone
from storage import directory, outbox
from storage.engine import session_scope
from workflows.incidents import reminders, report
from workflows.nudges.send import send_nudges

FRIDAY_EVENING = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
MONDAY_OPENING = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_a_draft_report_left_on_friday_afternoon_is_reminded_on_monday_morning(
        engine: Engine, profile: Profile, clock: SettableClock, chat_as) -> None:  # type: ignore[no-untyped-def]
    clock.set(FRIDAY_EVENING)
    sam = chat_as("sam.okafor@example.org")
    sam.say("report an incident")
    sam.say("2")
    late_at_night = FRIDAY_EVENING + dt.timedelta(hours=6)
    with session_scope(engine) as session:
        assert reminders.queue_draft_reminders(session=session, profile=profile, now=late_at_night) == 1
        [draft] = [m for m in outbox.get_all(session=session) if m.dedup_key.startswith("incident-draft:")]
    assert draft.next_attempt_at == MONDAY_OPENING


def test_the_ig_teams_deadline_reminders_go_at_once_at_night(engine: Engine, profile: Profile) -> None:
    said = {"text": "Sent to the wrong practice", "removed": []}
    answers = {"kind": "misdirected_email", "happened_at": "2026-11-27T14:00:00+00:00",
               "discovered_at": "2026-11-27T15:00:00+00:00", "data_kind": "personal", "vulnerable": "none",
               "people_affected": 1, "contained": "partly", "containment": said, "told": said, "description": said}
    with session_scope(engine) as session:
        reporter = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert reporter is not None
        reference = report.store(session=session, reporter=reporter, answers=answers, channel="slack",
                                 profile=profile, now=FRIDAY_EVENING).reference
    night = dt.datetime(2026, 11, 28, 15, 30, tzinfo=dt.UTC)  # a Saturday, 24 hours on
    with session_scope(engine) as session:
        assert reminders.queue_deadline_reminders(session=session, profile=profile, now=night) == 1
        message = outbox.get_by_key(session=session, dedup_key=f"incident-reminder:{reference}:24")
    assert message is not None and message.next_attempt_at == night


def test_nudges_are_queued_for_working_time(engine: Engine, profile: Profile) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={"jude.carrow@example.org": None})
    near_closing = dt.datetime(2026, 11, 30, 17, 29, tzinfo=dt.UTC)
    with session_scope(engine) as session:
        assert send_nudges(session=session, profile=profile, calendar=WorkingCalendar(profile),
                           now=near_closing).nudged == 1
        [nudge] = outbox.get_all(session=session)
    assert nudge.next_attempt_at == near_closing
