"""The 72-hour clock: when a reportable breach must reach the ICO, and how long is left.

UK GDPR Art. 33: within 72 hours of becoming aware, weekends and bank holidays included.
The arithmetic is done on aware UTC datetimes, so the deadline is 72 real hours even when
the clocks change; it is shown in the organisation's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ReportingDeadline:
    aware_at: dt.datetime
    due_at: dt.datetime

    @classmethod
    def from_awareness(cls, aware_at: dt.datetime, *, hours: int) -> ReportingDeadline:
        if aware_at.tzinfo is None:
            raise ValueError("the time of awareness must carry its time zone")
        aware_utc = aware_at.astimezone(dt.UTC)
        return cls(aware_at=aware_utc, due_at=aware_utc + dt.timedelta(hours=hours))

    def time_left(self, now: dt.datetime) -> dt.timedelta:
        return self.due_at - now.astimezone(dt.UTC)

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.time_left(now) <= dt.timedelta(0)

    def describe_left(self, now: dt.datetime) -> str:
        """'2 days 5 hours left', '40 minutes left', 'overdue by 3 hours'."""
        left = self.time_left(now)
        if left <= dt.timedelta(0):
            return f"overdue by {describe_duration(-left)}"
        return f"{describe_duration(left)} left"

    def describe(self, now: dt.datetime, zone: ZoneInfo) -> str:
        """'Tuesday 27 October 2026 at 09:00 GMT (2 days 5 hours left)'."""
        return f"{local_time(self.due_at, zone)} ({self.describe_left(now)})"


def describe_duration(delta: dt.timedelta) -> str:
    """Whole days and hours, or minutes under an hour, rounded down: '2 days 5 hours', '1 hour', '12 minutes'."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days == 0 and hours == 0:
        return _plural(max(minutes, 1) if delta > dt.timedelta(0) else 0, "minute")
    parts = [_plural(days, "day")] if days else []
    if hours:
        parts.append(_plural(hours, "hour"))
    return " ".join(parts)


def local_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'Tuesday 27 October 2026 at 09:00 GMT' in the organisation's time zone."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} {local.tzname()}"


def short_local_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'27 Oct 2026 09:00 GMT', for lists and summaries."""
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
