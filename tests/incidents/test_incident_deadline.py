"""The 72-hour clock: 72 real hours from awareness, weekends included, across the clock changes,
shown in London time with the time left."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from workflows.incidents.deadline import ReportingDeadline, describe_duration

LONDON = ZoneInfo("Europe/London")


def _london(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)


CASES = [
    # aware (London) -> due (London), as a person reads it
    (_london(2026, 11, 20, 16, 30), "Monday 23 November 2026 at 16:30 GMT"),  # Friday afternoon: over the weekend
    (_london(2026, 11, 21, 9, 0), "Tuesday 24 November 2026 at 09:00 GMT"),   # a Saturday counts
    # clocks go back at 02:00 BST on Sunday 25 October 2026: 72 real hours end an hour "earlier"
    (_london(2026, 10, 24, 10, 0), "Tuesday 27 October 2026 at 09:00 GMT"),
    # clocks go forward at 01:00 GMT on Sunday 29 March 2026: 72 real hours end an hour "later"
    (_london(2026, 3, 28, 10, 0), "Tuesday 31 March 2026 at 11:00 BST"),
    (_london(2027, 3, 27, 23, 30), "Wednesday 31 March 2027 at 00:30 BST"),  # 28 March 2027: past midnight
]


@pytest.mark.parametrize(("aware", "due"), CASES)
def test_the_deadline_is_72_real_hours_after_awareness(aware: dt.datetime, due: str) -> None:
    deadline = ReportingDeadline.from_awareness(aware, hours=72)
    assert deadline.due_at - deadline.aware_at == dt.timedelta(hours=72)
    assert deadline.due_at.tzinfo is dt.UTC
    assert deadline.describe(aware, LONDON).startswith(due)


def test_across_the_autumn_change_the_wall_clock_shows_71_hours() -> None:
    deadline = ReportingDeadline.from_awareness(_london(2026, 10, 24, 10, 0), hours=72)
    assert deadline.due_at == dt.datetime(2026, 10, 27, 9, 0, tzinfo=dt.UTC)
    wall_clock = deadline.due_at.astimezone(LONDON).replace(tzinfo=None) - dt.datetime(2026, 10, 24, 10, 0)
    assert wall_clock == dt.timedelta(hours=71)


def test_time_left_and_overdue_read_naturally() -> None:
    deadline = ReportingDeadline.from_awareness(_london(2026, 11, 20, 16, 30), hours=72)
    assert deadline.describe_left(_london(2026, 11, 21, 11, 30)) == "2 days 5 hours left"
    assert deadline.describe_left(_london(2026, 11, 23, 15, 50)) == "40 minutes left"
    assert deadline.describe_left(_london(2026, 11, 23, 19, 45)) == "overdue by 3 hours"
    assert deadline.is_overdue(_london(2026, 11, 23, 16, 30))
    assert not deadline.is_overdue(_london(2026, 11, 23, 16, 29))


@pytest.mark.parametrize(("delta", "text"), [
    (dt.timedelta(days=1), "1 day"),
    (dt.timedelta(days=2, hours=1, minutes=59), "2 days 1 hour"),
    (dt.timedelta(hours=5, minutes=30), "5 hours"),
    (dt.timedelta(seconds=20), "1 minute"),
])
def test_durations_are_rounded_down_to_what_matters(delta: dt.timedelta, text: str) -> None:
    assert describe_duration(delta) == text


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        ReportingDeadline.from_awareness(dt.datetime(2026, 11, 20, 16, 30), hours=72)
