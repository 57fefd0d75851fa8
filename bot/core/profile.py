"""The organisation profile: everything organisation-specific, kept as data in one YAML file.

Another organisation adopts igbot by editing this file, not the code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationError, field_validator,
                      model_validator)

from bot.core.errors import ConfigurationError
from storage.files import read_yaml

Score = Annotated[int, Field(ge=1, le=5)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The parts of the UK with their own bank holidays, as the `holidays` library names them.
Region = Literal["england-and-wales", "scotland", "northern-ireland"]
REGION_SUBDIVISIONS: dict[str, str] = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
BANK_HOLIDAYS_DEPRECATED = (
    "bank_holidays is no longer needed: bank holidays now come from working_hours.region. "
    "The dates listed are kept as the organisation's own closure days; move any that are not "
    "bank holidays to working_hours.closure_days and delete bank_holidays."
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ICO_REGISTRATION = re.compile(r"^(Z|ZA|ZB)\d{6,7}$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


def _clock_time(value: str) -> str:
    if not _CLOCK.match(value):
        raise ValueError("must be a time of day such as 09:00")
    return value


class Organisation(_Strict):
    name: str = Field(min_length=1)
    ico_registration: str
    data_protection_email: str
    website: str | None = None
    incident_system: str = "the incident reporting system"
    # Whether staff must still log an incident in the organisation's own system after reporting it to igbot.
    # When false, igbot's report is the way to report, and every answer says so.
    log_in_incident_system_too: bool = True

    _check_email = field_validator("data_protection_email")(_email)

    @field_validator("ico_registration")
    @classmethod
    def _registration(cls, value: str) -> str:
        if not _ICO_REGISTRATION.match(value):
            raise ValueError("must look like an ICO registration number such as Z1234567")
        return value


class RoleHolder(_Strict):
    title: str
    name: str = Field(min_length=1)
    email: str

    _check_email = field_validator("email")(_email)


class Roles(_Strict):
    dpo: RoleHolder
    caldicott_guardian: RoleHolder
    deputy_caldicott_guardian: RoleHolder | None = None
    siro: RoleHolder
    ig_officer: RoleHolder


class Policy(_Strict):
    number: str = Field(min_length=1)
    title: str = Field(min_length=1)
    version: str | None = None
    issued: dt.date | None = None
    next_review: dt.date | None = None
    link: str | None = None
    # Points where the policy and current law or guidance disagree, for the DPO to settle at
    # the next review; the knowledge base says what the policy says and what the law requires.
    points_for_dpo: list[str] = []

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, (int, float)) else value


class Training(_Strict):
    name: str = Field(min_length=1)
    platform: str = Field(default="our learning platform", min_length=1)
    validity_months: int = Field(ge=1, le=60)
    target_percent: int = Field(ge=1, le=100)
    # Training is "due soon" this many days before it runs out, and people are nudged from then.
    due_soon_days: int = Field(default=30, ge=0, le=365)
    # Where staff take the course, given in nudges.
    link: str | None = None


class Records(_Strict):
    write_up_hours: int = Field(ge=1, le=24 * 14)
    # Whether the write-up window counts every hour, or only the organisation's working hours.
    counted_in: Literal["calendar_hours", "working_hours"] = "calendar_hours"


class Nudges(_Strict):
    """Reminders to each person about their own training and late records."""

    # When each working day's nudges are sent, in the organisation's time zone (inside working hours).
    time: str = "10:00"
    # After the first nudge, again every this many working days, at most `at_most` nudges in all;
    # then the person's manager is told.
    every_working_days: int = Field(default=3, ge=1, le=60)
    at_most: int = Field(default=3, ge=1, le=20)

    _check_time = field_validator("time")(_clock_time)


class Digests(_Strict):
    """The weekly digest to each manager and to the IG officer."""

    day: Weekday = "mon"
    time: str = "09:00"

    _check_time = field_validator("time")(_clock_time)


class WorkingHours(_Strict):
    """When people may be sent anything that is not a reply: working days and hours, less bank holidays."""

    time_zone: str
    start: str
    end: str
    days: list[Weekday] = Field(min_length=1)
    region: Region = "england-and-wales"
    closure_days: list[dt.date] = []

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone such as Europe/London") from None
        return value

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError("must be a time of day such as 09:00")
        return value

    @model_validator(mode="after")
    def _start_before_end(self) -> WorkingHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def opens(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    @property
    def closes(self) -> dt.time:
        return dt.time.fromisoformat(self.end)


class Threshold(_Strict):
    likelihood: Score
    severity: Score


class IncidentGrading(_Strict):
    likelihood: dict[Score, str]
    severity: dict[Score, str]
    ico_threshold: Threshold
    dhsc_threshold: Threshold
    vulnerable_minimum: Score
    deadline_hours: int = Field(ge=1, le=24 * 30)
    reminder_hours: list[int] = Field(min_length=1)

    @field_validator("likelihood", "severity")
    @classmethod
    def _five_grades(cls, value: dict[int, str]) -> dict[int, str]:
        if sorted(value) != [1, 2, 3, 4, 5]:
            raise ValueError("must name each grade from 1 to 5")
        return value

    @model_validator(mode="after")
    def _reminders_before_deadline(self) -> IncidentGrading:
        late = [hours for hours in self.reminder_hours if not 0 < hours < self.deadline_hours]
        if late:
            raise ValueError(f"reminder_hours must fall inside the {self.deadline_hours}-hour deadline")
        return self


DataCategory = Literal["personal", "special", "none", "unsure"]


class IncidentReporting(_Strict):
    """How the report's options read to this organisation's staff: `data_categories` rewords the kinds of
    information by their codes, e.g. so that a drug and alcohol service's case notes are named as health data."""

    data_categories: dict[DataCategory, str] = {}


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


