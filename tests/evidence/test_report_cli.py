"""`igbot report dspt` as the IG officer and as anyone else meets it in a shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.app.cli import main
from evidence_world import HARRIET, SAM
from storage.engine import session_scope
from storage.models import AuditEvent


@pytest.fixture(autouse=True)
def _settings(world: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", world.url.render_as_string(hide_password=False))
    monkeypatch.setenv("IGBOT_HOME", str(tmp_path / "home"))


def _events(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def test_the_ig_officer_gets_a_pack(world: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "evidence"
    assert main(["report", "dspt", "--out", str(out), "--as-of", "2026-11-23", "--as", HARRIET]) == 0
    [folder] = out.iterdir()
    assert folder.name.startswith("dspt-evidence-2026-11-23-made-")
    assert (folder / "index.html").is_file() and (folder / "training-2026-11-23.csv").is_file()
    said = capsys.readouterr()
    assert said.out == (f"Wrote the DSPT evidence pack as of 23 November 2026 to {folder}: open index.html there "
                        "to read or print it.\n")
    assert _events(world)[-1] == "evidence.dspt_pack"


def test_anyone_else_is_refused_in_one_sentence(world: Engine, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = _events(world)
    out = tmp_path / "evidence"
    assert main(["report", "dspt", "--out", str(out), "--as", SAM]) == 1
    assert capsys.readouterr().err == ("igbot: Only the IG team (the IG officer, the DPO, the Caldicott Guardian or "
                                       "the SIRO) can make the DSPT evidence pack.\n")
    assert not out.exists() and _events(world) == before


@pytest.mark.parametrize(("arguments", "said"), [
    (["--as", "nobody@example.org"], "igbot: no one with the email nobody@example.org is in the staff directory.\n"),
    (["--as", "ned.ashworth@example.org"],
     "igbot: no one with the email ned.ashworth@example.org is in the staff directory.\n"),
    (["--as", HARRIET, "--as-of", "2026-02-30"], "igbot: --as-of '2026-02-30' is not a date such as 2026-06-30.\n"),
    (["--as", HARRIET, "--as-of", "9999-01-01"],
     "igbot: --as-of 9999-01-01 is after today: the pack can only show what has happened.\n"),
])
def test_bad_input_is_one_sentence_and_writes_nothing(arguments: list[str], said: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "evidence"
    assert main(["report", "dspt", "--out", str(out), *arguments]) in (1, 2)
    assert capsys.readouterr().err == said
    assert not out.exists()


def test_an_unwritable_folder_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert main(["report", "dspt", "--out", str(blocked), "--as-of", "2026-11-23", "--as", HARRIET]) == 2
    err = capsys.readouterr().err
    assert err.startswith("igbot: ") and err.count("\n") == 1 and "Traceback" not in err
