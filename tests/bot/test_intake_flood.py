"""A flood of events waits in the table, not in memory: a replica runs at most its capacity of turns at once, and
takes up the rest, in the order they came, as its turns end; a replica with room takes them up too."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, select

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
