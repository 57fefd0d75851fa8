"""The conversation core: routes what a person says to the thing that should answer it.

An active workflow continues; a command or a button starts one; anything else is a
question for the knowledge base. One central handler turns unexpected errors into a
short apology with a reference, and nothing half-done is committed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from bot.core import wording
from bot.core.chat import Channel, Choice, IncomingMessage, Reply
from bot.core.clock import Clock
from bot.core.schedule import Schedule
from bot.core.working_time import WorkingCalendar
from bot.core.errors import CommandError, log_unexpected
from bot.core.profile import Profile
from storage import conversations, directory, messages
from storage.engine import DatabaseBusy, UnitOfWork, unit_of_work
from storage.models import Role, StaffMember

log = logging.getLogger(__name__)

# What a workflow is sent when someone starts it again while it is in progress: show where we are.
CARRY_ON = "continue"
_CANCEL_WORDS = frozenset({"cancel", "stop", "quit", "exit", "abandon"})
_HELP_WORDS = frozenset({"help", "?", "menu", "what can you do", "what can you do?", "hi", "hello", "hey"})


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
    """A command typed in words ("triage IG-2026-0001"), tried before the knowledge base."""

    def matches(self, text: str) -> bool: ...

    def __call__(self, turn: Turn) -> list[Reply]: ...


def label_of(workflow: Workflow) -> str:
    """The workflow's name for people: the bold part of its help line."""
    return workflow.help_line.split(":")[0].strip("*_ ")


def start_action(workflow: str) -> str:
    """The button value that starts a workflow from anywhere."""
    return f"start:{workflow}"


