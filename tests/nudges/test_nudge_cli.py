"""`igbot nudge plan` shows what would be sent at a moment and why, sending nothing; `igbot nudge status` counts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.app.cli import main
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from nudge_world import add_record, train_everyone
from storage import outbox
from storage.engine import session_scope
from workflows.nudges.send import send_nudges

SAM = "sam.okafor@example.org"


@pytest.fixture(autouse=True)
def _world(engine: Engine, profile: Profile, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("IGBOT_HOME", str(tmp_path / "home"))
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={SAM: dt.date(2025, 11, 1)})
    add_record(engine, SAM, "R-1001", dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC))


def test_the_plan_names_each_item_and_why_and_sends_nothing(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nudge", "plan", "--json", "--at", "2026-11-23T10:00"]) == 0
    planned = json.loads(capsys.readouterr().out)
    [nudge] = planned["nudges"]
    assert nudge["email"] == SAM and planned["working_time"] is True
    assert [(item["item"], item["state"], item["why"]) for item in nudge["items"]] == [
        ("training", "overdue", "first reminder"), ("record:R-1001", "late", "first reminder")]
    assert nudge["items"][1]["due_at"] == "2026-11-21T09:00:00+00:00"
    with session_scope(engine) as session:
        assert outbox.get_all(session=session) == []

    assert main(["nudge", "plan", "--at", "2026-11-28T10:00"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "At 2026-11-28T10:00:00+00:00: 0 nudge(s), 0 manager note(s).",
        "That is outside working time: nothing is sent then.",
        "  2 item(s) wait: outside working time",
    ]


def test_the_plan_after_a_nudge_says_when_the_next_one_is(engine: Engine, profile: Profile,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with session_scope(engine) as session:
        send_nudges(session=session, profile=profile, calendar=WorkingCalendar(profile),
                    now=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))
    assert main(["nudge", "plan", "--at", "2026-11-24T10:00+00:00"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "  2 item(s) wait: waiting for the next reminder day"
    assert main(["nudge", "plan", "--at", "2026-11-26T10:00"]) == 0
    assert "training (overdue, reminder 2 of 3)" in capsys.readouterr().out
    assert main(["nudge", "status"]) == 0
    out = capsys.readouterr().out
    assert "nudged: 2\n" in out and "messages pending: 1\n" in out


def test_a_bad_moment_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nudge", "plan", "--at", "next tuesday"]) == 2
    assert capsys.readouterr().err == "igbot: --at 'next tuesday' is not a date and time such as 2026-11-23T10:00.\n"
