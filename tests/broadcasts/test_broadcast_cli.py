"""`igbot broadcast` as the IG officer and others meet it in a shell: real processes on the test database.

The command reads the wall clock, so dates given to it are counted from today, whatever today is. Each
test starts processes, so these run on SQLite only; the services they call are tested on both databases.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.core.clock import Clock
from bot.core.profile import Profile
from broadcast_world import IG_OFFICER, igbot, sent_broadcast
from moments import MONDAY_MORNING
from storage import broadcasts
from storage.broadcasts import BroadcastStatus
from storage.engine import session_scope

LESSON = """# Check the recipient before you press send

Two emails went to the wrong person last month.

* Check the **address** in the To line.
* Use the [secure email guide](https://intranet.example.org/secure-email).
"""


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'igbot.db'}"


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _later(profile: Profile, days: int) -> dt.date:
    return Clock().today(profile.working_hours.zone) + dt.timedelta(days=days)


def test_a_dry_run_shows_the_message_and_the_audience_and_sends_nothing(tmp_path: Path, engine: Engine,
                                                                        profile: Profile) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_text(LESSON, encoding="utf-8")
    result = igbot(tmp_path, "broadcast", "send", "--as", IG_OFFICER, "--file", str(lesson), "--audience",
                   "team:Harbour Recovery", "--ack-by", _later(profile, 14).isoformat(), "--dry-run",
                   DATABASE_URL=_url(engine))
    assert result.returncode == 0, result.stderr
    assert "Check the recipient before you press send\n=====" in result.stdout
    assert "- Check the address in the To line." in result.stdout
    assert "secure email guide (https://intranet.example.org/secure-email)" in result.stdout
    assert "[I've read this]" in result.stdout
    assert "8 people would receive it; 8 people can't be reached" in result.stdout
    with session_scope(engine) as session:
        assert broadcasts.get_all(session=session) == []


def test_a_scheduled_broadcast_is_sent_listed_edited_and_cancelled(tmp_path: Path, engine: Engine,
                                                                   profile: Profile) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_text(LESSON, encoding="utf-8")
    at = f"{_later(profile, 7).isoformat()}T10:00"
    sent = igbot(tmp_path, "broadcast", "send", "--as", IG_OFFICER, "--file", str(lesson), "--audience", "everyone",
                 "--no-ack", "--at", at, DATABASE_URL=_url(engine))
    assert sent.returncode == 0, sent.stderr
    assert "Broadcast 1 is scheduled for" in sent.stdout and "to 30 people" in sent.stdout
    edited = igbot(tmp_path, "broadcast", "edit", "1", "--as", IG_OFFICER, "--title", "Check, then send",
                   "--audience", "role:manager", DATABASE_URL=_url(engine))
    assert edited.returncode == 0, edited.stderr
    listed = igbot(tmp_path, "broadcast", "list", "--as", IG_OFFICER, DATABASE_URL=_url(engine))
    assert "scheduled" in listed.stdout and "role:manager" in listed.stdout and "Check, then send" in listed.stdout
    cancelled = igbot(tmp_path, "broadcast", "cancel", "1", "--as", IG_OFFICER, DATABASE_URL=_url(engine))
    assert "Broadcast 1 is cancelled" in cancelled.stdout
    again = igbot(tmp_path, "broadcast", "cancel", "1", "--as", IG_OFFICER, DATABASE_URL=_url(engine))
    assert again.returncode == 1 and "already gone out (or was cancelled)" in again.stderr
    with session_scope(engine) as session:
        stored = broadcasts.get(session=session, broadcast_id=1)
        assert stored is not None and stored.status is BroadcastStatus.CANCELLED and stored.title == "Check, then send"


def test_someone_not_in_an_ig_role_is_refused_in_one_sentence(tmp_path: Path, engine: Engine) -> None:
    result = igbot(tmp_path, "broadcast", "send", "--as", "sam.okafor@example.org", "--body", "Hello", "--title",
                   "Mine", "--audience", "everyone", "--no-ack", DATABASE_URL=_url(engine))
    assert result.returncode == 1
    assert result.stderr.strip() == "igbot: only the IG team can send, list, change or cancel broadcasts."
    assert "Traceback" not in result.stdout + result.stderr
    with session_scope(engine) as session:
        assert broadcasts.get_all(session=session) == []


def test_personal_data_is_refused_with_what_and_where_and_nothing_is_stored(tmp_path: Path, engine: Engine) -> None:
    result = igbot(tmp_path, "broadcast", "send", "--as", IG_OFFICER, "--title", "About 943 476 5919", "--body",
                   "Nothing else.", "--audience", "everyone", "--no-ack", DATABASE_URL=_url(engine))
    assert result.returncode == 1 and "an NHS number in the title" in result.stderr
    with session_scope(engine) as session:
        assert broadcasts.get_all(session=session) == []


def test_the_report_is_dated_csv_that_no_spreadsheet_runs_as_a_formula(tmp_path: Path, engine: Engine,
                                                                      profile: Profile) -> None:
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING, title="=HYPERLINK(\"http://x\")",
                                  audience={"kind": "teams", "values": ["Harbour Recovery"]})
    result = igbot(tmp_path, "broadcast", "report", str(broadcast_id), "--csv", "--as", IG_OFFICER,
                   DATABASE_URL=_url(engine))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 8 and {row["status"] for row in rows} == {"unreachable"}
    assert all(row["title"].startswith("'=") for row in rows)
    assert dt.date.fromisoformat(rows[0]["report_date"])
    refused = igbot(tmp_path, "broadcast", "report", str(broadcast_id), "--as", "sam.okafor@example.org",
                    DATABASE_URL=_url(engine))
    assert refused.returncode == 1 and "Only the IG team, or a manager" in refused.stderr.replace("only", "Only")
