"""The channel-neutral chat model: what a person says, and what igbot answers.

Slack, Teams and the terminal translate their own payloads into `IncomingMessage`
and render `Reply`; nothing outside `bot/` knows which platform a person uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    TEAMS = "teams"


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` without NUL characters, and with any lone surrogate replaced by U+FFFD."""
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda found: "" if found.group() == "\x00" else "\ufffd", text)


@dataclass(frozen=True)
class IncomingMessage:
    """One thing a person did: typed text, pressed a button, or submitted a form.

    `action` is the value of the button pressed (an opaque string the core made);
    `form` holds submitted field values keyed by field name. `delivery_id` is the channel's
    id for this delivery when it may deliver the same message again (a Slack event id): the
    core handles each id once. `shared` is True when others see the answer too (a channel or a
    group chat), so that what is meant for the person alone can be sent to them privately.
    """

    channel: Channel
    staff_id: int | None
    text: str = ""
    action: str | None = None
    form: dict[str, str] | None = None
    supports_forms: bool = False
    platform_user_id: str | None = None
    delivery_id: str | None = None
    shared: bool = False

    def __post_init__(self) -> None:
        # What no database stores (PostgreSQL refuses a NUL, every encoder a lone surrogate) is dropped or
        # replaced here, once for every channel, so the person still gets an answer.
        object.__setattr__(self, "text", storable(self.text))
        if self.action is not None:
            object.__setattr__(self, "action", storable(self.action))
        if self.form is not None:
            object.__setattr__(self, "form", {storable(key): storable(value) for key, value in self.form.items()})

    @property
    def platform_identity(self) -> str | None:
        """Who sent it on their platform ("slack:U123"), whether or not they are in the directory."""
        return f"{self.channel.value}:{self.platform_user_id}" if self.platform_user_id else None


@dataclass(frozen=True)
class Citation:
    title: str
    ref: str
    url: str | None = None


class ChoiceStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Choice:
    """A button. `action` is what comes back when it is pressed: at most `MAX_ACTION` characters."""

    label: str
    action: str
    style: ChoiceStyle = ChoiceStyle.DEFAULT


# The longest button value every channel carries (Slack's limit); the core keeps its actions shorter.
MAX_ACTION = 2000


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    SELECT = "select"
    DATETIME = "datetime"
    NUMBER = "number"


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    options: tuple[Choice, ...] = ()
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class Form:
    """A whole form, for channels that can show one (a Slack modal, a Teams card)."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"


@dataclass(frozen=True)
class Reply:
    text: str
    title: str | None = None
    citations: tuple[Citation, ...] = ()
    choices: tuple[Choice, ...] = ()
    form: Form | None = None
    notes: tuple[str, ...] = field(default=())
    # The person is asked to type an answer (a time, a number, a description); the choices are
    # shortcuts. A terminal then reads a typed number as the answer, not as a choice.
    expects_text: bool = False
    # The message whose button was just pressed, drawn as it should now look (its button gone, a
    # note of what was done). Teams, which is not sent the message a button came from, puts this
    # in that message's place; Slack redraws the pressed message itself and the terminal has
    # nothing to redraw, so they leave it out (`to_send`).
    redraws_pressed: bool = False


def to_send(replies: Iterable[Reply]) -> list[Reply]:
    """The replies to send as new messages: all but a redrawing of the pressed message."""
    return [reply for reply in replies if not reply.redraws_pressed]
