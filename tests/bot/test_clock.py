"""One clock: today is the organisation's today, and a settable clock only moves when told."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import SettableClock

LONDON = ZoneInfo("Europe/London")


def test_today_is_the_date_where_the_organisation_is() -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (British Summer Time)
    summer_night = SettableClock(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC))
    assert summer_night.today(LONDON) == dt.date(2026, 7, 2)
    # in winter London is on UTC, so the same time is still 1 December
    winter_night = SettableClock(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC))
    assert winter_night.today(LONDON) == dt.date(2026, 12, 1)


def test_a_settable_clock_stands_still_until_it_is_moved() -> None:
    clock = SettableClock(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))
    assert clock.now() == clock.now() == dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    clock.advance(dt.timedelta(hours=72))
    assert clock.now() == dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
    clock.set(dt.datetime(2027, 3, 28, 2, 0, tzinfo=LONDON))
    assert clock.now().tzinfo == dt.UTC


def test_a_clock_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        SettableClock(dt.datetime(2026, 11, 23, 10, 0))
