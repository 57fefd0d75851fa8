"""`igbot incident list|show|export` and `igbot audit verify`, run as the IG team would run them."""

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from bot.app.cli import main
from bot.core.profile import Profile
from storage import directory, incidents
from storage.engine import session_scope
from workflows.incidents import register, report

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _point_at_the_test_database(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("IGBOT_HOME", str(tmp_path / "home"))


def _report(engine: Engine, profile: Profile, **changes: Any) -> str:
    text_answer = {"text": "Sent to the wrong practice", "removed": []}
    answers = {"kind": "misdirected_email", "happened_at": "2026-11-23T08:00:00+00:00",
               "discovered_at": "2026-11-23T09:00:00+00:00", "data_kind": "personal", "vulnerable": "none",
               "people_affected": 4, "contained": "partly", "containment": text_answer, "told": text_answer,
               "description": text_answer, **changes}
    with session_scope(engine) as session:
        reporter = directory.get_by_email(session=session, email="sam.okafor@example.org")
        return report.store(session=session, reporter=reporter, answers=answers, channel="teams", profile=profile,
                            now=NOW).reference


def _triage(engine: Engine, profile: Profile, reference: str) -> None:
    with session_scope(engine) as session:
        harriet = directory.get_by_email(session=session, email="harriet.osei@example.org")
        incident = incidents.get_by_reference(session=session, reference=reference)
        register.confirm_grade(session=session, actor=harriet, incident=incident, profile=profile, now=NOW)


def test_the_register_is_listed_as_text_and_as_json(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["incident", "list"]) == 0
    assert capsys.readouterr().out == "No incidents.\n"
    first = _report(engine, profile)
    second = _report(engine, profile, kind="near_miss")
    _triage(engine, profile, first)
    assert main(["incident", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{first} Misdirected email or other human error: triaged, report to the ICO")
    assert lines[1].startswith(f"{second} Near miss")
    assert main(["incident", "list", "--json", "--status", "triaged"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["reference"] == first and listed["deadline"] == "2026-11-26T09:00:00+00:00"
    assert listed["grade"] == {"likelihood": 3, "severity": 2, "outcome": "ico"}
    assert "Sent to the wrong practice" not in json.dumps(listed)


def test_show_prints_one_incident_and_a_bad_reference_is_one_sentence(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    reference = _report(engine, profile)
    assert main(["incident", "show", reference.lower()]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"{reference}: waiting for triage") and "Sent to the wrong practice" in shown
    assert main(["incident", "show", "IG-2026-0999"]) == 1
    assert capsys.readouterr().err == "igbot: There's no incident IG-2026-0999. References look like IG-2026-0042.\n"
    assert main(["incident", "show", "yesterday's"]) == 1
    error = capsys.readouterr().err
    assert "isn't an incident reference" in error and "Traceback" not in error


def test_the_register_exports_as_csv_safe_to_open_in_a_spreadsheet(engine: Engine, profile: Profile, tmp_path: Path,
                                                                  capsys) -> None:  # type: ignore[no-untyped-def]
    _report(engine, profile)
    formula = {"text": "=HYPERLINK(\"http://example.org\")", "removed": []}
    _report(engine, profile, description=formula)
    output = tmp_path / "register.csv"
    assert main(["incident", "export", "--csv", "--output", str(output)]) == 0
    assert "Exported 2 incidents" in capsys.readouterr().err
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [row["reference"] for row in rows] == ["IG-2026-0001", "IG-2026-0002"]
    assert rows[0]["deadline"] == "2026-11-26T09:00:00+00:00" and rows[0]["status"] == "reported"
    assert rows[1]["description"].startswith("'=HYPERLINK")
    assert main(["incident", "export", "--csv"]) == 0
    assert capsys.readouterr().out.startswith("reference,status,kind,")


def test_the_register_csv_quotes_hidden_formulas_and_drops_escape_codes(engine: Engine, profile: Profile,
                                                                       tmp_path: Path) -> None:
    _report(engine, profile, description={"text": " \t=cmd|' /C calc'!A0", "removed": []})
    _report(engine, profile, description={"text": "lost \x1b[2J\x1b]0;owned\x07 the laptop", "removed": []})
    output = tmp_path / "register.csv"
    assert main(["incident", "export", "--csv", "--output", str(output)]) == 0
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert rows[0]["description"].startswith("'")
    assert rows[1]["description"] == "lost [2J]0;owned the laptop"


def _audit_ids(engine: Engine, profile: Profile) -> list[int]:
    _triage(engine, profile, _report(engine, profile))  # reported, graded, triaged
    with engine.begin() as connection:
        return [row[0] for row in connection.execute(text("SELECT id FROM audit_event ORDER BY id"))]


def test_audit_verify_says_intact_and_names_an_edited_event(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    ids = _audit_ids(engine, profile)
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "The audit log is intact.\n"
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET subject = 'IG-2026-0002' WHERE id = :id"), {"id": ids[1]})
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().err == (
        f"igbot: the audit log is not intact: event {ids[1]} — its contents were altered after it was recorded.\n")


def test_audit_verify_names_the_event_after_a_removed_one(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    ids = _audit_ids(engine, profile)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    assert main(["audit", "verify"]) == 1
    error = capsys.readouterr().err
    assert f"event {ids[2]}" in error and "removed" in error


def test_audit_verify_names_the_last_events_removed(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    ids = _audit_ids(engine, profile)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": ids[-2]})
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().err == (
        f"igbot: the audit log is not intact: event {ids[-1]} — the last 2 event(s) were removed: those after event "
        f"{ids[-3]}, up to event {ids[-1]}.\n")


def test_audit_verify_says_when_every_event_was_removed(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    ids = _audit_ids(engine, profile)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))
    assert main(["audit", "verify"]) == 1
    error = capsys.readouterr().err
    assert f"all {len(ids)} events were removed" in error and f"event {ids[-1]}" in error


def test_audit_verify_says_when_the_anchor_itself_was_removed(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    _audit_ids(engine, profile)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_anchor"))
    assert main(["audit", "verify"]) == 1
    assert "audit_anchor" in capsys.readouterr().err


def test_a_daily_checkpoint_of_the_audit_log_goes_to_the_ig_team(engine: Engine, profile: Profile) -> None:
    from bot.core.outbox import replies_of
    from storage import outbox
    from workflows.audit_checkpoint import send_checkpoint

    ids = _audit_ids(engine, profile)
    with session_scope(engine) as session:
        assert send_checkpoint(session=session, now=NOW, zone=profile.working_hours.zone)
        assert not send_checkpoint(session=session, now=NOW, zone=profile.working_hours.zone), "once a day"
    with session_scope(engine) as session:
        [message] = [item for item in outbox.get_all(session=session) if item.dedup_key.startswith("audit-checkpoint:")]
        [reply] = replies_of(message)
    assert message.to_ig_team and f"holds {len(ids)} events, ending with event {ids[-1]}" in reply.text


def test_the_export_is_csv_by_default_and_has_the_notes_added_later(engine: Engine, profile: Profile, capsys) -> None:  # type: ignore[no-untyped-def]
    reference = _report(engine, profile)
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        incident = incidents.get_by_reference(session=session, reference=reference)
        register.add_information(session=session, actor=sam, incident=incident, text="The practice confirmed deletion",
                                 now=NOW + dt.timedelta(hours=2))
    assert main(["incident", "export"]) == 0
    [row] = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert row["notes"] == "2026-11-23T12:00:00+00:00: The practice confirmed deletion"
