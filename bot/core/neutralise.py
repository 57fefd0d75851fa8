"""Text from people made harmless for the places igbot prints it: terminals and spreadsheets.

(Slack's mrkdwn is escaped in bot/slack/markup.py, Adaptive Cards in bot/teams/cards.py.)
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

# C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and the bidirectional
# overrides and isolates that make a terminal or a spreadsheet show text in another order than it is.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def for_terminal(text: str) -> str:
    """`text` without control and escape characters: what a person typed cannot move the cursor,
    retitle the window, clear the screen or hide other lines when it is printed."""
    return _CONTROLS.sub("", text)


def for_csv(text: str) -> str:
    """A spreadsheet cell's text that no spreadsheet runs as a formula, whatever spaces come first."""
    text = for_terminal(text.replace("\r\n", "\n").replace("\r", "\n"))
    return "'" + text if text.lstrip(" \t\n")[:1] in _FORMULA_STARTS else text


class TerminalOutput:
    """A text stream that writes everything through `for_terminal`: for commands that print stored text."""

    def __init__(self, stream: TextIO) -> None:
        self.raw = stream

    def write(self, text: str) -> int:
        return self.raw.write(for_terminal(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def unwrapped(stream: TextIO) -> TextIO:
    """The stream under a TerminalOutput, for a channel that neutralises its text itself and styles it."""
    raw = getattr(stream, "raw", None)
    return raw if isinstance(stream, TerminalOutput) and raw is not None else stream


def protect_standard_streams() -> None:
    """From now on, standard output and error print no control or escape characters."""
    if not isinstance(sys.stdout, TerminalOutput):
        sys.stdout = TerminalOutput(sys.stdout)
    if not isinstance(sys.stderr, TerminalOutput):
        sys.stderr = TerminalOutput(sys.stderr)
