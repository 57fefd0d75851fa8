"""A flood of events waits in the table, not in memory: a replica runs at most its capacity of turns at once, and
takes up the rest, in the order they came, as its turns end; a replica with room takes them up too."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import Engine, event, select

from bot.core.conversation import Conversation
from bot.core.intake import Intake
from storage.engine import unit_of_work
from storage.received_events import ReceivedEvent

FLOOD = 20


class Turns:
    """A processor whose turns all wait for `finish`, noting the order they started in and how many ran at once."""

    def __init__(self) -> None:
        self.started: list[object] = []
        self.running = 0
        self.most_at_once = 0
        self.finish = asyncio.Event()
        self.all_done = asyncio.Event()

    async def process(self, payload: dict[str, object]) -> None:
        self.started.append(payload["number"])
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await self.finish.wait()
        for _ in range(3):  # let the loop run anything else it would start meanwhile
            await asyncio.sleep(0)
        self.running -= 1
        if len(self.started) == FLOOD and not self.running:
            self.all_done.set()


async def _flood(intake: Intake, turns: Turns) -> list[int]:
    """Send FLOOD events as the Slack channel does; the ids this replica took on at once."""
    intake.add_channel("slack", turns.process)
    held = []
    for number in range(FLOOD):
        payload = {"number": number}
        event_id = await intake.receive("slack", f"EvFlood{number:02d}", payload, may_wait=True)
        if event_id is not None:
            intake.process_later(event_id, "slack", turns.process(payload))
            held.append(event_id)
    return held


def _waiting(engine: Engine) -> list[tuple[object, int]]:
    """(payload number, attempts) of the rows nobody holds."""
    with unit_of_work(engine) as unit:
        rows = unit.connection.execute(select(ReceivedEvent.payload, ReceivedEvent.attempts)  # type: ignore[call-overload]
                                       .where(ReceivedEvent.claimed_by.is_(None), ReceivedEvent.processed_at.is_(None))
                                       .order_by(ReceivedEvent.id)).all()
    return [(payload["number"], attempts) for payload, attempts in rows]


async def test_a_flood_waits_in_the_table_and_is_processed_once_in_order_as_turns_end(
        engine: Engine, conversation: Conversation) -> None:
    here = Intake(conversation, capacity=4)
    turns = Turns()
    held = await _flood(here, turns)
    assert len(held) == 4 and len(here.in_flight) == 4
    assert _waiting(engine) == [(number, 0) for number in range(4, FLOOD)], "stored, never attempted, held by nobody"
    await asyncio.sleep(0)
    assert turns.started == [0, 1, 2, 3]

    turns.finish.set()
    await asyncio.wait_for(turns.all_done.wait(), 30)
    assert turns.started == list(range(FLOOD)), "each once, in the order they came"
    assert turns.most_at_once == 4
    await asyncio.gather(*here.in_flight.values())
    with unit_of_work(engine) as unit:
        unprocessed = unit.connection.execute(select(ReceivedEvent.id)
                                              .where(ReceivedEvent.processed_at.is_(None))).all()  # type: ignore[union-attr]
    assert unprocessed == []


async def test_a_replica_with_room_takes_up_what_waits_as_much_as_it_has_room_for(
        engine: Engine, conversation: Conversation) -> None:
    here = Intake(conversation, capacity=1)
    await _flood(here, Turns())
    there = Intake(conversation, capacity=5)
    theirs = Turns()
    there.add_channel("slack", theirs.process)
    assert await there.recover() == 5
    await asyncio.sleep(0)  # the turns it started begin
    assert theirs.started == [1, 2, 3, 4, 5]
    assert [number for number, _ in _waiting(engine)] == list(range(6, FLOOD))
    theirs.finish.set()
    await asyncio.gather(*there.in_flight.values())


class Gate:
    """A point a worker thread stops at until the test lets it go on; `reached` says it got there."""

    def __init__(self) -> None:
        self.reached, self.open = threading.Event(), threading.Event()

    def stop_here(self) -> None:
        if not self.open.is_set():
            self.reached.set()
            self.open.wait(30)

    async def wait_until_reached(self) -> bool:
        return await asyncio.to_thread(self.reached.wait, 30)


def held_claims(engine: Engine) -> Gate:
    """A claim stops once it has looked for free rows (and found none), until the gate opens."""
    gate = Gate()

    @event.listens_for(engine, "after_cursor_execute")
    def hold_the_claim(connection: object, cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("SELECT received_event.id, received_event.claimed_by"):
            gate.stop_here()

    return gate


async def test_an_event_that_comes_while_a_claim_holds_every_place_is_taken_up_by_that_claim(
        engine: Engine, conversation: Conversation) -> None:
    here = Intake(conversation)
    numbers: list[object] = []

    async def process(payload: dict[str, object]) -> None:
        numbers.append(payload["number"])

    here.add_channel("slack", process)
    claim = held_claims(engine)
    recovering = asyncio.ensure_future(here.recover())
    assert await claim.wait_until_reached()
    assert await here.receive("slack", "EvDuringClaim", {"number": 1}, may_wait=True) is None, \
        "no room while the claim holds every place: stored to wait"
    claim.open.set()
    assert await asyncio.wait_for(recovering, 30) == 1, "taken up at once, not at the next periodic look"
    await asyncio.gather(*here.in_flight.values())
    assert numbers == [1]


async def test_an_event_that_waited_for_a_claim_but_was_stored_after_it_is_taken_up_at_once(
        engine: Engine, conversation: Conversation) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("on SQLite an event is stored on the event loop, in one step, while no claim can end")
    here = Intake(conversation)
    processed = asyncio.Event()

    async def process(payload: dict[str, object]) -> None:
        processed.set()

    here.add_channel("slack", process)
    claim, store = held_claims(engine), Gate()

    @event.listens_for(engine, "begin")
    def hold_the_store(connection: object) -> None:
        """The first transaction to begin after the claim's is the one storing the event."""
        if claim.reached.is_set():
            store.stop_here()

    recovering = asyncio.ensure_future(here.recover())
    assert await claim.wait_until_reached()
    receiving = asyncio.ensure_future(here.receive("slack", "EvAfterClaim", {"number": 1}, may_wait=True))
    assert await store.wait_until_reached(), "it decided to wait while the claim held every place"
    claim.open.set()
    assert await asyncio.wait_for(recovering, 30) == 0, "the claim ended before the event was stored"
    store.open.set()
    assert await asyncio.wait_for(receiving, 30) is None
    await asyncio.wait_for(processed.wait(), 30)  # taken up at once, not at the next periodic look
