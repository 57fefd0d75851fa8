"""Reading what a person typed: dates and times in UK forms, numbers of people, and free text.

Every parser raises `InvalidAnswer` with a sentence that says what to type instead.
Free text goes through the identifier detector: only the redacted text is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from knowledge.identifiers import find_identifiers, redact
from workflows.incidents import wording

MAX_TEXT = 2000
MAX_PEOPLE = 70_000_000  # more than everyone in the UK is not a rough estimate but a typo
OLDEST_YEARS = 10
FUTURE_GRACE = dt.timedelta(minutes=5)


class InvalidAnswer(Exception):
    """An answer that cannot be used; the message says why and what to type instead."""


@dataclass(frozen=True)
class CleanText:
    text: str
    removed: tuple[str, ...]  # the kinds of identifier taken out, e.g. ("NHS number",)


def clean_text(raw: str, *, today: dt.date) -> CleanText:
    text = raw.strip()
    if not text:
        raise InvalidAnswer(wording.EMPTY_ANSWER)
    if len(text) > MAX_TEXT:
        raise InvalidAnswer(wording.TOO_LONG.format(limit=MAX_TEXT, length=len(text)))
    kinds = tuple(dict.fromkeys(finding.kind.value for finding in find_identifiers(text, today=today)))
    return CleanText(text=redact(text, today=today) if kinds else text, removed=kinds)


# --- numbers of people -------------------------------------------------------------------

_NUMBER_WORDS = {
    "none": 0, "nobody": 0, "no one": 0, "noone": 0, "zero": 0, "one": 1, "a person": 1, "two": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
_UNKNOWN = {"not sure", "unsure", "don't know", "dont know", "do not know", "unknown", "no idea", "?", "n/a"}
_HEDGES = re.compile(
    r"\b(about|around|roughly|approx(imately)?|approx\.|circa|c\.|maybe|perhaps|possibly|up to|at least|"
    r"over|more than|nearly|almost|under|less than|people|persons?|individuals|clients|patients|"
    r"service users|users|staff|records)\b|~"
)
_RANGE = re.compile(r"^(\d+)\s*(?:-|to|–)\s*(\d+)$")


People = int | list[int] | None  # a number, a range kept as [lowest, highest], or None for "not sure"


def parse_people(raw: str) -> People:
    """A rough number of people, a range such as "10-20" (kept as a range), or None for "not sure"."""
    text = raw.strip().lower()
    if text in _UNKNOWN:
        return None
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    text = _HEDGES.sub(" ", text).replace(",", "").strip()
    text = re.sub(r"\s+", " ", text)
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    range_match = _RANGE.match(text)
    if range_match:
        low, high = sorted((int(range_match.group(1)), int(range_match.group(2))))
        return [low, _checked_people(high)] if low != high else _checked_people(high)
    if re.fullmatch(r"-\s*\d+", text):
        raise InvalidAnswer(wording.PEOPLE_NEGATIVE)
    if re.fullmatch(r"\d+\.\d+", text):
        raise InvalidAnswer(wording.PEOPLE_WHOLE)
    if not (text.isascii() and text.isdigit()):
        raise InvalidAnswer(wording.PEOPLE_NOT_A_NUMBER)
    return _checked_people(int(text))


def most_people(value: People) -> int | None:
    """The number a grade is judged on: a range's highest end."""
    return value[-1] if isinstance(value, list) else value


def fewest_people(value: People) -> int | None:
    """A range's lowest end; None when the answer was a single number or not known."""
    return value[0] if isinstance(value, list) else None


def describe_people(most: int | None, fewest: int | None) -> str:
    if most is None:
        return "not sure"
    return f"{fewest:,} to {most:,}" if fewest is not None else f"{most:,}"


def _checked_people(count: int) -> int:
    if count > MAX_PEOPLE:
        raise InvalidAnswer(wording.PEOPLE_TOO_MANY.format(count=f"{count:,}"))
    return count


# --- dates and times ---------------------------------------------------------------------

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NOW = {"now", "just now", "right now", "a moment ago", "just"}
_AGO = re.compile(r"^(?P<count>\d+|an?|one)\s*(?P<unit>min(?:ute)?s?|h(?:ou)?rs?|hours?|days?)\s+ago$")
_NUMERIC_DATE = re.compile(
    r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b"
    r"|\b(?P<d2>\d{1,2})[.-](?P<m2>\d{1,2})[.-](?P<y2>\d{4}|\d{2})\b"
)
_NAMED_DATE = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?(?:\s+(?P<y>\d{4}))?\b"
)
_DAY_WORD = re.compile(r"\b(?P<word>today|yesterday|tomorrow|(?:last\s+)?(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\b")
_TIME = re.compile(
    r"\b(?:(?P<h12>\d{1,2})(?:[:.](?P<m12>[0-5]\d))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)"
    r"|(?P<h24>[01]?\d|2[0-3])[:.](?P<m24>[0-5]\d)(?::[0-5]\d)?"
    r"|(?P<word>noon|midday|midnight))(?![\w])"
)
_FILLER = re.compile(r"\b(at|on|around|about|approx(imately)?|roughly|the|in|of|last)\b|[,~]")


