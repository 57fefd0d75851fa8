"""Working time from the profile: days and hours in the organisation's zone, bank holidays by region, closures."""

import datetime as dt
from zoneinfo import ZoneInfo

from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar

LONDON = ZoneInfo("Europe/London")


def _calendar(profile: Profile, **working_hours: object) -> WorkingCalendar:
    raw = profile.model_dump()
    raw["working_hours"].update(working_hours)
    return WorkingCalendar(Profile.model_validate(raw))


def test_working_time_is_read_in_the_organisations_zone_across_the_clock_change(profile: Profile) -> None:
    calendar = WorkingCalendar(profile)
    # 08:30 UTC is 09:30 in London in summer (open) but 08:30 in winter (not yet open)
    assert calendar.is_working_time(dt.datetime(2026, 7, 15, 8, 30, tzinfo=dt.UTC))
    assert not calendar.is_working_time(dt.datetime(2026, 12, 9, 8, 30, tzinfo=dt.UTC))
    # Friday evening waits for Monday morning, 09:00 London
    friday_evening = dt.datetime(2026, 11, 27, 18, 0, tzinfo=LONDON)
    assert calendar.next_working_time(friday_evening) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


def test_bank_holidays_come_from_the_region_and_closure_days_from_the_profile(profile: Profile) -> None:
    england = WorkingCalendar(profile)
    scotland = _calendar(profile, region="scotland", closure_days=[dt.date(2027, 1, 5)])
    second_of_january = dt.date(2027, 1, 4)  # 2 January 2027 falls on a Saturday: Scotland's holiday moves to Monday
    assert not england.is_bank_holiday(second_of_january) and scotland.is_bank_holiday(second_of_january)
    assert not scotland.is_working_day(dt.date(2027, 1, 5)), "the organisation's own closure day"
    assert england.is_working_day(dt.date(2027, 1, 5))
    # Christmas 2026 falls on a Friday and Boxing Day on Saturday, so Monday 28 December is a holiday too
    assert england.add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)


def test_the_old_bank_holidays_list_still_loads_and_is_named_as_deprecated(profile: Profile) -> None:
    raw = profile.model_dump()
    raw["bank_holidays"] = [dt.date(2027, 6, 14)]
    old = Profile.model_validate(raw)
    assert not WorkingCalendar(old).is_working_day(dt.date(2027, 6, 14))
    assert old.deprecations() and "working_hours.region" in old.deprecations()[0]
    assert profile.deprecations() == []
