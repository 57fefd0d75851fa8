"""The three CSV imports on files with random bad cells: no exception escapes, and a refused file writes nothing.

Each example starts from the shipped example file of one import (staff, training, records), puts
random values into random cells (text of any kind, formulas, impossible dates, other people's
emails, huge values, quotes and line breaks), sometimes drops or adds a column, and imports it as
`igbot KIND import FILE` would. The import either succeeds, or names its problems and leaves every
table exactly as it was; a file it cannot read at all is one sentence.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from bot.core.errors import CommandError
from bot.core.profile import Profile
from moments import MONDAY_MORNING
from workflows.imports.cli import IMPORTERS, Moment, _import

EXAMPLES = Path(__file__).parents[2] / "workflows" / "imports" / "examples"
_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
BAD_CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "=1+1", "@SUM(A1)", "31/02/2024", "2024-13-01", "00/00/0000", "99/99/9999 99:99",
                     "01/01/1900", "01/01/2999", "24/11/2026 25:61", "not-an-email", "nobody@example.org",
                     "harriet.osei@example.org", "staff;wizard", "ig_officer;dpo", "E1001", "\x00", "\ufeff",
                     "a" * 5000, '"', "line\nbreak", "0", "-1", "NaN", "1e309", "IG-2026-0001", "9434765919"]),
)


def _rows(kind: str) -> list[list[str]]:
    with (EXAMPLES / f"{kind}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


@st.composite
def damaged(draw: st.DrawFn, kind: str) -> str:
    rows = [list(row) for row in _rows(kind)]
    header, body = rows[0], rows[1:1 + draw(st.integers(1, 4))]
    for _ in range(draw(st.integers(1, 6))):
        row = draw(st.integers(0, len(body) - 1))
        column = draw(st.integers(0, len(header) - 1))
        body[row][column] = draw(BAD_CELLS)
    change = draw(st.sampled_from(["none", "none", "drop a column", "add a column", "short row", "long row"]))
    if change == "drop a column":
        gone = draw(st.integers(0, len(header) - 1))
        header, body = [c for i, c in enumerate(header) if i != gone], [[c for i, c in enumerate(r) if i != gone]
                                                                         for r in body]
    elif change == "add a column":
        header, body = [*header, draw(st.text(max_size=10))], [[*r, draw(BAD_CELLS)] for r in body]
    elif change == "short row":
        body[0] = body[0][:draw(st.integers(0, len(body[0])))]
    elif change == "long row":
        body[0] = [*body[0], draw(BAD_CELLS)]
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    return out.getvalue()


def _everything(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(json.dumps([str(value) for value in row]) for table in SQLModel.metadata.sorted_tables
                      for row in connection.execute(select(table)))


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_a_file_with_random_bad_cells_is_imported_or_refused_whole(kind: str, engine: Engine, profile: Profile,
                                                                   tmp_path: Path) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=_FIXTURES)
    @given(content=damaged(kind), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
           skip_invalid=st.sampled_from([False, False, True]))
    def imported(content: str, encoding: str, skip_invalid: bool) -> None:
        path = tmp_path / f"{kind}.csv"
        try:
            path.write_bytes(content.encode(encoding))
        except UnicodeEncodeError:
            path.write_bytes(content.encode("utf-8"))
        before = _everything(engine)
        try:
            code = _import(kind, path, skip_invalid=skip_invalid, engine=engine, at=Moment(profile, MONDAY_MORNING))
        except CommandError as error:  # the file as a whole cannot be read: one sentence, and nothing written
            message: Any = str(error)
            assert message.strip() and "\n" not in message.strip() and "Traceback" not in message
            assert _everything(engine) == before
            return
        assert code in (0, 1)
        if code == 1:
            assert _everything(engine) == before, "a refused file wrote something"

    imported()