def parse_when(raw: str, *, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A moment typed by a person, read in the organisation's time zone; returned in UTC.

    Accepts "now", "today 14:30", "yesterday 9am", "Monday 16:00", "21/11/2026 16:00",
    "21 November 2026 4pm", "14:30" (today), "2 hours ago", ISO 8601 and Unix seconds
    (what form widgets send).
    """
    text = re.sub(r"\s+", " ", raw.strip().lower())
    if not text:
        raise InvalidAnswer(wording.WHEN_NOT_UNDERSTOOD)
    if text in _NOW:
        return now.astimezone(dt.UTC)
    moment = _relative(text, now) or _machine_time(text, zone) or _typed_time(text, now=now, zone=zone)
    return moment.astimezone(dt.UTC)


def check_past(moment: dt.datetime, *, now: dt.datetime, what: str) -> dt.datetime:
    """A moment must not be in the future (a few minutes' grace for slow typing) nor implausibly old."""
    if moment > now + FUTURE_GRACE:
        raise InvalidAnswer(wording.WHEN_IN_FUTURE.format(what=what))
    if moment < now - dt.timedelta(days=365 * OLDEST_YEARS):
        raise InvalidAnswer(wording.WHEN_TOO_OLD.format(years=OLDEST_YEARS))
    return min(moment, now)


def _relative(text: str, now: dt.datetime) -> dt.datetime | None:
    match = _AGO.match(text)
    if match is None:
        return None
    count_text = match.group("count")
    count = 1 if count_text in ("a", "an", "one") else int(count_text)
    unit = match.group("unit")
    delta = (dt.timedelta(minutes=count) if unit.startswith("min")
             else dt.timedelta(days=count) if unit.startswith("day") else dt.timedelta(hours=count))
    return now - delta


def _machine_time(text: str, zone: ZoneInfo) -> dt.datetime | None:
    if re.fullmatch(r"\d{9,11}", text):
        return dt.datetime.fromtimestamp(int(text), dt.UTC)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?", text):
        parsed = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return None


def _typed_time(text: str, *, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    today = now.astimezone(zone).date()
    day, rest = _take_date(text, today)
    clock, rest = _take_time(rest)
    if _FILLER.sub(" ", rest).strip():
        raise InvalidAnswer(wording.WHEN_NOT_UNDERSTOOD)
    if clock is None:
        raise InvalidAnswer(wording.WHEN_NEEDS_TIME)
    return dt.datetime.combine(day or today, clock, tzinfo=zone)


def _take_date(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    for pattern in (_NUMERIC_DATE, _NAMED_DATE, _DAY_WORD):
        match = pattern.search(text)
        if match is not None:
            rest = text[: match.start()] + " " + text[match.end():]
            return _date_from(match, today), rest
    return None, text


def _date_from(match: re.Match[str], today: dt.date) -> dt.date:
    groups = {name: value for name, value in match.groupdict().items() if value is not None}
    if "word" in groups:
        word = groups["word"].removeprefix("last").strip()
        if word == "today":
            return today
        if word == "yesterday":
            return today - dt.timedelta(days=1)
        if word == "tomorrow":
            return today + dt.timedelta(days=1)
        back = (today.weekday() - _WEEKDAYS.index(word[:3])) % 7
        return today - dt.timedelta(days=back)
    day = int(groups.get("d") or groups["d2"])
    month = _MONTHS[groups["month"][:3]] if "month" in groups else int(groups.get("m") or groups["m2"])
    year_text = groups.get("y") or groups.get("y2")
    year = today.year if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidAnswer(wording.WHEN_NO_SUCH_DATE) from None


def _take_time(text: str) -> tuple[dt.time | None, str]:
    match = _TIME.search(text)
    if match is None:
        return None, text
    rest = text[: match.start()] + " " + text[match.end():]
    groups = match.groupdict()
    if groups["word"]:
        return (dt.time(0, 0) if groups["word"] == "midnight" else dt.time(12, 0)), rest
    if groups["h24"] is not None:
        return dt.time(int(groups["h24"]), int(groups["m24"])), rest
    hour = int(groups["h12"])
    if not 1 <= hour <= 12:
        raise InvalidAnswer(wording.WHEN_NOT_UNDERSTOOD)
    hour = hour % 12 + (12 if groups["ampm"].startswith("p") else 0)
    return dt.time(hour, int(groups["m12"] or 0)), rest
