"""Write the DSPT evidence pack: a printable index.html and one CSV file per section, in a folder of its own.

Every file is dated: the folder's and each CSV's name carry the as-of date, each CSV row starts with
the as-of date and the time the pack was made, and the page states both. The folder is written
under a temporary name and renamed when complete, so a pack that failed half-way is never mistaken
for evidence. Making a pack is recorded in the audit log, with each file's SHA-256.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import Engine
from sqlmodel import Session

from bot.core.neutralise import for_csv, for_terminal
from bot.core.profile import Profile
from storage import audit, directory
from storage.engine import session_scope
from workflows.evidence.acknowledgements import acknowledgements
from workflows.evidence.incidents import incidents_in
from workflows.evidence.integrity import audit_log
from workflows.evidence.model import SHOWN, Period, Section, WrittenTable, day
from workflows.evidence.people import leavers, staff_and_roles
from workflows.evidence.policies import policies
from workflows.evidence.training import training_by_team

TEMPLATES = Path(__file__).resolve().parent / "templates"
ACTION = "evidence.dspt_pack"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Written:
    section: Section
    table: WrittenTable


def write_pack(*, engine: Engine, profile: Profile, out: Path, as_of: dt.date, now: dt.datetime,
               actor_id: int | None = None, progress: Progress | None = None) -> Path:
    """Write a pack for `as_of` into a new folder under `out`; the folder. `actor_id` is who asked for it (audit)."""
    period = Period.ending(as_of, profile.working_hours.zone)
    made = now.astimezone(dt.UTC).replace(microsecond=0)
    name = f"dspt-evidence-{as_of.isoformat()}-made-{made:%Y%m%dT%H%M%SZ}"
    out.mkdir(parents=True, exist_ok=True)
    folder, partial = out / name, out / f".{name}.partial"
    if folder.exists():
        raise FileExistsError(17, "a pack made at the same second is already there", str(folder))
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        with session_scope(engine) as session:
            written = [_write_table(partial, section, as_of=as_of, made=made)
                       for section in _sections(session, profile, period, made, progress)]
            prepared_by = _who(session, actor_id)
            session.rollback()  # reading only
        _write_page(partial, written, profile=profile, period=period, made=made, prepared_by=prepared_by)
        with session_scope(engine) as session:  # recorded and in place together, or neither
            _record(session, partial, written, name=name, actor_id=actor_id, as_of=as_of, now=now)
            partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def _sections(session: Session, profile: Profile, period: Period, made: dt.datetime,
              progress: Progress | None) -> Iterator[Section]:
    """Each section in turn, built only when the one before has been written."""
    builders: list[tuple[str, Callable[[], Section]]] = [
        ("Staff and roles", lambda: staff_and_roles(session=session, profile=profile, period=period)),
        ("Training by team", lambda: training_by_team(session=session, profile=profile, period=period)),
        ("Incidents", lambda: incidents_in(session=session, profile=profile, period=period)),
        ("Acknowledgements", lambda: acknowledgements(session=session, period=period)),
        ("Leavers", lambda: leavers(session=session, period=period)),
        ("Policies", lambda: policies(profile=profile, period=period)),
        ("Audit log", lambda: audit_log(session=session, now=made)),
    ]
    for label, build in builders:
        if progress is not None:
            progress(label)
        yield build()


def _write_table(folder: Path, section: Section, *, as_of: dt.date, made: dt.datetime) -> Written:
    """All the section's rows to its CSV (each cell safe from spreadsheet formulas), the first few kept for the page."""
    file_name = f"{section.key}-{as_of.isoformat()}.csv"
    stamp = (as_of.isoformat(), made.isoformat())
    shown: list[tuple[str, ...]] = []
    count = 0
    with (folder / file_name).open("w", encoding="utf-8", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(("as_of", "generated_at", *section.table.columns))
        for row in section.table.rows:
            cells = tuple(_text(value) for value in row)
            writer.writerow((*stamp, *(for_csv(cell) for cell in cells)))
            if count < SHOWN:
                shown.append(tuple(for_terminal(cell) for cell in cells))
            count += 1
    return Written(section, WrittenTable(file_name=file_name, row_count=count, shown=shown,
                                         sha256=_sha256(folder / file_name)))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _write_page(folder: Path, written: list[Written], *, profile: Profile, period: Period, made: dt.datetime,
                prepared_by: str) -> None:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    template = environment.get_template("index.html.j2")
    local = made.astimezone(profile.working_hours.zone)
    template.stream(
        organisation=profile.organisation.name, as_of=day(period.ends_on), as_of_iso=period.ends_on.isoformat(),
        made=f"{day(local.date())} at {local:%H:%M} ({local.tzname()})", made_iso=made.isoformat(),
        period=period.describe(), prepared_by=prepared_by, written=written, shown_at_most=SHOWN,
        stylesheet=(TEMPLATES / "pack.css").read_text(encoding="utf-8"),
    ).dump(str(folder / "index.html"), encoding="utf-8")


def _who(session: Session, actor_id: int | None) -> str:
    member = directory.get(session=session, staff_id=actor_id) if actor_id is not None else None
    if member is None:
        return "igbot"
    return f"{member.name}, {member.job_title}" if member.job_title else member.name


def _record(session: Session, folder: Path, written: list[Written], *, name: str, actor_id: int | None,
            as_of: dt.date, now: dt.datetime) -> None:
    files = {item.table.file_name: item.table.sha256 for item in written}
    files["index.html"] = _sha256(folder / "index.html")
    audit.record(session=session, action=ACTION, actor_id=actor_id, now=now, subject=name,
                 details={"as_of": as_of.isoformat(), "files": files,
                          "rows": {item.section.key: item.table.row_count for item in written}})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
