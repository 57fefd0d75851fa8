"""The rules, from the profile: training states across month ends and leap years; records late in calendar or
working hours, across British Summer Time changes, weekends and bank holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage.training import TrainingState
from workflows.nudges.rules import late_record, training_status, write_up_due

LONDON = ZoneInfo("Europe/London")


def london(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]  # year, month, day, hour, minute


@pytest.mark.parametrize(("completed_on", "today", "state", "valid_until"), [
    # month ends: 31 January plus 12 months is 31 January; due soon 30 days before
    (dt.date(2026, 1, 31), dt.date(2026, 12, 31), TrainingState.CURRENT, dt.date(2027, 1, 31)),
    (dt.date(2026, 1, 31), dt.date(2027, 1, 1), TrainingState.DUE_SOON, dt.date(2027, 1, 31)),
    (dt.date(2026, 1, 31), dt.date(2027, 1, 31), TrainingState.OVERDUE, dt.date(2027, 1, 31)),
    # a leap day: valid until the last day of next February
    (dt.date(2024, 2, 29), dt.date(2025, 1, 28), TrainingState.CURRENT, dt.date(2025, 2, 28)),
    (dt.date(2024, 2, 29), dt.date(2025, 1, 29), TrainingState.DUE_SOON, dt.date(2025, 2, 28)),
    (dt.date(2024, 2, 29), dt.date(2025, 2, 28), TrainingState.OVERDUE, dt.date(2025, 2, 28)),
    # in a leap year the 30 days before 28 February start on 29 January, and March's on 1 March
    (dt.date(2027, 2, 28), dt.date(2028, 1, 29), TrainingState.DUE_SOON, dt.date(2028, 2, 28)),
    (dt.date(2027, 2, 28), dt.date(2028, 1, 28), TrainingState.CURRENT, dt.date(2028, 2, 28)),
    (dt.date(2027, 3, 31), dt.date(2028, 3, 1), TrainingState.DUE_SOON, dt.date(2028, 3, 31)),
    (None, dt.date(2026, 11, 23), TrainingState.NEVER, None),
])
def test_training_is_current_due_soon_overdue_or_never(profile: Profile, completed_on: dt.date | None,
                                                         today: dt.date, state: TrainingState,
                                                         valid_until: dt.date | None) -> None:
    status = training_status(completed_on, profile=profile, today=today)
    assert (status.state, status.valid_until) == (state, valid_until)


def test_due_soon_is_a_profile_setting(profile: Profile) -> None:
    week = profile.model_copy(update={"training": profile.training.model_copy(update={"due_soon_days": 7})})
    completed = dt.date(2025, 12, 10)
    assert training_status(completed, profile=week, today=dt.date(2026, 12, 2)).state is TrainingState.CURRENT
    assert training_status(completed, profile=week, today=dt.date(2026, 12, 3)).state is TrainingState.DUE_SOON


def _counted_in(profile: Profile, counted_in: str) -> Profile:
    return profile.model_copy(update={"records": profile.records.model_copy(update={"counted_in": counted_in})})


@pytest.mark.parametrize(("contacted", "due"), [
    # 48 real hours, across the clocks going forward (29 March 2026) and back (25 October 2026)
    (london(2026, 3, 28, 12, 0), london(2026, 3, 30, 13, 0)),
    (london(2026, 10, 24, 12, 0), london(2026, 10, 26, 11, 0)),
    (london(2026, 11, 20, 16, 0), london(2026, 11, 22, 16, 0)),
])
def test_in_calendar_hours_the_window_is_48_real_hours(profile: Profile, contacted: dt.datetime,
                                                        due: dt.datetime) -> None:
    calendar = WorkingCalendar(profile)
    assert write_up_due(contacted, profile=_counted_in(profile, "calendar_hours"), calendar=calendar) == due


@pytest.mark.parametrize(("contacted", "due"), [
    # 09:00-17:30 is 8.5 hours a day: 48 hours is 5 days and 5.5 hours
    (london(2026, 11, 23, 9, 0), london(2026, 11, 30, 14, 30)),  # Monday to the next Monday, over a weekend
    (london(2026, 11, 20, 20, 0), london(2026, 11, 30, 14, 30)),  # Friday night counts from Monday 09:00
    (london(2026, 11, 21, 11, 0), london(2026, 11, 30, 14, 30)),  # so does Saturday
    # Christmas: Friday 25 December, Boxing Day on Monday 28 December and New Year's Day are bank holidays
    (london(2026, 12, 23, 17, 0), london(2027, 1, 5, 14, 0)),
    # across the clocks going forward: working hours are local hours
    (london(2026, 3, 26, 9, 0), london(2026, 4, 2, 14, 30)),
])
def test_in_working_hours_nights_weekends_and_bank_holidays_do_not_count(
        profile: Profile, contacted: dt.datetime, due: dt.datetime) -> None:
    calendar = WorkingCalendar(profile)
    assert write_up_due(contacted, profile=_counted_in(profile, "working_hours"), calendar=calendar) == due


def test_a_record_is_late_only_once_its_window_has_passed_without_a_write_up(profile: Profile) -> None:
    calendar = WorkingCalendar(profile)
    contacted = london(2026, 11, 20, 16, 0)
    due = london(2026, 11, 22, 16, 0)
    assert late_record("R-1", contacted, None, profile=profile, calendar=calendar,
                       now=due - dt.timedelta(seconds=1)) is None
    late = late_record("R-1", contacted, None, profile=profile, calendar=calendar, now=due)
    assert late is not None and late.due_at == due
    assert late_record("R-1", contacted, london(2026, 11, 23, 9, 0), profile=profile, calendar=calendar,
                       now=due + dt.timedelta(days=3)) is None
