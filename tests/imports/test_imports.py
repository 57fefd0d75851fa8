"""Imports as HR and the case system would run them: every row checked first, every problem named with its line and
column, nothing written while any row is bad; Excel's CSVs read; re-importing changes nothing; leavers deactivated."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import func, select

from bot.app.cli import main
from bot.core.profile import Profile
from moments import MONDAY_MORNING
from storage import directory, employment, nudges, records
from storage.engine import session_scope
from storage.models import StaffMember
from storage.records import ContactRecord
from storage.training import TrainingRecord
from workflows.imports.cli import Moment, _import

STAFF_HEADER = "Employee ID,Name,Email,Team,Manager Email,Roles,Slack ID,Teams ID,Start Date,Leaving Date"


def write(path: Path, *lines: str, bom: bool = False, crlf: bool = False) -> Path:
    ending = "\r\n" if crlf else "\n"
    path.write_bytes((("\ufeff" if bom else "") + ending.join(lines) + ending).encode("utf-8"))
    return path


def run(kind: str, path: Path, engine: Engine, profile: Profile, capsys: pytest.CaptureFixture[str], *,
        skip_invalid: bool = False, now: dt.datetime = MONDAY_MORNING) -> tuple[int, str]:
    code = _import(kind, path, skip_invalid=skip_invalid, engine=engine, at=Moment(profile, now))
    return code, capsys.readouterr().out


@pytest.fixture(autouse=True)
def _point_at_the_test_database(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("IGBOT_HOME", str(tmp_path / "home"))


def count(engine: Engine, table: type) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_staff_from_excel_are_added_then_reimporting_changes_nothing(engine: Engine, profile: Profile, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "staff.csv", STAFF_HEADER,
                 "E1001,Robin Ashdown,Robin.Ashdown@example.org,Eastfield Outreach,,staff;manager,U0001,,01/02/2020,",
                 "E1002,Tamsin Corran,tamsin.corran@example.org,Eastfield Outreach,robin.ashdown@example.org,staff,,"
                 "29:abc,2021-03-04,",
                 "E1003,Sam Okafor,sam.okafor@example.org,Harbour Recovery,rachel.dunmore@example.org,staff,,,,",
                 bom=True, crlf=True)
    assert run("staff", path, engine, profile, capsys) == (
        0, "Imported people from 3 rows: 2 added, 1 changed, 0 deactivated, 0 unchanged, 0 skipped as invalid.\n")
    with session_scope(engine) as session:
        tamsin = directory.get_by_email(session=session, email="tamsin.corran@example.org")
        robin = directory.get_by_email(session=session, email="robin.ashdown@example.org")
        assert tamsin is not None and robin is not None
        assert tamsin.manager_id == robin.id and tamsin.teams_user_id == "29:abc" and robin.slack_user_id == "U0001"
        assert robin.roles == ["staff", "manager"]
        held = employment.get_by_employee_id(session=session, employee_id="E1001")
        assert held is not None and held.started_on == dt.date(2020, 2, 1)
    assert run("staff", path, engine, profile, capsys)[1] == (
        "Imported people from 3 rows: 0 added, 0 changed, 0 deactivated, 3 unchanged, 0 skipped as invalid.\n")


def test_a_leaver_is_deactivated_and_nudged_no_more(engine: Engine, profile: Profile, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "staff.csv", STAFF_HEADER,
                 "E1003,Sam Okafor,sam.okafor@example.org,Harbour Recovery,rachel.dunmore@example.org,staff,,,,",
                 "E1004,Jude Carrow,jude.carrow@example.org,Riverside Housing Support,,staff,,,,20/11/2026")
    assert run("staff", path, engine, profile, capsys)[1].startswith(
        "Imported people from 2 rows: 0 added, 1 changed, 1 deactivated")
    with session_scope(engine) as session:
        jude = directory.get_by_email(session=session, email="jude.carrow@example.org")
        assert jude is not None and not jude.active


def test_every_bad_row_is_named_and_nothing_is_written(engine: Engine, profile: Profile, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = count(engine, StaffMember)
    path = write(tmp_path / "staff.csv", STAFF_HEADER,
                 "E2001,Ada Brackley,ada.brackley@example.org,Outreach,,staff,,,,",
                 "E2002,,not-an-email,Outreach,nobody@example.org,staff;wizard,,,31/02/2024,",
                 "E2001,Bram Dunmere,bram.dunmere@example.org,Outreach,,staff,,,2024-05-01,2023-01-01")
    code, out = run("staff", path, engine, profile, capsys)
    assert code == 1
    assert out.splitlines() == [
        "line 3, name: is empty",
        "line 3, email: 'not-an-email' is not an email address",
        "line 3, roles: 'wizard' is not a role (roles are: caldicott_guardian, dpo, ig_officer, manager, siro, staff)",
        "line 3, start_date: '31/02/2024' is not a date such as 2026-01-31 or 31/01/2026",
        "line 3, manager_email: nobody@example.org is not in this file or the directory",
        "line 4, leaving_date: is before the start date",
        "line 4, employee_id: 'E2001' is also on line 2",
        "Checked 3 rows and found 7 problem(s): nothing was imported. Fix them and import again, "
        "or use --skip-invalid to import the good rows only.",
    ]
    assert count(engine, StaffMember) == before
    code, out = run("staff", path, engine, profile, capsys, skip_invalid=True)
    assert code == 0 and out.endswith("1 added, 0 changed, 0 deactivated, 0 unchanged, 2 skipped as invalid.\n")
    assert count(engine, StaffMember) == before + 1


def test_training_by_email_or_employee_id_and_reimporting_adds_nothing(engine: Engine, profile: Profile,
                                                                      tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "staff.csv", STAFF_HEADER, "E1003,Sam Okafor,sam.okafor@example.org,Harbour Recovery,,staff,,,,")
    run("staff", tmp_path / "staff.csv", engine, profile, capsys)
    path = write(tmp_path / "training.csv", "employee_id,email,course,completed_on",
                 "E1003,,Keeping Information Safe,14/11/2025",
                 ",jude.carrow@example.org,Keeping Information Safe,2026-01-05",
                 ",Jude.Carrow@example.org,Keeping Information Safe,2026-01-05", crlf=True)
    assert run("training", path, engine, profile, capsys)[1] == (
        "Imported training records from 3 rows: 2 added, 0 changed, 1 unchanged, 0 skipped as invalid.\n")
    assert run("training", path, engine, profile, capsys)[1].endswith("0 added, 0 changed, 3 unchanged, "
                                                                      "0 skipped as invalid.\n")
    assert count(engine, TrainingRecord) == 2


def test_training_rows_for_unknown_people_or_future_dates_are_refused(engine: Engine, profile: Profile,
                                                                     tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "training.csv", "email,course,completed_on",
                 "sam.okafor@example.org,Keeping Information Safe,24/11/2026",
                 "nobody@example.org,,2026-01-01")
    code, out = run("training", path, engine, profile, capsys)
    assert code == 1 and out.splitlines()[:3] == [
        "line 2, completed_on: 2026-11-24 is in the future",
        "line 3, email: no one in the directory has the email nobody@example.org",
        "line 3, course: is empty",
    ]
    assert count(engine, TrainingRecord) == 0


def test_records_are_ids_never_names_and_a_late_write_up_changes_the_record(engine: Engine, profile: Profile,
                                                                            tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    header = "record_id,worker_email,contact_time,write_up_time"
    bad = write(tmp_path / "bad.csv", header, "Jane Smith,sam.okafor@example.org,20/11/2026 14:30,",
                "CR-1,sam.okafor@example.org,2026-11-20T14:30,2026-11-19T10:00")
    code, out = run("records", bad, engine, profile, capsys)
    assert code == 1 and out.splitlines()[:2] == [
        "line 2, record_id: must be the record's ID (letters, digits and - _ / . with at least one digit, no "
        "spaces), never a name",
        "line 3, write_up_time: is before the contact time",
    ]
    path = write(tmp_path / "records.csv", header, "CR-1,sam.okafor@example.org,20/11/2026 14:30,",
                 "CR-2,sam.okafor@example.org,2026-11-20T09:00:00+00:00,2026-11-20 16:00", bom=True)
    assert run("records", path, engine, profile, capsys)[1] == (
        "Imported contact records from 2 rows: 2 added, 0 changed, 0 unchanged, 0 skipped as invalid.\n")
    with session_scope(engine) as session:
        stored = records.get_by_record_ids(session=session, record_ids=["CR-1"])["CR-1"]
        assert stored.contacted_at == dt.datetime(2026, 11, 20, 14, 30, tzinfo=dt.UTC)  # GMT in November
        nudges.say_done(session=session, staff_id=stored.worker_id, item="record:CR-1", now=MONDAY_MORNING)
    assert run("records", path, engine, profile, capsys)[1].endswith("0 added, 0 changed, 2 unchanged, "
                                                                     "0 skipped as invalid.\n")
    write(path, header, "CR-1,sam.okafor@example.org,20/11/2026 14:30,23/11/2026 09:30")
    assert run("records", path, engine, profile, capsys)[1].endswith("0 added, 1 changed, 0 unchanged, "
                                                                     "0 skipped as invalid.\n")
    with session_scope(engine) as session:
        state = nudges.get_all(session=session)[0]
        assert state.said_done_at is None, "the import has spoken: the data decides again"
    assert count(engine, ContactRecord) == 2


def test_bad_files_and_arguments_are_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staff", "import", str(tmp_path / "missing.csv")]) == 2
    assert capsys.readouterr().err == f"igbot: There is no file {tmp_path / 'missing.csv'}.\n"
    write(tmp_path / "staff.csv", "id,name")
    assert main(["staff", "import", str(tmp_path / "staff.csv")]) == 2
    assert capsys.readouterr().err == (f"igbot: {tmp_path / 'staff.csv'} has no column 'employee_id' "
                                       "(its columns are: id, name).\n")
    (tmp_path / "latin.csv").write_bytes("employee_id,name,email\nE1,Zo\xe9,z@example.org\n".encode("latin-1"))
    assert main(["staff", "import", str(tmp_path / "latin.csv")]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    assert main(["demo", "generate", "--staff", "0"]) == 2
    assert capsys.readouterr().err == "igbot: --staff must be between 1 and 1,000,000.\n"


def test_a_generated_organisation_imports_cleanly_and_again_unchanged(engine: Engine, profile: Profile,
                                                                     tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from workflows.imports import demo

    paths = demo.write_csvs(tmp_path, staff=60, seed=7, profile=profile, now=MONDAY_MORNING)
    for kind, path in zip(("staff", "training", "records"), paths):
        assert run(kind, path, engine, profile, capsys)[0] == 0
    for kind, path in zip(("staff", "training", "records"), paths):
        assert " 0 added, 0 changed" in run(kind, path, engine, profile, capsys)[1]
    assert main(["demo", "generate", "--staff", "5", "--csv", str(tmp_path / "out")]) == 0
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["records.csv", "staff.csv", "training.csv"]


def test_a_large_generated_organisation_has_no_one_leaving_before_they_started(profile: Profile,
                                                                               tmp_path: Path) -> None:
    from workflows.imports import demo

    staff_csv, _, _ = demo.write_csvs(tmp_path, staff=3000, seed=7, profile=profile, now=MONDAY_MORNING)
    with staff_csv.open(newline="", encoding="utf-8") as file:
        leavers = [row for row in csv.DictReader(file) if row["leaving_date"]]
    assert leavers, "the generated organisation has leavers"
    assert all(row["start_date"] <= row["leaving_date"] for row in leavers)


def test_the_example_files_import_cleanly(engine: Engine, profile: Profile, capsys: pytest.CaptureFixture[str]) -> None:
    examples = Path(__file__).parents[2] / "workflows" / "imports" / "examples"
    for kind in ("staff", "training", "records"):
        code, out = run(kind, examples / f"{kind}.csv", engine, profile, capsys)
        assert code == 0, out
    with session_scope(engine) as session:
        ned = directory.get_by_email(session=session, email="ned.ashworth@example.org")
        assert ned is not None and not ned.active
