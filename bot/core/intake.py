"""The intake: every event a channel acknowledges is stored first, then processed exactly once from the store.

A channel calls `receive` before it answers the platform's request: the event is committed to
the `received_event` table (storage.received_events), held by this replica, and processed in
the background. Processed means the channel's processor ran to the end; the row is then
marked and its payload cleared. While a turn runs, its replica renews the lease, however long
the turn takes. If the process dies first, the row is still there: this replica takes up its
own abandoned rows when it starts again, and any replica takes up a row whose lease ran out.
`run` does both, at start-up and then periodically.

A replica runs at most `MAX_IN_FLIGHT` turns at once. When a channel that can answer later
(Slack) sends more than that, the rest are stored free, held by nobody: they wait in the table,
not in memory, and the first replica with room takes them up, in the order they came (this one
as soon as a batch of its turns has ended). So a flood costs rows, not memory, and a restart
finds every one of them.

On shutdown (`drain`) nothing new is accepted (the channels answer 503, and the platforms
send again later), work in flight is given a grace period, and what did not finish is handed
back for the next replica to process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.core.conversation import Conversation
from bot.core.errors import log_unexpected
from storage import received_events
from storage.engine import unit_of_work
from storage.received_events import Claimed

log = logging.getLogger(__name__)

T = TypeVar("T")
Payload = dict[str, Any]
Processor = Callable[[Payload], Awaitable[object]]

LEASE = dt.timedelta(minutes=2)  # how long a replica holds an event before another may take it up
MAX_ATTEMPTS = 5  # an event that fails this often is given up on, loudly, rather than tried for ever
RECOVERY_INTERVAL = 15.0  # seconds between looks for events nobody holds
KEEP_PROCESSED = dt.timedelta(days=1)  # processed rows (keys and times only) kept to refuse late duplicates
FORGET_INTERVAL = dt.timedelta(hours=1)
CLAIM_BATCH = 100
MAX_IN_FLIGHT = 64  # turns at once; each waits on the database or a platform's API most of its time
TAKE_UP_SHARE = 4  # waiting events are claimed once this share of the places (a quarter) is free: one claim a batch


class NotAccepting(Exception):
    """The event cannot be taken now (shutting down, or the database out of reach): the channel answers 503,
    and the platform sends the event again."""


class ProcessingFailed(Exception):
    """A processor said the event was not handled (for instance, the reply could not be sent)."""


def replica_name() -> str:
    """This process in this life, as `host:pid:token`: unique among running replicas, and recognisable (by its host,
    and a pid no longer running or taken by the next life) as an earlier life of a replica that restarted."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(3)}"


