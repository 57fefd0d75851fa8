"""The first hour on a new install: honest start-up warnings, half a Slack configuration refused, and
first-run commands that say what they did and what to do next."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from bot.core.reach import UNREACHABLE, ig_team_unreachable
from bot.core.settings import load_settings
from storage import directory
from storage.engine import session_scope
from test_chat_cli import igbot


def test_chat_says_at_start_up_when_nothing_can_reach_the_ig_team(tmp_path: Path) -> None:
    result = igbot(tmp_path, "chat", stdin="help\n")
    assert result.returncode == 0, result.stderr
    assert "Nothing can reach the IG team yet" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_ig_channel_or_a_linked_ig_person_can_reach_the_ig_team(engine: Engine, tmp_path: Path) -> None:
    home = {"IGBOT_HOME": str(tmp_path)}
    slack = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret"}
    assert ig_team_unreachable(load_settings(home), engine) == UNREACHABLE
    assert ig_team_unreachable(load_settings({**home, **slack, "SLACK_IG_CHANNEL": "C0IGTEAM"}), engine) is None
    assert ig_team_unreachable(load_settings({**home, **slack}), engine) == UNREACHABLE
    with session_scope(engine) as session:
        harriet = directory.get_by_email(session=session, email="harriet.osei@example.org")
        assert harriet is not None
        harriet.slack_user_id = "UHARRIETO"
        session.add(harriet)
    assert ig_team_unreachable(load_settings({**home, **slack}), engine) is None


def test_half_a_slack_configuration_stops_start_up_naming_what_is_missing(tmp_path: Path) -> None:
    only_token = igbot(tmp_path, "serve", "--port", "0", SLACK_BOT_TOKEN="xoxb-test")
    assert only_token.returncode == 2
    assert "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not" in only_token.stderr
    only_secret = igbot(tmp_path, "chat", stdin="help\n", SLACK_SIGNING_SECRET="secret")
    assert only_secret.returncode == 2 and "SLACK_BOT_TOKEN is not" in only_secret.stderr
    assert "Traceback" not in only_token.stderr + only_secret.stderr


def test_db_upgrade_says_which_migrations_it_applied(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = igbot(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Applied ") and "0001" in first.stdout
    again = igbot(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert again.stdout.strip() == "Nothing to apply: the database schema was already up to date."


def test_chat_on_an_empty_directory_says_how_to_load_people(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert igbot(tmp_path, "db", "upgrade", DATABASE_URL=url).returncode == 0
    result = igbot(tmp_path, "chat", stdin="help\n", DATABASE_URL=url)
    assert result.returncode == 2
    assert "No one is in the staff directory yet" in result.stderr and "igbot directory import" in result.stderr
