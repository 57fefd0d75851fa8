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
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from bot.core import wording
from bot.core.chat import Channel, Choice, IncomingMessage, Reply
from bot.core.clock import Clock
from bot.core.errors import CommandError, log_unexpected
from bot.core.profile import Profile
from bot.core.schedule import Schedule
from bot.core.turn import (
    ActionHandler,
    Command,
    QuestionAnswerer,
    Step,
    Turn,
    TypedCommand,
    Workflow,
    label_of,
    start_action,
)
from bot.core import places, waiting
from bot.core.inbox import InboxItem, InboxSource
from bot.core.outbox import REPLIES
from bot.core.waiting import WaitingItem, WaitingSource
from bot.core.working_time import WorkingCalendar
from storage import conversations, messages, received_events
from storage.engine import DatabaseBusy, unit_of_work
from storage.models import Role, StaffMember

log = logging.getLogger(__name__)

T = TypeVar("T")

# What a workflow is sent when someone starts it again while it is in progress: show where we are.
CARRY_ON = "continue"
_CANCEL_WORDS = frozenset({"cancel", "stop", "quit", "exit", "abandon", "pause", "later"})
_DISCARD_WORDS = frozenset({"discard", "discard it", "discard draft", "discard my draft", "delete draft",
                            "delete my draft", "throw it away"})
_CONTINUE_WORDS = frozenset({CARRY_ON, "carry on", "resume", "go back", "continue my report", "pick up where i left off"})
# A message that only makes sense as a pick from choices on offer: a bare number, or yes/no.
_BARE_CHOICE = re.compile(r"^(?:\d{1,2}|yes|no|y|n|ok|okay)$")
_HELP_WORDS = frozenset({"help", "?", "menu", "what can you do", "what can you do?", "hi", "hello", "hey"})
_HOME_WORDS = frozenset({"home", "summary", "my summary", "what's waiting", "whats waiting", "what is waiting",
                         "what's waiting for me", "what is waiting for me", "anything for me"})


