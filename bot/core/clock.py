"""The one source of time: the wall clock in production, a settable clock in tests.

Handlers read `turn.now`, background jobs get their `now` from the schedule, and storage
services take `now` as a keyword. Nothing else asks the machine what time it is. "Today" is
always today in the organisation's time zone, never the server's.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class Clock:
    """The wall clock, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self, zone: ZoneInfo) -> dt.date:
        """Today's date where the organisation is."""
        return self.now().astimezone(zone).date()


class SettableClock(Clock):
    """A clock that stands still until it is set or moved on: for tests and for planning ahead."""

    def __init__(self, at: dt.datetime) -> None:
        self._at = _aware(at)

    def now(self) -> dt.datetime:
        return self._at

    def set(self, at: dt.datetime) -> None:
        self._at = _aware(at)

    def advance(self, delta: dt.timedelta) -> None:
        self._at += delta


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("a clock keeps aware times: give the time zone")
    return at.astimezone(dt.UTC)