class Retention(_Strict):
    """How long igbot keeps what it stores; the daily retention job deletes what is older.

    The defaults, and the Records Management Code of Practice 2023 entries they follow, are
    explained in bot/profiles/example.yaml and the README.
    """

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


class Profile(_Strict):
    organisation: Organisation
    roles: Roles
    policies: list[Policy] = Field(min_length=1)
    training: Training
    records: Records
    working_hours: WorkingHours
    nudges: Nudges = Nudges()
    digests: Digests = Digests()
    # Deprecated: bank holidays come from `working_hours.region`; dates still listed here count as closure days.
    bank_holidays: list[dt.date] = []
    incident_grading: IncidentGrading
    incident_reporting: IncidentReporting = IncidentReporting()
    retention: Retention = Retention()

    @field_validator("policies")
    @classmethod
    def _unique_numbers(cls, value: list[Policy]) -> list[Policy]:
        numbers = [policy.number for policy in value]
        repeated = sorted({number for number in numbers if numbers.count(number) > 1})
        if repeated:
            raise ValueError(f"policy numbers must be unique ({', '.join(repeated)} repeated)")
        return value

    @property
    def closure_days(self) -> frozenset[dt.date]:
        """The organisation's own closure days, with those still listed under the deprecated `bank_holidays`."""
        return frozenset(self.working_hours.closure_days) | frozenset(self.bank_holidays)

    @property
    def where_to_report(self) -> str:
        """Where staff log an incident, said the same way in every answer and after every report."""
        if self.organisation.log_in_incident_system_too:
            return self.organisation.incident_system
        return "igbot (type *report an incident*)"

    def deprecations(self) -> list[str]:
        """Fields still accepted but no longer needed, each with what to do instead."""
        return ([BANK_HOLIDAYS_DEPRECATED] if self.bank_holidays else []) + self.retention.deprecations()

    def policy(self, number: str) -> Policy | None:
        return next((policy for policy in self.policies if policy.number == number), None)

    def placeholders(self) -> dict[str, str]:
        """Values that knowledge answers and decision trees may use as {name}."""
        roles = self.roles
        deputy = roles.deputy_caldicott_guardian
        return {
            "org_name": self.organisation.name,
            "dp_email": self.organisation.data_protection_email,
            "ico_registration": self.organisation.ico_registration,
            "incident_system": self.where_to_report,
            "dpo_name": roles.dpo.name,
            "caldicott_name": roles.caldicott_guardian.name,
            "deputy_caldicott_name": deputy.name if deputy else roles.caldicott_guardian.name,
            "siro_name": roles.siro.name,
            "ig_officer_name": roles.ig_officer.name,
            "ig_officer_email": roles.ig_officer.email,
            "training_name": self.training.name,
            "training_platform": self.training.platform,
            "training_target_percent": str(self.training.target_percent),
            "training_validity_months": str(self.training.validity_months),
            "record_write_up_hours": str(self.records.write_up_hours),
        }


def load_profile(path: Path) -> Profile:
    """Read and validate a profile; every mistake is named with its field."""
    raw = read_yaml(path, what="The organisation profile")
    if not isinstance(raw, dict):
        raise ConfigurationError(f"The organisation profile {path} must be a mapping of sections.")
    try:
        return Profile.model_validate(raw)
    except ValidationError as error:
        raise ConfigurationError(f"The organisation profile {path} has mistakes:\n{describe(error)}") from None


def describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "is not a known field"
        lines.append(f"- {field}: {message}")
    return "\n".join(lines)


def review_warnings(profile: Profile, *, today: dt.date) -> list[str]:
    """Policies past, or within a month of, their review date."""
    warnings = []
    for policy in profile.policies:
        if policy.next_review is None:
            continue
        label = f"{policy.number} {policy.title}"
        if policy.next_review < today:
            warnings.append(
                f"{label} was due for review in {policy.next_review:%B %Y} and is overdue: "
                "check with the policy owner that it is still current."
            )
        elif policy.next_review <= today + dt.timedelta(days=31):
            due = policy.next_review
            warnings.append(f"{label} is due for review on {due.day} {due:%B %Y}.")  # %-d is not on Windows
    return warnings
