"""Reading the CSV files HR and the case system export: streamed, forgiving of Excel, strict about content.

A file may start with a byte-order mark, end its lines the Windows way, and write dates as
Excel does in the UK (31/01/2026, 31/01/2026 14:30). Headers are matched without regard to case,
spaces or underscores. Each bad value becomes a `Problem` naming the line, the column and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from bot.core.errors import CommandError

T = TypeVar("T")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.reason}"


class RowError(ValueError):
    """A value that cannot be read, with the column it is in."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def text(self, column: str, *, required: bool = False, longest: int = 200) -> str:
        value = self.values.get(column, "").strip()
        if "\x00" in value:  # PostgreSQL stores no NUL, and no export means one
            raise RowError(column, "holds a NUL character, which cannot be stored: remove it")
        if required and not value:
            raise RowError(column, "is empty")
        if len(value) > longest:
            raise RowError(column, f"is longer than {longest} characters")
        return value

    def email(self, column: str, *, required: bool = True) -> str:
        value = self.text(column, required=required, longest=254).lower()
        if value and not _EMAIL.match(value):
            raise RowError(column, f"{value!r} is not an email address")
        return value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.text(column, required=required)
        return read_date(column, value) if value else None

    def datetime(self, column: str, zone: ZoneInfo, *, required: bool = False) -> dt.datetime | None:
        value = self.text(column, required=required)
        return read_datetime(column, value, zone) if value else None


class Checker:
    """Reads a row's values, collecting every problem in it rather than stopping at the first."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.problems: list[Problem] = []

    def read(self, value: Callable[[], T], default: T) -> T:
        try:
            return value()
        except RowError as error:
            self.problems.append(Problem(self.row.line, error.column, error.reason))
            return default

    def problem(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.row.line, column, reason))


def normalise(header: str) -> str:
    return re.sub(r"[\s_\-]+", "_", header.strip().lower())


def read_date(column: str, value: str) -> dt.date:
    """2026-01-31 or 31/01/2026 (day first, as Excel writes it in the UK)."""
    match = _DAY_FIRST.match(value)
    try:
        if match and match.group(4) is None:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if not match:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise RowError(column, f"{value!r} is not a date such as 2026-01-31 or 31/01/2026")


def read_datetime(column: str, value: str, zone: ZoneInfo) -> dt.datetime:
    """An ISO time (with or without an offset) or 31/01/2026 14:30; a time without an offset is the organisation's."""
    match = _DAY_FIRST.match(value)
    try:
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            at = dt.datetime(year, month, day, hour, minute, second)
        else:
            at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(column, f"{value!r} is not a time such as 2026-01-31 14:30 or 31/01/2026 14:30") from None
    return (at if at.tzinfo else at.replace(tzinfo=zone)).astimezone(dt.UTC)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter), so a file of any length is written a batch at a time."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def rows(path: Path, *, required: Sequence[str], label: str = "Reading",
         show_progress: bool | None = None) -> Iterator[Iterator[Row]]:
    """The file's rows one at a time, with a progress bar on a terminal; a missing column is one sentence."""
    if not path.is_file():
        raise CommandError(f"There is no file {path}.")
    show = sys.stderr.isatty() if show_progress is None else show_progress
    progress = Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                        disable=not show, transient=True)
    with progress, path.open("rb") as raw:
        tracked = progress.wrap_file(raw, total=path.stat().st_size)
        text = io.TextIOWrapper(tracked, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            header = [normalise(name) for name in next(reader)]
        except StopIteration:
            raise CommandError(f"{path} is empty: it needs a header line.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text: save it from Excel as 'CSV UTF-8'.") from None
        missing = [column for column in required if column not in header]
        if missing:
            known = ", ".join(name for name in header if name)
            raise CommandError(f"{path} has no column {missing[0]!r} (its columns are: {known}).")
        yield _rows(reader, header, path)


def header_of(path: Path) -> list[str]:
    """The file's column names, normalised."""
    if not path.is_file():
        raise CommandError(f"There is no file {path}.")
    with path.open(encoding="utf-8-sig", newline="") as text:
        try:
            return [normalise(name) for name in next(csv.reader(text), [])]
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text: save it from Excel as 'CSV UTF-8'.") from None


def _rows(reader: Iterator[list[str]], header: list[str], path: Path) -> Iterator[Row]:
    try:
        for values in reader:
            line = getattr(reader, "line_num", 0)
            if not any(value.strip() for value in values):
                continue
            yield Row(line, dict(zip(header, values)))
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text: save it from Excel as 'CSV UTF-8'.") from None
    except csv.Error as error:
        raise CommandError(f"{path} is not a readable CSV file near line {getattr(reader, 'line_num', '?')}: "
                           f"{error}.") from None
