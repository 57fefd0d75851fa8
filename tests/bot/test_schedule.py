"""The schedule features register into: calendar slots run once across workers, never on a closed day."""

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot.core.profile import Profile
from bot.core.schedule import Schedule
from bot.core.working_time import WorkingCalendar
from storage import schedule as claims
from storage.engine import session_scope

LONDON = ZoneInfo("Europe/London")
WEEKLY = "0 9 * * mon"  # Mondays 09:00 in the organisation's time zone


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _weekly(engine: Engine, profile: Profile, ran: list[dt.datetime]) -> Schedule:
    """A worker's schedule with one weekly job that records when it ran."""
    schedule = Schedule(engine=engine, calendar=WorkingCalendar(profile))

    async def digest(now: dt.datetime) -> None:
        ran.append(now)

    schedule.at("weekly-digest", WEEKLY, digest)
    return schedule


async def test_two_workers_run_each_weekly_slot_once(engine: Engine, profile: Profile) -> None:
    ran: list[dt.datetime] = []
    first, second = _weekly(engine, profile, ran), _weekly(engine, profile, ran)
    monday = dt.date(2026, 11, 23)
    for moment in (_at(monday, 8, 59), _at(monday, 9, 0), _at(monday, 9, 1), _at(monday, 15, 0)):
        await asyncio.gather(first.run_due(moment), second.run_due(moment))
    assert ran == [_at(monday, 9, 0)], "once, at the slot, by one of the two"
    next_monday = monday + dt.timedelta(days=7)
    await asyncio.gather(first.run_due(_at(next_monday, 9, 0)), second.run_due(_at(next_monday, 9, 0)))
    assert len(ran) == 2
    with session_scope(engine) as session:
        assert claims.finished(session=session, job="weekly-digest") == [_at(monday, 9, 0), _at(next_monday, 9, 0)]


async def test_a_weekly_job_skips_a_bank_holiday_monday(engine: Engine, profile: Profile) -> None:
    calendar = WorkingCalendar(profile)
    may_day = dt.date(2027, 5, 3)  # the early May bank holiday in England and Wales, from the holidays library
    assert may_day.weekday() == 0 and calendar.is_bank_holiday(may_day)
    ran: list[dt.datetime] = []
    schedule = _weekly(engine, profile, ran)
    await schedule.run_due(_at(may_day, 8, 0))
    await schedule.run_due(_at(may_day, 9, 0))
    await schedule.run_due(_at(may_day + dt.timedelta(days=7), 9, 0))
    assert ran == [_at(may_day + dt.timedelta(days=7), 9, 0)]


async def test_a_slot_missed_while_no_worker_ran_is_caught_up_once(engine: Engine, profile: Profile) -> None:
    ran: list[dt.datetime] = []
    schedule = _weekly(engine, profile, ran)
    monday = dt.date(2026, 11, 30)
    await schedule.run_due(_at(monday, 10, 30))  # started after a deploy that spanned 09:00
    await schedule.run_due(_at(monday, 10, 31))
    assert ran == [_at(monday, 10, 30)]


async def test_a_failed_slot_is_given_back_and_tried_again(engine: Engine, profile: Profile) -> None:
    attempts: list[dt.datetime] = []
    schedule = Schedule(engine=engine, calendar=WorkingCalendar(profile))

    async def flaky(now: dt.datetime) -> None:
        attempts.append(now)
        if len(attempts) == 1:
            raise RuntimeError("the digest could not be built")

    schedule.at("weekly-digest", WEEKLY, flaky)
    monday = dt.date(2026, 11, 23)
    assert await schedule.run_due(_at(monday, 9, 0)) == []
    assert await schedule.run_due(_at(monday, 9, 0)) == [], "not straight away"
    assert await schedule.run_due(_at(monday, 9, 2)) == ["weekly-digest"]
    assert await schedule.run_due(_at(monday, 9, 5)) == []
    assert len(attempts) == 2


def test_a_bad_cron_expression_is_refused_in_one_sentence(engine: Engine, profile: Profile) -> None:
    schedule = Schedule(engine=engine, calendar=WorkingCalendar(profile))

    async def job(now: dt.datetime) -> None:
        return None

    with pytest.raises(ValueError, match="is not a cron expression"):
        schedule.at("digest", "every monday", job)
    schedule.every("deliver", dt.timedelta(seconds=10), job)
    with pytest.raises(ValueError, match="already scheduled"):
        schedule.every("deliver", dt.timedelta(seconds=10), job)
