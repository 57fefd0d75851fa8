"""What people typed, printed again by igbot, cannot drive a terminal or a spreadsheet."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.chat import Choice, Citation, Reply
from bot.core.neutralise import for_csv, for_terminal
from bot.terminal.console import render

REPO = Path(__file__).parents[2]
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[1A\x9b31m\u202eevil\x08\x00"


def _igbot(tmp_path: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("IGBOT_", "DATABASE_URL"))}
    env["IGBOT_HOME"] = str(tmp_path / "home")
    return subprocess.run([sys.executable, "-m", "bot.app.cli", *arguments], input=stdin, capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=120)


def _no_controls(text: str) -> None:
    for character in "\x1b\x07\x9b\u202e\x08\x00":
        assert character not in text, repr(character)


def test_kb_gaps_prints_a_stored_question_without_its_escape_codes(tmp_path: Path) -> None:
    question = f"may I wear smart glasses {ESCAPES} when I visit a client at home?"  # a gap: no entry answers it
    chat = _igbot(tmp_path, "chat", stdin=question + "\n")
    assert chat.returncode == 0, chat.stderr
    _no_controls(chat.stdout + chat.stderr)
    gaps = _igbot(tmp_path, "kb", "gaps")
    assert gaps.returncode == 0, gaps.stderr
    assert "smart glasses" in gaps.stdout and "when I visit a client at home" in gaps.stdout
    _no_controls(gaps.stdout + gaps.stderr)


def test_a_reply_repeating_typed_text_is_rendered_without_controls() -> None:
    reply = Reply(text=f"You said: {ESCAPES}", title=ESCAPES, notes=(ESCAPES,), choices=(Choice(ESCAPES, "x:y"),),
                  citations=(Citation(title="t", ref=ESCAPES, url="https://example.org/" + ESCAPES),))
    for styled in (False, True):
        shown = render(reply, styled=styled)
        _no_controls(shown.replace("\033[1m", "").replace("\033[0m", ""))
        assert "evil" in shown


@pytest.mark.parametrize("typed", ["=1+1", " =1+1", "\t=cmd|' /C calc'!A0", "\n+1", "-2+3", "@SUM(A1)",
                                   "\uff1dHYPERLINK(1)", "|calc", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_quoted(typed: str) -> None:
    assert for_csv(typed).startswith("'")


@pytest.mark.parametrize("typed", ["IG-2026-0001", "Sent to the wrong practice", "", "3"])
def test_an_ordinary_cell_is_left_as_it_is(typed: str) -> None:
    assert for_csv(typed) == typed


def test_terminal_text_keeps_lines_tabs_and_letters() -> None:
    assert for_terminal("one\n\ttwo é ✓") == "one\n\ttwo é ✓"