def earlier_lives(holders: set[str], *, me: str) -> list[str]:
    """Holders that were this replica before it restarted: the same host, and a process no longer running, or
    running as us (a container's process often gets the same pid each time it starts)."""
    host, pid, _ = me.rsplit(":", 2)
    gone = []
    for holder in holders - {me}:
        holder_host, _, rest = holder.partition(":")
        holder_pid = rest.partition(":")[0]
        if holder_host == host and holder_pid.isdigit() and (holder_pid == pid or not _running(int(holder_pid))):
            gone.append(holder)
    return gone


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Intake:
    conversation: Conversation
    owner: str = field(default_factory=replica_name)
    processors: dict[str, Processor] = field(default_factory=dict)
    in_flight: dict[int, asyncio.Task[object]] = field(default_factory=dict)
    accepting: bool = True
    capacity: int = MAX_IN_FLIGHT
    _reserved: int = 0  # places promised to events being stored or claimed, not yet in flight
    _waiting: bool = False  # events may be waiting in the table for a replica with room
    _taking_up: asyncio.Task[None] | None = None
    _earlier_lives: list[str] = field(default_factory=list)
    _forgotten_at: dt.datetime | None = None

    def add_channel(self, channel: str, processor: Processor) -> None:
        """How a channel's stored events are processed: `processor` raises `ProcessingFailed` to be tried again."""
        self.processors[channel] = processor

    def room(self) -> int:
        """How many more turns this replica may start now."""
        return self.capacity - len(self.in_flight) - self._reserved

    async def receive(self, channel: str, key: str, payload: Payload, *, may_wait: bool = False) -> int | None:
        """Store an event (committed when this returns), held by this replica to process at once: its row's id,
        for `process_later` or `process_now`.

        None when there is nothing more to do now: the key was stored before, or, with `may_wait`,
        this replica already runs all the turns it may, so the event was stored to wait for
        whichever replica has room first. Raises `NotAccepting` while shutting down, or when the
        database cannot store it.
        """
        if not self.accepting:
            raise NotAccepting()
        held = not may_wait or self.room() > 0
        now = self.conversation.clock.now()
        self._reserved += int(held)
        try:
            event_id = await self.conversation.write(lambda connection: received_events.receive(
                connection=connection, channel=channel, delivery_key=key, payload=payload,
                owner=self.owner if held else None, now=now, lease=LEASE))
        except DBAPIError as error:  # not stored, so not acknowledged: the platform sends it again
            log.warning("could not store a received event channel=%s reason=%s", channel, type(error.orig).__name__)
            raise NotAccepting() from None
        finally:
            self._reserved -= int(held)  # the caller starts the turn before anything else runs on the loop
        if event_id is None:
            log.info("skipped delivery=%s channel=%s already received", key, channel)
        elif not held:
            self._waiting = True
            self._take_up_when_room()  # the places were held by a claim that has ended while it was stored
            return None
        return event_id

    def process_later(self, event_id: int, channel: str, work: Awaitable[object]) -> None:
        """Process a received event in the background: `work` is what the channel's processor would do with its
        payload (a channel that has already parsed the request passes that on, rather than parse it again)."""
        self._start(event_id, channel, work)

    async def process_now(self, event_id: int, work: Awaitable[T]) -> T:
        """Process a received event here (a channel whose response carries the result); tracked for shutdown."""
        task: asyncio.Task[object] = asyncio.ensure_future(work)
        self.in_flight[event_id] = task
        try:
            result = await asyncio.shield(task)
        except Exception:
            await self._release_one(event_id)  # for `run` to try again; the channel answers the platform with an error
            raise
        finally:
            self.in_flight.pop(event_id, None)
        await self._finish(event_id)
        return result  # type: ignore[return-value]  # the task runs `work`, whose result is a T

    def _start(self, event_id: int, channel: str, work: Awaitable[object]) -> None:
        task = asyncio.ensure_future(self._processed(event_id, channel, work))
        self.in_flight[event_id] = task
        task.add_done_callback(lambda _: self._done(event_id, task))

    def _done(self, event_id: int, task: asyncio.Task[object]) -> None:
        self.in_flight.pop(event_id, None)
        if not task.cancelled() and task.exception() is not None:  # recording the outcome failed: the lease runs out
            log_unexpected(task.exception() or Exception(), context=f"received event={event_id}")
        self._take_up_when_room()

    def _take_up_when_room(self) -> None:
        """Claim the events waiting in the table, once enough places are free for a batch of them."""
        if self._waiting and self._taking_up is None and self.room() >= max(1, self.capacity // TAKE_UP_SHARE):
            self._taking_up = asyncio.ensure_future(self._take_up_waiting())

    async def _take_up_waiting(self) -> None:
        """Claim events waiting in the table, now that there is room for them here."""
        try:
            await self.recover()
        except DBAPIError as error:  # the periodic look (`tend`) tries again
            self._waiting = True
            log.warning("could not take up waiting events reason=%s", type(error.orig).__name__)
        finally:
            self._taking_up = None

    async def _processed(self, event_id: int, channel: str, work: Awaitable[object]) -> object:
        try:
            result = await work
        except ProcessingFailed as failure:
            log.warning("received event not processed event=%s channel=%s reason=%s", event_id, channel, failure)
            await self._release_one(event_id)
            return None
        except Exception as error:  # noqa: BLE001  # logged with its traceback; the event is tried again later
            log_unexpected(error, context=f"received event={event_id} channel={channel}")
            await self._release_one(event_id)
            return None
        await self._finish(event_id)
        return result

    async def _release_one(self, event_id: int) -> None:
        await self.conversation.write(lambda connection: received_events.release(
            connection=connection, event_ids=[event_id], owner=self.owner))

    async def _finish(self, event_id: int) -> None:
        now = self.conversation.clock.now()
        await self.conversation.write(lambda connection: received_events.finish(
            connection=connection, event_id=event_id, now=now))

    async def recover(self) -> int:
        """Take up events nobody is processing (or that earlier lives of this replica held), as many as there is
        room for, oldest first; how many."""
        taken = 0
        while self.accepting and self.processors:
            limit = min(self.room(), CLAIM_BATCH)
            if limit <= 0:  # full: events may be left waiting, for when turns end
                self._waiting = True
                break
            now = self.conversation.clock.now()
            self._reserved += limit
            self._waiting = False  # set again by an event stored to wait while this claim holds the places
            try:
                claimed = await asyncio.to_thread(self._claim, now, limit)
            finally:
                self._reserved -= limit
            if not self.accepting:  # shutting down while claiming: for the next replica
                await asyncio.to_thread(self._release, [event.id for event in claimed])
                break
            for event in claimed:
                self._take_up(event)
            taken += len(claimed)
            if len(claimed) < limit and not self._waiting:  # nothing more, and nothing came while claiming
                break
        return taken

    def _claim(self, now: dt.datetime, limit: int) -> list[Claimed]:
        with unit_of_work(self.conversation.engine) as unit:
            return received_events.claim_due(connection=unit.connection, owner=self.owner, now=now, lease=LEASE,
                                             limit=limit, channels=list(self.processors),
                                             abandoned_by=self._earlier_lives)

    def _take_up(self, event: Claimed) -> None:
        if event.id in self.in_flight:  # still running here, its lease lapsed while the database was out of reach
            return
        processor = self.processors[event.channel]  # only the channels this replica processes are claimed
        if event.attempts > MAX_ATTEMPTS:
            log.error("giving up on a received event event=%s channel=%s attempts=%d", event.id, event.channel,
                      event.attempts - 1)
            self._start(event.id, event.channel, _nothing())
            return
        log.info("taking up a received event event=%s channel=%s attempt=%d", event.id, event.channel, event.attempts)
        self._start(event.id, event.channel, processor(event.payload))

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: take up this replica's abandoned events at once, then every event nobody holds, periodically."""
        def lives() -> list[str]:
            with unit_of_work(self.conversation.engine) as unit:
                return earlier_lives(received_events.holders(connection=unit.connection), me=self.owner)

        self._earlier_lives = await asyncio.to_thread(lives)
        taken = await self.recover()
        if taken:
            log.info("took up received events left unprocessed count=%d", taken)
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), RECOVERY_INTERVAL)
            except TimeoutError:
                await self.tend()

    async def tend(self) -> None:
        """What `run` does every `RECOVERY_INTERVAL`: renew the leases of the events in flight here, take up events
        nobody holds, and now and then forget old processed ones. A database briefly out of reach must not stop
        it for good."""
        try:
            await asyncio.to_thread(self._renew_leases, list(self.in_flight))
            await self.recover()
            now = self.conversation.clock.now()
            if self._forgotten_at is None or now - self._forgotten_at >= FORGET_INTERVAL:
                await asyncio.to_thread(self._forget_processed)
                self._forgotten_at = now
        except OperationalError as error:
            log.warning("could not look for received events reason=%s", type(error.orig).__name__)

    def _renew_leases(self, event_ids: list[int]) -> None:
        with unit_of_work(self.conversation.engine) as unit:
            received_events.renew(connection=unit.connection, event_ids=event_ids, owner=self.owner,
                                  until=self.conversation.clock.now() + LEASE)

    def _forget_processed(self) -> None:
        with unit_of_work(self.conversation.engine) as unit:
            received_events.forget_processed(connection=unit.connection,
                                             before=self.conversation.clock.now() - KEEP_PROCESSED)

    async def drain(self, grace: float) -> int:
        """Stop accepting, wait up to `grace` seconds for the work in flight, hand back the rest; how many."""
        self.accepting = False
        log.info("stopping: new events are refused while the work in flight finishes in_flight=%d grace_s=%s",
                 len(self.in_flight), grace)
        pending = {task for task in self.in_flight.values() if not task.done()}
        if pending:
            _, pending = await asyncio.wait(pending, timeout=grace)
        unfinished = [event_id for event_id, task in self.in_flight.items() if task in pending]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if unfinished:
            log.warning("shutdown handed back received events count=%d", len(unfinished))
            await asyncio.to_thread(self._release, unfinished)
        return len(unfinished)

    def _release(self, event_ids: list[int]) -> None:
        with unit_of_work(self.conversation.engine) as unit:
            received_events.release(connection=unit.connection, event_ids=event_ids, owner=self.owner)


async def _nothing() -> None:
    return None
