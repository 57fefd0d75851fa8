"""What handlers are given and give back: the turn, a step of a multi-step exchange, and the
shapes of the things features register (workflows, typed commands, buttons, the question answerer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlmodel import Session

from bot.core import wording
from bot.core.chat import IncomingMessage, Reply
from bot.core.errors import CommandError
from bot.core.profile import Profile
from storage import directory
from storage.engine import UnitOfWork
from storage.models import Role, StaffMember


class Turn:
    """Everything a handler needs for one message: the unit of work, who is speaking, what they said and when.

    The person's directory entry and the ORM session are loaded only when a handler asks:
    most messages are questions, which need neither. `now` is read from the clock once, so
    everything a turn records carries the same time.
    """

    def __init__(self, *, unit: UnitOfWork, message: IncomingMessage, profile: Profile, now: dt.datetime) -> None:
        self.unit = unit
        self.message = message
        self.profile = profile
        self.now = now

    @property
    def today(self) -> dt.date:
        """Today where the organisation is."""
        return self.now.astimezone(self.profile.working_hours.zone).date()

    @property
    def session(self) -> Session:
        return self.unit.session

    @property
    def connection(self) -> Connection:
        """The same transaction as `session`, for the Core statements run on every message."""
        return self.unit.connection

    @cached_property
    def person(self) -> StaffMember | None:
        staff_id = self.message.staff_id
        return directory.get(session=self.session, staff_id=staff_id) if staff_id is not None else None

    @property
    def text(self) -> str:
        return self.message.text.strip()

    def with_message(self, message: IncomingMessage) -> Turn:
        """The same turn, as if the person had said `message`."""
        return Turn(unit=self.unit, message=message, profile=self.profile, now=self.now)

    def require_person(self) -> StaffMember:
        if self.person is None:
            raise CommandError(wording.NOT_IN_DIRECTORY.format(**self.profile.placeholders()))
        return self.person

    def require_role(self, *roles: Role) -> StaffMember:
        person = self.require_person()
        if not person.has_role(*roles):
            names = " or ".join(role.value.replace("_", " ") for role in roles)
            raise CommandError(wording.NOT_ALLOWED.format(roles=names))
        return person


@dataclass
class Step:
    """What a workflow did with a turn: its replies, and its state to keep (None when it has finished).

    `understood` is False when the person typed something that is not an answer to the
    step; if it reads like a question, the knowledge base answers it instead.
    """

    replies: list[Reply]
    state: dict[str, Any] | None = None
    understood: bool = True


class Workflow(Protocol):
    """A multi-step conversation whose progress lives in the database between turns."""

    @property
    def name(self) -> str: ...

    @property
    def triggers(self) -> tuple[str, ...]:
        """Typed commands (lower case) that start it."""
        ...

    @property
    def help_line(self) -> str:
        """"*Label*: what it does", for the help reply."""
        ...

    def start(self, turn: Turn) -> Step: ...

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step: ...


class QuestionAnswerer(Protocol):
    def answer(self, turn: Turn) -> list[Reply]: ...


ActionHandler = Callable[[Turn, str], list[Reply]]


class TypedCommand(Protocol):
    """A command typed in words ("triage IG-2026-0001"), tried before the knowledge base.

    It may hold a short conversation of its own: a step with state is kept under the
    command's name, and the person's next message goes to `resume`.
    """

    def matches(self, text: str) -> bool: ...

    def __call__(self, turn: Turn) -> Step: ...

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step: ...


@dataclass(frozen=True)
class Command:
    """A typed command as registered: who may use it, and how `help` describes it to them.

    `roles` empty means anyone; otherwise only people holding one of them, whom `who` names
    the way people say it ("the IG team").
    """

    name: str
    handler: TypedCommand
    roles: frozenset[Role] = frozenset()
    who: str = ""
    help_line: str = ""

    def allows(self, person: StaffMember | None) -> bool:
        return not self.roles or (person is not None and person.has_role(*self.roles))

    def matches(self, text: str) -> bool:
        return self.handler.matches(text)

    def start(self, turn: Turn) -> Step:
        return self.handler(turn)

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self.handler.resume(turn, state)


def label_of(workflow: Workflow | Command) -> str:
    """The workflow's or command's name for people: the bold part of its help line."""
    return workflow.help_line.split(":")[0].strip("*_ ") or workflow.name


def start_action(workflow: str) -> str:
    """The button value that starts a workflow from anywhere."""
    return f"start:{workflow}"
