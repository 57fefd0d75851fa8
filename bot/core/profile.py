"""The organisation profile: everything organisation-specific, kept as data in one YAML file.

Another organisation adopts igbot by editing this file, not the code.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.errors import ConfigurationError
from bot.core.retention import Retention
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


class Broadcasts(_Strict):
    """Lessons-learnt broadcasts: when reminders go to those who have not acknowledged one."""

    # Reminders go out on working days at this time, in the organisation's time zone.
    time: str = "10:00"
    # The first reminder this many working days after the broadcast went out, then again after as many,
    # at most `remind_at_most` reminders in all.
    remind_after_working_days: int = Field(default=3, ge=1, le=60)
    remind_at_most: int = Field(default=2, ge=0, le=20)

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


class Profile(_Strict):
    organisation: Organisation
    roles: Roles
    policies: list[Policy] = Field(min_length=1)
    training: Training
    records: Records
    working_hours: WorkingHours
    nudges: Nudges = Nudges()
    digests: Digests = Digests()
    broadcasts: Broadcasts = Broadcasts()
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
