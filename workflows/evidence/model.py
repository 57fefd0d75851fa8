"""What an evidence pack is made of: sections, each mapped to its DSPT evidence items, with figures and one table.

A section's figures each say how they were counted and over which period. Its table's rows are
read lazily from the database: the pack writes every row to the section's CSV file and keeps only
the first few for the printable page, so a pack for a large organisation never holds all its rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from storage.training import add_months

PERIOD_MONTHS = 12
# Rows of a table printed on the page; its CSV file has them all.
SHOWN = 200


@dataclass(frozen=True)
class Period:
    """The twelve months that end with the as-of date: from the day after `starts_after` to `ends_on`, inclusive."""

    starts_after: dt.date
    ends_on: dt.date
    zone: ZoneInfo

    @classmethod
    def ending(cls, as_of: dt.date, zone: ZoneInfo, months: int = PERIOD_MONTHS) -> Period:
        return cls(starts_after=add_months(as_of, -months), ends_on=as_of, zone=zone)

    @property
    def first_day(self) -> dt.date:
        return self.starts_after + dt.timedelta(days=1)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the as-of date, where the organisation is, in UTC: anything before it counts."""
        midnight = dt.datetime.combine(self.ends_on + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)
        return midnight.astimezone(dt.UTC)

    @property
    def start(self) -> dt.datetime:
        """The first moment of the period, where the organisation is, in UTC."""
        return dt.datetime.combine(self.first_day, dt.time(), tzinfo=self.zone).astimezone(dt.UTC)

    def describe(self) -> str:
        return f"{day(self.first_day)} to {day(self.ends_on)}"

    def on_the_day(self) -> str:
        return f"on {day(self.ends_on)}"


@dataclass(frozen=True)
class Figure:
    """One number of the pack, with what it counts and over which period."""

    label: str
    value: str
    definition: str
    period: str


@dataclass
class Table:
    """A section's rows: all of them go to its CSV file, the first `shown` to the printable page."""

    caption: str
    columns: tuple[str, ...]
    rows: Iterable[tuple[object, ...]]
    # Column headings for people (the page); the CSV header uses `columns`, which are machine-friendly.
    headings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.headings:
            self.headings = tuple(column.replace("_", " ").capitalize() for column in self.columns)


@dataclass
class Section:
    key: str
    title: str
    evidence: tuple[str, ...]
    summary: str
    figures: list[Figure]
    table: Table
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WrittenTable:
    """What the pack wrote of a section's table: its CSV file, how many rows, and the rows shown on the page."""

    file_name: str
    row_count: int
    shown: list[tuple[str, ...]]
    sha256: str


def day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"  # %-d is not on Windows


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "no one to count"