@dataclass
class Conversation:
    engine: Engine
    profile: Profile
    answerer: QuestionAnswerer
    no_wait_engine: Engine | None = None
    clock: Clock = field(default_factory=Clock)
    workflows: dict[str, Workflow] = field(default_factory=dict)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    commands: dict[str, TypedCommand] = field(default_factory=dict)
    calendar: WorkingCalendar = field(init=False)
    schedule: Schedule = field(init=False)

    def __post_init__(self) -> None:
        self.calendar = WorkingCalendar(self.profile)
        self.schedule = Schedule(engine=self.engine, calendar=self.calendar)

    def add_workflow(self, workflow: Workflow) -> None:
        self.workflows[workflow.name] = workflow

    def add_action(self, prefix: str, handler: ActionHandler) -> None:
        """Buttons whose value starts with `prefix:` go to `handler` with the rest of the value."""
        self.actions[prefix] = handler

    def add_command(self, name: str, command: TypedCommand) -> None:
        """Typed commands are tried in the order added; adding one under a name already used replaces it."""
        self.commands[name] = command

    async def handle(self, message: IncomingMessage) -> list[Reply]:
        """Handle a message without ever making the event loop wait for the database.

        On SQLite a turn (a fraction of a millisecond of work) is first done right here, with a
        connection that never waits for a lock; handing it to a thread would cost more than the
        turn itself. If another writer holds the database, that attempt has written nothing,
        and the turn is done again in a worker thread, which may wait. On PostgreSQL every
        turn runs in a worker thread.
        """
        if self.no_wait_engine is not None:
            try:
                return self._handle_with(self._loop_connection, message)
            except DatabaseBusy:
                log.info("database busy: the turn moves to a thread channel=%s", message.channel)
        return await asyncio.to_thread(self.handle_now, message)

    @cached_property
    def _loop_connection(self) -> Connection:
        """The no-wait engine's one connection, kept open for the event loop's turns."""
        assert self.no_wait_engine is not None
        return self.no_wait_engine.connect()

    def handle_now(self, message: IncomingMessage) -> list[Reply]:
        """The replies to a message; none when the channel delivered it before and it was handled then."""
        return self._handle_with(self.engine, message)

    def _handle_with(self, bind: Engine | Connection, message: IncomingMessage) -> list[Reply]:
        try:
            now = self.clock.now()
            with unit_of_work(bind) as unit:
                if not self._log(unit.connection, message, now):
                    log.info("skipped delivery=%s channel=%s already handled", message.delivery_id, message.channel)
                    return []
                turn = Turn(unit=unit, message=message, profile=self.profile, now=now)
                return self._with_directory_note(message, self._route(turn))
        except CommandError as error:
            return self._with_directory_note(message, [Reply(text=str(error))])
        except DatabaseBusy as error:
            if bind is not self.engine:
                raise  # nothing was written: `handle` does the turn again where it may wait
            return self._apologise(error, message)
        except Exception as error:  # noqa: BLE001  # the one central handler: log the traceback, answer calmly
            return self._apologise(error, message)

    def _with_directory_note(self, message: IncomingMessage, replies: list[Reply]) -> list[Reply]:
        """Someone not in the directory is told, once per answer, that answers are general and whom to ask."""
        if message.staff_id is not None or not replies:
            return replies
        note = wording.NOT_IN_DIRECTORY.format(**self.profile.placeholders())
        if any(note in reply.text or note in reply.notes for reply in replies):
            return replies
        return [*replies[:-1], replace(replies[-1], notes=(*replies[-1].notes, note))]

    @staticmethod
    def _apologise(error: Exception, message: IncomingMessage) -> list[Reply]:
        reference = log_unexpected(error, context=f"channel={message.channel} staff_id={message.staff_id}")
        return [Reply(text=wording.APOLOGY.format(reference=reference))]

    def _route(self, turn: Turn) -> list[Reply]:
        if turn.message.action:
            return self._on_action(turn, turn.message.action)
        lowered = normalise_command(turn.text)
        if lowered in _CANCEL_WORDS:
            return self._cancel(turn)
        active = self._active_state(turn)
        if active is not None and (lowered not in _HELP_WORDS or turn.message.form):
            workflow, data = active
            step = workflow.resume(turn, data)
            if not step.understood and _reads_like_a_question(turn.text):
                note = wording.STILL_IN_WORKFLOW.format(workflow=label_of(workflow))
                return [*self.answerer.answer(turn), Reply(text=note)]
            return self._apply(turn, workflow, step)
        if lowered in _HELP_WORDS:
            return [self.help(turn)]
        for workflow in self.workflows.values():
            if lowered in workflow.triggers:
                return self._start(turn, workflow)
        for command in self.commands.values():
            if command.matches(turn.text):
                return command(turn)
        return self.answerer.answer(turn)

    def _on_action(self, turn: Turn, action: str) -> list[Reply]:
        prefix, _, rest = action.partition(":")
        if prefix == "start":
            workflow = self.workflows.get(rest)
            if workflow is None:
                return [Reply(text=wording.FLOW_NOT_AVAILABLE)]
            return self._start(turn, workflow)
        if prefix == "help":
            return [self.help(turn)]
        if prefix == "cancel":
            return self._cancel(turn)
        handler = self.actions.get(prefix)
        if handler is not None:
            return handler(turn, rest)
        active = self._active_state(turn)
        if active is not None and prefix == active[0].name:
            workflow, data = active
            return self._apply(turn, workflow, workflow.resume(turn, data))
        return [Reply(text=wording.STALE_BUTTON)]

    def _start(self, turn: Turn, workflow: Workflow) -> list[Reply]:
        """Start a workflow; one already in progress carries on where it was rather than being lost."""
        person = turn.require_person()
        active = self._active_state(turn)
        if active is not None and active[0].name == workflow.name:
            carry_on = replace(turn.message, text=CARRY_ON, action=None, form=None)
            return self._apply(turn, workflow, workflow.resume(turn.with_message(carry_on), active[1]))
        conversations.clear(connection=turn.connection, staff_id=_id(person))
        return self._apply(turn, workflow, workflow.start(turn))

    def _apply(self, turn: Turn, workflow: Workflow, step: Step) -> list[Reply]:
        staff_id = _id(turn.require_person())
        connection = turn.connection
        if step.state is None:
            conversations.clear(connection=connection, staff_id=staff_id)
        else:
            conversations.save(connection=connection, staff_id=staff_id, workflow=workflow.name, data=step.state,
                               now=turn.now)
        return step.replies

    def _active_state(self, turn: Turn) -> tuple[Workflow, dict[str, Any]] | None:
        staff_id = turn.message.staff_id
        if staff_id is None:
            return None
        state = conversations.get(connection=turn.connection, staff_id=staff_id)
        if state is None:
            return None
        workflow = self.workflows.get(state.workflow)
        if workflow is None:
            log.warning("dropping state of unknown workflow=%s staff_id=%s", state.workflow, staff_id)
            conversations.clear(connection=turn.connection, staff_id=staff_id)
            return None
        return workflow, state.data

    def _cancel(self, turn: Turn) -> list[Reply]:
        staff_id = turn.message.staff_id
        if staff_id is None or conversations.get(connection=turn.connection, staff_id=staff_id) is None:
            return [Reply(text=wording.NOTHING_TO_CANCEL)]
        conversations.clear(connection=turn.connection, staff_id=staff_id)
        return [Reply(text=wording.CANCELLED)]

    def help(self, turn: Turn) -> Reply:
        values = self.profile.placeholders()
        lines = [wording.HELP_INTRO]
        lines += [f"- {workflow.help_line}" for workflow in self.workflows.values()]
        lines.append(wording.HELP_FOOTER.format(**values))
        choices = tuple(
            Choice(label=label_of(workflow), action=start_action(workflow.name))
            for workflow in self.workflows.values()
        )
        greeting = wording.GREETING.format(name=turn.person.name if turn.person else "there", **values)
        return Reply(title="igbot", text=greeting + "\n\n" + "\n".join(lines), choices=choices)

    @staticmethod
    def _log(connection: Connection, message: IncomingMessage, now: dt.datetime) -> bool:
        """The message log's row for this message; False when the delivery was logged (and handled) before."""
        kind = "action" if message.action else "form" if message.form else "text"
        return messages.record(connection=connection, channel=message.channel.value, kind=kind,
                               staff_id=message.staff_id, delivery_id=message.delivery_id, now=now)


def _reads_like_a_question(text: str) -> bool:
    return text.rstrip().endswith("?") or len(text.split()) >= 5


def normalise_command(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().strip(".!"))


def _id(person: StaffMember) -> int:
    assert person.id is not None, "a stored staff member always has an id"
    return person.id


__all__ = ["Channel", "Conversation", "Step", "Turn", "Workflow", "start_action"]