@dataclass
class Conversation:
    engine: Engine
    profile: Profile
    answerer: QuestionAnswerer
    no_wait_engine: Engine | None = None
    clock: Clock = field(default_factory=Clock)
    workflows: dict[str, Workflow] = field(default_factory=dict)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    commands: dict[str, Command] = field(default_factory=dict)
    waiting_sources: list[WaitingSource] = field(default_factory=list)
    inbox_sources: list[InboxSource] = field(default_factory=list)
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

    def add_command(self, name: str, command: TypedCommand, *, roles: frozenset[Role] = frozenset(), who: str = "",
                    help_line: str = "") -> None:
        """Typed commands are tried in the order added; adding one under a name already used replaces it.

        With `roles`, only people holding one of them may use it (`who` names them for the refusal),
        and `help` lists it only to them.
        """
        if roles and not who:
            raise ValueError(f"command {name!r}: say who may use it, as people would put it")
        self.commands[name] = Command(name=name, handler=command, roles=roles, who=who, help_line=help_line)

    def add_waiting(self, source: WaitingSource) -> None:
        """Add a feature's items to the "what's waiting for me" summary, after those added before."""
        self.waiting_sources.append(source)

    def add_inbox(self, source: InboxSource) -> None:
        """Add a feature's items to the IG team's inbox."""
        self.inbox_sources.append(source)

    def inbox(self, session: Session, now: dt.datetime) -> list[InboxItem]:
        """Everything waiting for the IG team, oldest first."""
        items = [item for source in self.inbox_sources for item in source(session, self.profile, now)]
        return sorted(items, key=lambda item: item.at)

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

    def _handle_with(self, bind: Engine | Connection, message: IncomingMessage, *, reconnect: bool = True) -> list[Reply]:
        try:
            now = self.clock.now()
            with unit_of_work(bind) as unit:
                if not self._log(unit.connection, message, now):
                    return self._decided_before(unit.connection, message)
                turn = Turn(unit=unit, message=message, profile=self.profile, now=now)
                replies = self._with_directory_note(message, self._route(turn))
                self._remember(unit.connection, message, replies)
                return replies
        except CommandError as error:
            return self._with_directory_note(message, [Reply(text=str(error))])
        except DatabaseBusy as error:
            if bind is not self.engine:
                raise  # nothing was written: `handle` does the turn again where it may wait
            return self._apologise(error, message)
        except DBAPIError as error:
            if error.connection_invalidated and reconnect and bind is self.engine:
                # The database dropped the connection (a restart, a failover): nothing was committed, and the pool
                # has let that connection go, so the turn is done once more on a fresh one.
                log.warning("database connection lost: the turn is done again channel=%s", message.channel)
                return self._handle_with(bind, message, reconnect=False)
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
        if lowered in _DISCARD_WORDS:
            return self._ask_discard(turn)
        saved = self._saved(turn)
        active = saved if saved is not None and not saved.paused else None
        if active is not None and isinstance(active.resumable, Command) and self._starts_something(turn, lowered):
            active = None  # a command's short exchange gives way to anything the person starts instead
        if saved is not None and saved.paused and lowered in _CONTINUE_WORDS:
            return self._carry_on(turn, saved)
        if active is not None and (lowered not in _HELP_WORDS | _HOME_WORDS or turn.message.form):
            workflow, data = active.resumable, active.data
            step = workflow.resume(turn, data)
            if not step.understood and _reads_like_a_question(turn.text):
                note = wording.STILL_IN_WORKFLOW.format(workflow=label_of(workflow))
                return [*self.answerer.answer(turn), Reply(text=note)]
            return self._apply(turn, workflow, step)
        if lowered in _HELP_WORDS:
            return [self.help(turn)]
        if lowered in _HOME_WORDS:
            return [self.what_is_waiting(turn)]
        for workflow in self.workflows.values():
            if lowered in workflow.triggers:
                return self._start(turn, workflow)
        for command in self.commands.values():
            if command.matches(turn.text):
                return self._run_command(turn, command)
        if _BARE_CHOICE.match(lowered):
            return [self._nothing_to_choose(saved)]
        return self.answerer.answer(turn)

    def _starts_something(self, turn: Turn, lowered: str) -> bool:
        return (any(lowered in workflow.triggers for workflow in self.workflows.values())
                or any(command.matches(turn.text) for command in self.commands.values()))

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
        if prefix == "discard":
            return self._discard(turn) if rest == "confirm" else self._ask_discard(turn)
        if prefix == "keep":
            return [Reply(text=wording.KEPT)]
        if prefix == "replace" and rest in self.workflows:
            conversations.clear(connection=turn.connection, staff_id=_id(turn.require_person()))
            return self._start(turn, self.workflows[rest])
        if prefix == "say":  # a button that does what typing its text would: "say:answer Q-12"
            return self._route(turn.with_message(replace(turn.message, text=rest, action=None)))
        handler = self.actions.get(prefix)
        if handler is not None:
            return handler(turn, rest)
        saved = self._saved(turn)
        if saved is not None and prefix == saved.resumable.name:  # a button of what they were doing: take it up again
            return self._apply(turn, saved.resumable, saved.resumable.resume(turn, saved.data))
        return [Reply(text=wording.STALE_BUTTON)]

    def _run_command(self, turn: Turn, command: Command) -> list[Reply]:
        if not command.allows(turn.person):
            raise CommandError(wording.NOT_ALLOWED.format(roles=command.who))
        step = command.start(turn)
        if step.state is None:
            return step.replies
        saved = self._saved(turn)
        if saved is not None and saved.resumable.name in self.workflows:
            raise CommandError(wording.FINISH_FIRST.format(label=label_of(saved.resumable)))
        return self._apply(turn, command, step)

    def _start(self, turn: Turn, workflow: Workflow) -> list[Reply]:
        """Start a workflow. One already in progress (or set aside) carries on where it was; another unfinished
        workflow is never thrown away without asking."""
        person = turn.require_person()
        saved = self._saved(turn)
        if saved is not None and saved.resumable.name == workflow.name:
            return self._carry_on(turn, saved)
        if saved is not None and saved.resumable.name in self.workflows:
            return [places.replace_or_carry_on(saved.resumable, workflow)]
        conversations.clear(connection=turn.connection, staff_id=_id(person))
        return self._apply(turn, workflow, workflow.start(turn))

    def _carry_on(self, turn: Turn, saved: places.Saved) -> list[Reply]:
        carry_on = replace(turn.message, text=CARRY_ON, action=None, form=None)
        resumed = saved.resumable
        return self._apply(turn, resumed, resumed.resume(turn.with_message(carry_on), saved.data))

    def _apply(self, turn: Turn, workflow: Workflow | Command, step: Step) -> list[Reply]:
        staff_id = _id(turn.require_person())
        connection = turn.connection
        if step.state is None:
            conversations.clear(connection=connection, staff_id=staff_id)
        else:
            conversations.save(connection=connection, staff_id=staff_id, workflow=workflow.name, data=step.state,
                               now=turn.now)
        return step.replies

    def _resumable(self, name: str) -> Workflow | Command | None:
        return self.workflows.get(name) or self.commands.get(name)

    def _saved(self, turn: Turn) -> places.Saved | None:
        """What the person is doing, or set aside, if anything."""
        staff_id = turn.message.staff_id
        if staff_id is None:
            return None
        state = conversations.get(connection=turn.connection, staff_id=staff_id)
        if state is None:
            return None
        resumable = self._resumable(state.workflow)
        if resumable is None:
            log.warning("dropping state of unknown workflow=%s staff_id=%s", state.workflow, staff_id)
            conversations.clear(connection=turn.connection, staff_id=staff_id)
            return None
        return places.Saved(resumable, state.data, state.paused)

    def _cancel(self, turn: Turn) -> list[Reply]:
        """Set a workflow aside, keeping its answers; a command's short exchange simply stops."""
        saved = self._saved(turn)
        if saved is None:
            return [Reply(text=wording.NOTHING_TO_CANCEL)]
        staff_id = _id(turn.require_person())
        if saved.resumable.name not in self.workflows:
            conversations.clear(connection=turn.connection, staff_id=staff_id)
            return [Reply(text=wording.CANCELLED)]
        conversations.set_paused(connection=turn.connection, staff_id=staff_id, paused=True)
        return [places.set_aside(saved.resumable)]

    def _ask_discard(self, turn: Turn) -> list[Reply]:
        saved = self._saved(turn)
        return [places.confirm_discard(saved.resumable) if saved else Reply(text=wording.NOTHING_TO_DISCARD)]

    def _discard(self, turn: Turn) -> list[Reply]:
        if self._saved(turn) is None:
            return [Reply(text=wording.NOTHING_TO_DISCARD)]
        conversations.clear(connection=turn.connection, staff_id=_id(turn.require_person()))
        return [Reply(text=wording.DISCARDED)]

    def _nothing_to_choose(self, saved: places.Saved | None) -> Reply:
        """A bare number or yes with nothing on offer is not a question: say what igbot can do instead."""
        if saved is not None and saved.paused:
            return places.set_aside(saved.resumable, reminder=True)
        return Reply(text=wording.NOTHING_TO_CHOOSE, choices=(Choice("Help", "help:"),))

    def what_is_waiting(self, turn: Turn) -> Reply:
        """The person's summary: anything they left unfinished, then each feature's items."""
        person = turn.require_person()
        items: list[WaitingItem] = []
        saved = self._saved(turn)
        if saved is not None:
            items.append(WaitingItem(wording.HOME_UNFINISHED.format(label=label_of(saved.resumable)),
                                     choices=places.carry_on_or_discard(saved.resumable)))
        for source in self.waiting_sources:
            items += source(turn)
        return waiting.summary(items, name=person.name)

    def summary_for(self, *, channel: Channel, staff_id: int | None) -> Reply | None:
        """The summary outside any message (Slack's App Home), in a unit of work of its own: call it in a thread.

        None for someone not in the directory.
        """
        message = IncomingMessage(channel=channel, staff_id=staff_id)
        with unit_of_work(self.engine) as unit:
            turn = Turn(unit=unit, message=message, profile=self.profile, now=self.clock.now())
            return self.what_is_waiting(turn) if turn.person is not None else None

    def help(self, turn: Turn) -> Reply:
        """What this person may use: every workflow, and the typed commands their roles allow."""
        values = self.profile.placeholders()
        lines = [wording.HELP_INTRO]
        lines += [f"- {workflow.help_line}" for workflow in self.workflows.values()]
        lines += [f"- {command.help_line}" for command in self.commands.values()
                  if command.help_line and command.allows(turn.person)]
        lines.append(wording.HELP_FOOTER.format(**values))
        choices = tuple(
            Choice(label=label_of(workflow), action=start_action(workflow.name))
            for workflow in self.workflows.values()
        )
        greeting = wording.GREETING.format(name=turn.person.name if turn.person else "there", **values)
        saved = self._saved(turn)
        if saved is not None:  # welcome back to what they left, before anything else
            greeting += "\n\n" + wording.IN_PROGRESS.format(label=label_of(saved.resumable))
            choices = (*places.carry_on_or_discard(saved.resumable), *choices)
        return Reply(title="igbot", text=greeting + "\n\n" + "\n".join(lines), choices=choices)

    @staticmethod
    def _remember(connection: Connection, message: IncomingMessage, replies: list[Reply]) -> None:
        """Keep the replies with the received event they answer (if it is one), committed with the turn: a crash
        after this commit and before they reach the person leaves them to be sent, not the turn to be done again."""
        if message.delivery_id and replies:
            received_events.remember_replies(connection=connection, channel=message.channel.value,
                                             delivery_key=message.delivery_id,
                                             replies=REPLIES.dump_python(replies, mode="json"))

    @staticmethod
    def _decided_before(connection: Connection, message: IncomingMessage) -> list[Reply]:
        """A delivery handled before: nothing, unless its replies were decided but never confirmed as sent."""
        assert message.delivery_id is not None, "only a delivery with an id is ever logged twice"
        stored = received_events.replies_for(connection=connection, channel=message.channel.value,
                                             delivery_key=message.delivery_id)
        if stored:
            log.info("delivery=%s channel=%s was handled; sending the replies decided then", message.delivery_id,
                     message.channel)
            return REPLIES.validate_python(stored)
        log.info("skipped delivery=%s channel=%s already handled", message.delivery_id, message.channel)
        return []

    async def write(self, work: Callable[[Connection], T]) -> T:
        """A channel's own small unit of work (storing a received event), done the way `handle` does a turn: on
        SQLite on the event loop's connection while the database is free, otherwise in a worker thread, once more
        on a fresh connection if the database dropped the one it had."""
        if self.no_wait_engine is not None:
            try:
                with unit_of_work(self._loop_connection) as unit:
                    return work(unit.connection)
            except DatabaseBusy:
                log.info("database busy: a write moves to a thread")

        def in_thread() -> T:
            try:
                return once()
            except DBAPIError as error:
                if not error.connection_invalidated:
                    raise
                # Dropped by the database (a restart, a failover): nothing was committed, so once more on a fresh one.
                log.warning("database connection lost: a write is done again")
                return once()

        def once() -> T:
            with unit_of_work(self.engine) as unit:
                return work(unit.connection)

        return await asyncio.to_thread(in_thread)

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


__all__ = ["ActionHandler", "Channel", "Command", "Conversation", "QuestionAnswerer", "Step", "Turn", "TypedCommand",
           "Workflow", "label_of", "start_action"]
