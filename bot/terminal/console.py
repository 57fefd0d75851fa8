"""The terminal channel: chat with igbot in a shell, interactively or one message a line from a pipe."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TextIO

from bot.core import wording
from bot.core.chat import Channel, Choice, IncomingMessage, Reply, to_send
from bot.core.conversation import Conversation
from bot.core.neutralise import for_terminal

_BOLD = re.compile(r"\*([^*\n]+)\*")
# A line that is only one of these (a leading "/" allowed) ends the chat, as the end of the input does.
LEAVING_WORDS = frozenset({"quit", "exit"})


@dataclass
class ConsoleChat:
    """Numbered choices stand in for buttons; a number picks from the last reply's choices."""

    conversation: Conversation
    staff_id: int
    output: TextIO = sys.stdout
    styled: bool = False
    _choices: tuple[Choice, ...] = field(default=(), init=False)

    def say(self, text: str) -> list[Reply]:
        replies = self.conversation.handle_now(self._message(text))
        self.show(replies)
        return replies

    def show(self, replies: Iterable[Reply]) -> None:
        choices: tuple[Choice, ...] = ()
        for reply in to_send(replies):
            self.output.write(render(reply, styled=self.styled, first_number=len(choices) + 1) + "\n\n")
            choices = () if reply.expects_text else choices + reply.choices
        self._choices = choices
        self.output.flush()

    def _message(self, text: str) -> IncomingMessage:
        stripped = text.strip()
        if stripped.isascii() and stripped.isdigit() and 1 <= int(stripped) <= len(self._choices):
            choice = self._choices[int(stripped) - 1]
            return IncomingMessage(channel=Channel.CONSOLE, staff_id=self.staff_id, action=choice.action, text=choice.label)
        return IncomingMessage(channel=Channel.CONSOLE, staff_id=self.staff_id, text=stripped)


def render(reply: Reply, *, styled: bool = False, first_number: int = 1) -> str:
    """The reply as terminal text; whatever it repeats of what people typed has no control or escape
    characters left by the time igbot's own styling is added."""
    reply = _neutralised(reply)
    lines: list[str] = []
    if reply.title:
        lines.append(_bold(reply.title, styled))
    lines.append(_BOLD.sub(lambda match: _bold(match.group(1), styled), reply.text))
    lines += [f"  ! {note}" for note in reply.notes]
    for citation in reply.citations:
        link = f" <{citation.url}>" if citation.url else ""
        lines.append(f"  Source: {citation.ref}{link}")
    if reply.expects_text and reply.choices:
        lines.append("  Or type: " + " · ".join(choice.label.lower() for choice in reply.choices))
        return "\n".join(lines)
    numbered = [f"[{number}] {choice.label}" for number, choice in enumerate(reply.choices, start=first_number)]
    if sum(len(choice) for choice in numbered) <= 72:
        lines += ["  " + "   ".join(numbered)] if numbered else []
    else:
        lines += [f"  {choice}" for choice in numbered]
    return "\n".join(lines)


def _neutralised(reply: Reply) -> Reply:
    return replace(
        reply, text=for_terminal(reply.text), title=for_terminal(reply.title) if reply.title else reply.title,
        notes=tuple(for_terminal(note) for note in reply.notes),
        choices=tuple(replace(choice, label=for_terminal(choice.label)) for choice in reply.choices),
        citations=tuple(replace(citation, ref=for_terminal(citation.ref),
                                url=for_terminal(citation.url) if citation.url else None)
                        for citation in reply.citations))


def _bold(text: str, styled: bool) -> str:
    return f"\033[1m{text}\033[0m" if styled else text


def run(chat: ConsoleChat, lines: TextIO, *, interactive: bool) -> None:
    """Read one message a line until the input ends; in a terminal, show a prompt."""
    if interactive:
        chat.say("help")
        chat.output.write(wording.CONSOLE_LEAVING + "\n\n")
    while True:
        if interactive:
            chat.output.write("you> ")
            chat.output.flush()
        line = lines.readline()
        if not line or line.strip().lower().lstrip("/") in LEAVING_WORDS:
            break
        if line.strip():
            chat.say(line)
