"""Working time: the organisation's working days and hours, less bank holidays and its own closure days.

Bank holidays come from the `holidays` library for the profile's region (England and Wales,
Scotland or Northern Ireland); the profile adds the organisation's own closure days. Anything
igbot sends that is not a reply waits for working time.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import holidays

from bot.core.profile import REGION_SUBDIVISIONS, WEEKDAYS, Profile

# Far enough ahead for any wait: past it, something is wrong with the profile (no working day at all).
_LONGEST_SEARCH_DAYS = 366


class WorkingCalendar:
    def __init__(self, profile: Profile) -> None:
        hours = profile.working_hours
        self.zone = hours.zone
        self.opens, self.closes = hours.opens, hours.closes
        self._weekdays = frozenset(WEEKDAYS.index(day) for day in hours.days)
        self._region = REGION_SUBDIVISIONS[hours.region]
        self._closures = profile.closure_days

    @cached_property
    def _bank_holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("GB", subdiv=self._region)  # fills in each year as it is asked about

    def is_bank_holiday(self, day: dt.date) -> bool:
        return day in self._bank_holidays

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self._weekdays and not self.is_bank_holiday(day) and day not in self._closures

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.astimezone(self.zone)

    def is_working_time(self, at: dt.datetime) -> bool:
        local = self.local(at)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_working_time(self, at: dt.datetime) -> dt.datetime:
        """`at` itself when it is working time, otherwise the next opening (in UTC)."""
        if self.is_working_time(at):
            return at
        local = self.local(at)
        day = local.date() if local.time() < self.opens else local.date() + dt.timedelta(days=1)
        for _ in range(_LONGEST_SEARCH_DAYS):
            if self.is_working_day(day):
                return dt.datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(dt.UTC)
            day += dt.timedelta(days=1)
        raise ValueError("the profile's working hours leave no working day in a year")

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The working day `count` working days after `day` (count >= 1)."""
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            remaining -= self.is_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`."""
        return sum(self.is_working_day(start + dt.timedelta(days=offset))
                   for offset in range(1, (end - start).days + 1))

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` of working time have passed since `start` (in UTC): a write-up window counted in working hours.

        Time before opening, after closing, at weekends, on bank holidays and closure days does not count.
        """
        remaining = dt.timedelta(hours=hours)
        at = self.next_working_time(start).astimezone(dt.UTC)
        while True:
            closing = dt.datetime.combine(self.local(at).date(), self.closes, tzinfo=self.zone).astimezone(dt.UTC)
            if remaining <= closing - at:
                return at + remaining
            remaining -= closing - at
            at = self.next_working_time(closing)
