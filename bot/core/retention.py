"""The profile's retention section: how long igbot keeps each kind of record, as "90 days" or "10 years".

Periods are checked for sense when the profile loads (`igbot profile check`): one that cannot be
read, of nothing, of more than a century, or too short for what the record is for, is named.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

_PERIOD = re.compile(r"^\s*(\d{1,6})\s+(day|week|month|year)s?\s*$", re.IGNORECASE)
_DAYS_IN = {"day": 1, "week": 7, "month": 30, "year": 365}  # for comparing periods only; cut-offs use the calendar
LONGEST_KEPT = 100  # years: longer than this is a typing mistake, not a retention period


@dataclass(frozen=True)
class Period:
    """A retention period as the profile says it ("90 days", "6 months", "10 years")."""

    amount: int
    unit: Literal["day", "week", "month", "year"]

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    @property
    def approximate_days(self) -> int:
        return self.amount * _DAYS_IN[self.unit]

    def before(self, moment: dt.datetime) -> dt.datetime:
        """The moment this period before `moment`, by the calendar (a month before 31 March is 28 or 29 February)."""
        if self.unit in ("day", "week"):
            return moment - dt.timedelta(days=self.approximate_days)
        months = self.amount * (12 if self.unit == "year" else 1)
        year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)


def _period(value: object) -> object:
    if isinstance(value, Period):
        return value
    match = _PERIOD.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a period such as '90 days', '6 months' or '10 years'")
    period = Period(int(match.group(1)), match.group(2).lower())  # type: ignore[arg-type]  # the pattern allows only these
    if period.amount < 1:
        raise ValueError("must be at least 1 day: a period of nothing would delete records as they are made")
    if period.approximate_days > LONGEST_KEPT * 365:
        raise ValueError(f"{period} is longer than any record is kept (at most {LONGEST_KEPT} years)")
    return period


RetentionPeriod = Annotated[Period, BeforeValidator(_period), PlainSerializer(str)]
TRANSCRIPTS_DEPRECATED = (
    "retention.transcripts_days is no longer used: igbot keeps no transcripts, only the metadata of each "
    "message, kept for retention.message_log. Delete transcripts_days."
)
DECLINED_QUESTIONS_DEPRECATED = (
    "retention.declined_questions_days is now retention.knowledge_gaps, a period such as '365 days'. "
    "Its value is used until you replace it."
)


class Retention(BaseModel):
    """How long igbot keeps what it stores; the daily retention job deletes what is older.

    The defaults, and the Records Management Code of Practice 2023 entries they follow, are
    explained in bot/profiles/example.yaml and the README.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Unfinished conversations (an incident report begun and left): counted from the last answer.
    conversation_state: RetentionPeriod = Period(90, "day")
    # Who wrote when, on which channel (never what they wrote).
    message_log: RetentionPeriod = Period(6, "month")
    # Questions the knowledge base could not answer, and feedback; a question still waiting for the IG team stays.
    knowledge_gaps: RetentionPeriod = Period(1, "year")
    # Closed incidents, counted from closure; an incident that is not closed is never deleted.
    incidents: RetentionPeriod = Period(10, "year")
    # Closed incidents that were reported to the ICO (the serious ones).
    reported_incidents: RetentionPeriod = Period(20, "year")
    # Recorded sharing decisions ("Can I share this?" and the other trees).
    decisions: RetentionPeriod = Period(8, "year")
    # Deprecated: see TRANSCRIPTS_DEPRECATED and DECLINED_QUESTIONS_DEPRECATED.
    transcripts_days: int | None = Field(default=None, ge=1)
    declined_questions_days: int | None = Field(default=None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("declined_questions_days") and "knowledge_gaps" not in data:
            return {**data, "knowledge_gaps": f"{data['declined_questions_days']} days"}
        return data

    @model_validator(mode="after")
    def _sensible(self) -> Retention:
        least = {
            "conversation_state": (Period(7, "day"), "an unfinished report must outlast a long weekend"),
            "message_log": (Period(7, "day"), "it is how a message delivered twice is recognised"),
            "incidents": (Period(1, "year"), "the breach log of UK GDPR Art. 33(5) is kept for years"),
            "reported_incidents": (Period(1, "year"), "the breach log of UK GDPR Art. 33(5) is kept for years"),
            "decisions": (Period(1, "year"), "a record of what was shared must outlast questions about it"),
        }
        for name, (shortest, why) in least.items():
            period: Period = getattr(self, name)
            if period.approximate_days < shortest.approximate_days:
                raise ValueError(f"{name} must be at least {shortest} ({why}), not {period}")
        if self.reported_incidents.approximate_days < self.incidents.approximate_days:
            raise ValueError(f"reported_incidents ({self.reported_incidents}) must be at least as long as "
                             f"incidents ({self.incidents}): the serious ones are kept longer")
        return self

    def deprecations(self) -> list[str]:
        return ([TRANSCRIPTS_DEPRECATED] if self.transcripts_days is not None else []) + (
            [DECLINED_QUESTIONS_DEPRECATED] if self.declined_questions_days is not None else [])
