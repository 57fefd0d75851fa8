"""Reading what people type: UK dates and times in London time, rough numbers, and free text with identifiers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from workflows.incidents.answers import InvalidAnswer, check_past, clean_text, parse_people, parse_when

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)  # Monday 23 November 2026, 10:00 GMT
SUMMER_NOW = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)  # Wednesday 15 July 2026, 13:00 BST

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(("typed", "utc"), [
    ("now", NOW),
    ("today 09:15", dt.datetime(2026, 11, 23, 9, 15)),
    ("Today at 9.15am", dt.datetime(2026, 11, 23, 9, 15)),
    ("yesterday 9am", dt.datetime(2026, 11, 22, 9, 0)),
    ("9pm yesterday", dt.datetime(2026, 11, 22, 21, 0)),
    ("21/11/2026 16:00", dt.datetime(2026, 11, 21, 16, 0)),
    ("21/11/26 4pm", dt.datetime(2026, 11, 21, 16, 0)),
    ("21.11.2026 16.00", dt.datetime(2026, 11, 21, 16, 0)),
    ("21 November 2026 at 4:30 pm", dt.datetime(2026, 11, 21, 16, 30)),
    ("3rd Nov 14:00", dt.datetime(2026, 11, 3, 14, 0)),
    ("Friday 17:45", dt.datetime(2026, 11, 20, 17, 45)),
    ("last saturday noon", dt.datetime(2026, 11, 21, 12, 0)),
    ("08:30", dt.datetime(2026, 11, 23, 8, 30)),
    ("2 hours ago", dt.datetime(2026, 11, 23, 8, 0)),
    ("2026-11-21T16:00", dt.datetime(2026, 11, 21, 16, 0)),
    ("2026-11-21T16:00:00+00:00", dt.datetime(2026, 11, 21, 16, 0)),
    ("1795968000", dt.datetime(2026, 11, 29, 16, 0)),  # Unix seconds, as a form's date-time picker sends
])
def test_common_uk_forms_are_read_in_london_time(typed: str, utc: dt.datetime) -> None:
    expected = utc if utc.tzinfo else utc.replace(tzinfo=dt.UTC)
    assert parse_when(typed, now=NOW, zone=LONDON) == expected


def test_summer_times_are_british_summer_time() -> None:
    assert parse_when("today 9am", now=SUMMER_NOW, zone=LONDON) == dt.datetime(2026, 7, 15, 8, 0, tzinfo=dt.UTC)
    assert parse_when("2026-07-14T16:00", now=SUMMER_NOW, zone=LONDON) == dt.datetime(2026, 7, 14, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("typed", "says"), [
    ("sometime last week", "couldn't read that"),
    ("21/11/2026", "add a rough time"),
    ("yesterday", "add a rough time"),
    ("31/02/2026 10:00", "doesn't exist"),
    ("13pm", "couldn't read that"),
    ("", "couldn't read that"),
])
def test_unreadable_times_say_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(InvalidAnswer, match=says):
        parse_when(typed, now=NOW, zone=LONDON)


def test_the_future_and_the_distant_past_are_refused() -> None:
    tomorrow = parse_when("24/11/2026 09:00", now=NOW, zone=LONDON)
    with pytest.raises(InvalidAnswer, match="in the future"):
        check_past(tomorrow, now=NOW, what="it happened")
    with pytest.raises(InvalidAnswer, match="check the year"):
        check_past(parse_when("21/11/2006 09:00", now=NOW, zone=LONDON), now=NOW, what="it happened")
    two_minutes_ahead = NOW + dt.timedelta(minutes=2)
    assert check_past(two_minutes_ahead, now=NOW, what="it happened") == NOW


@pytest.mark.parametrize(("typed", "count"), [
    ("12", 12), ("about 12", 12), ("roughly 1,200 people", 1200), ("10-20", [10, 20]), ("10 to 20", [10, 20]),
    ("20-10", [10, 20]), ("5-5", 5),
    ("one", 1), ("nobody", 0), ("not sure", None), ("Don't know", None), ("~40 clients", 40),
])
def test_rough_numbers_of_people(typed: str, count: int | list[int] | None) -> None:
    assert parse_people(typed) == count


@pytest.mark.parametrize(("typed", "says"), [
    ("-3", "can't be negative"), ("2.5", "whole number"), ("lots", "couldn't read"), ("900000000", "check the number"),
])
def test_impossible_numbers_are_refused(typed: str, says: str) -> None:
    with pytest.raises(InvalidAnswer, match=says):
        parse_people(typed)


def test_free_text_keeps_only_the_redacted_text() -> None:
    cleaned = clean_text("Letter for JB (NHS 943 476 5919, 07700 900123) went to jo.bloggs@example.com", today=TODAY)
    assert "943 476 5919" not in cleaned.text and "07700 900123" not in cleaned.text
    assert "jo.bloggs@example.com" not in cleaned.text
    assert cleaned.text.startswith("Letter for JB")
    assert set(cleaned.removed) == {"NHS number", "phone number", "email address"}
    assert clean_text("  Sent to the wrong team  ", today=TODAY).removed == ()


def test_empty_and_overlong_text_is_refused() -> None:
    with pytest.raises(InvalidAnswer, match="type an answer"):
        clean_text("   ", today=TODAY)
    with pytest.raises(InvalidAnswer, match="under 2000"):
        clean_text("x" * 2001, today=TODAY)
