"""Weekly digests: each manager's team against the target, who is overdue and since when, late records by worker,
who igbot cannot reach; the organisation, its 12-week trend and the teams furthest behind for the IG officer."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import Engine

from bot.core import outbox as replies_outbox
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from moments import MONDAY_MORNING
from nudge_world import add_record, set_employment, staff_id, train_everyone
from storage import directory, outbox
from storage.engine import session_scope
from storage.training import TrainingRecord
from workflows.digests import JOB
from workflows.digests.send import send_digests

SAM, JUDE, RACHEL = "sam.okafor@example.org", "jude.carrow@example.org", "rachel.dunmore@example.org"
HARBOUR = ("sam.okafor", "tomasz.wierzba", "aisha.qureshi", "connor.blaise", "mei.lindqvist", "dev.ramaswamy")


def world(engine: Engine, profile: Profile) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 10, 1), but={SAM: dt.date(2025, 11, 1), JUDE: None})
    with session_scope(engine) as session:  # twelve weeks ago only Tomasz and Sam were in date
        session.add(TrainingRecord(staff_id=staff_id(engine, "tomasz.wierzba@example.org"),
                                   course=profile.training.name, completed_on=dt.date(2025, 10, 15),
                                   recorded_at=MONDAY_MORNING))
        for number, prefix in enumerate(HARBOUR[1:]):
            member = directory.get_by_email(session=session, email=f"{prefix}@example.org")
            assert member is not None
            member.slack_user_id = f"U{number:05d}"
    add_record(engine, SAM, "R-1001", dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC))
    add_record(engine, SAM, "R-1002", dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))
    set_employment(engine, "fern.achterberg@example.org", left_on=dt.date(2026, 10, 31))


def digest(engine: Engine, key_start: str) -> str:
    with session_scope(engine) as session:
        [message] = [m for m in outbox.get_all(session=session) if m.dedup_key.startswith(key_start)]
        [reply] = replies_outbox.replies_of(message)
        return f"{reply.title}\n{reply.text}"


def run(engine: Engine, profile: Profile, now: dt.datetime = MONDAY_MORNING) -> int:
    with session_scope(engine) as session:
        return send_digests(session=session, profile=profile, calendar=WorkingCalendar(profile), now=now)


def test_each_manager_hears_about_their_own_team(engine: Engine, profile: Profile) -> None:
    world(engine, profile)
    assert run(engine, profile) == 6  # five managers with teams, and Harriet the IG officer
    text = digest(engine, f"digest:manager:{staff_id(engine, RACHEL)}:")
    assert text.splitlines() == [
        "Your team's IG week, 23 November 2026",
        "*Training:* 5 of 6 trained in the last year (83%, target 95%): below target.",
        "*Training overdue:*",
        "- Sam Okafor: overdue since 1 November 2026",
        "*Records not written up within 48 hours:*",
        "- Sam Okafor: 2 records (R-1001, R-1002)",
        "*I can't reach these people on Slack or Teams, so they get no reminders from me:*",
        "- Sam Okafor",
    ], "Fern has left, so she is not counted"
    riverside = digest(engine, f"digest:manager:{staff_id(engine, 'priya.venkatesan@example.org')}:")
    assert "- Jude Carrow: never completed" in riverside
    assert run(engine, profile) == 0, "each digest once a week, whoever runs the job again"


def test_the_ig_officer_sees_the_organisation_its_trend_and_the_teams_furthest_behind(engine: Engine,
                                                                                      profile: Profile) -> None:
    world(engine, profile)
    run(engine, profile)
    lines = digest(engine, f"digest:ig:{staff_id(engine, 'harriet.osei@example.org')}:").splitlines()
    assert lines[0] == "The organisation's IG week, 23 November 2026"
    assert lines[1] == "*Training:* 27 of 29 staff trained in the last year (93%, target 95%): below target."
    assert lines[2] == ("*Trend over 12 weeks:* 7% → 7% → 7% → 7% → 97% → 97% → 97% → 97% → 93% → 93% → 93% → 93%"), \
        "Sam and Tomasz were in date in September, everyone but Jude trained on 1 October, Sam ran out on 1 November"
    assert lines[3:6] == ["*Teams furthest behind:*", "- Harbour Recovery: 86% (6 of 7)",
                          "- Riverside Housing Support: 88% (7 of 8)"]
    assert lines[-1] == ("*Records late:* 2. *Staff igbot cannot reach:* 24. "
                         "*Messages igbot gave up delivering this week:* 0.")


def test_the_weekly_job_runs_on_the_profiles_day_and_time(engine: Engine, profile: Profile,
                                                          conversation: Conversation) -> None:
    world(engine, profile)
    schedule = conversation.schedule
    assert JOB not in asyncio.run(schedule.run_due(dt.datetime(2026, 11, 23, 8, 59, tzinfo=dt.UTC)))
    assert JOB in asyncio.run(schedule.run_due(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)))
    assert JOB not in asyncio.run(schedule.run_due(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)))
