"""`igbot admin link` in a shell, and the dashboard's two settings, each wrong value named in one sentence."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.errors import ConfigurationError
from bot.core.settings import load_settings

REPO = Path(__file__).parents[2]


def igbot(tmp_path: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The CLI as a real process, on an embedded database of its own (as tests/bot/test_chat_cli.py runs it)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("IGBOT_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-m", "bot.app.cli", *arguments], input=stdin, capture_output=True,
                          text=True, cwd=REPO, env={**env, "IGBOT_HOME": str(tmp_path / "home")}, timeout=120)


def test_admin_link_prints_a_one_time_link_for_the_first_sign_in(tmp_path: Path) -> None:
    assert igbot(tmp_path, "chat", stdin="help\n").returncode == 0  # the embedded demo, with its staff
    result = igbot(tmp_path, "admin", "link", "harriet.osei@example.org", "--port", "3100")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("http://127.0.0.1:3100/admin/sign-in/") and "works once" in result.stdout
    key = tmp_path / "home" / "dashboard-secret-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600  # the demo's own signing key, readable by its owner only
    refused = igbot(tmp_path, "admin", "link", "sam.okafor@example.org")
    assert refused.returncode == 2 and "is not a manager" in refused.stderr and "http" not in refused.stdout
    unknown = igbot(tmp_path, "admin", "link", "nobody@example.org")
    assert unknown.returncode == 2 and "No one in the staff directory" in unknown.stderr
    assert "Traceback" not in refused.stderr + unknown.stderr


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("IGBOT_SECRET_KEY", "short", "at least 32 characters"),
    ("IGBOT_PUBLIC_URL", "igbot.example.org", "must be an address starting with https://"),
    ("IGBOT_PUBLIC_URL", "https://igbot.example.org/?x=1", "must be an address"),
])
def test_a_wrong_dashboard_setting_stops_start_up_with_its_name(name: str, value: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem) as raised:
        load_settings({name: value})
    assert name in str(raised.value)


def test_the_public_address_loses_its_trailing_slash() -> None:
    settings = load_settings({"IGBOT_PUBLIC_URL": "https://igbot.example.org/", "IGBOT_SECRET_KEY": "k" * 40})
    assert settings.public_url == "https://igbot.example.org" and settings.secret_key == "k" * 40
