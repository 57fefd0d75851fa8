"""A turn that outlasts the intake's lease stays with the replica processing it: its lease is renewed while it
runs, so no other replica answers the same event a second time."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import Engine

from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from bot.core.intake import LEASE, Intake
from storage import received_events
from storage.engine import unit_of_work

A_WHILE = dt.timedelta(seconds=90)  # less than the lease; two of them are more


async def _slow_turn(here: Intake, finish: asyncio.Event, started: list[int] | None = None) -> int:
    async def process(payload: dict[str, object]) -> None:
        (started if started is not None else []).append(1)
        await finish.wait()

    here.add_channel("slack", process)
    event_id = await here.receive("slack", "EvSlowTurn", {"event": {"text": "a long question"}})
    assert event_id is not None
    here.process_later(event_id, "slack", process({}))
    return event_id


def _other_replica(conversation: Conversation, taken: list[dict[str, object]]) -> Intake:
    async def process(payload: dict[str, object]) -> None:
        taken.append(payload)

    there = Intake(conversation)
    there.add_channel("slack", process)
    return there


async def test_a_turn_longer_than_the_lease_is_not_taken_up_again_here_or_by_another_replica(
        engine: Engine, conversation: Conversation, clock: SettableClock) -> None:
    finish = asyncio.Event()
    here = Intake(conversation)
    turns: list[int] = []
    event_id = await _slow_turn(here, finish, turns)
    taken: list[dict[str, object]] = []
    there = _other_replica(conversation, taken)
    started = clock.now()
    while clock.now() < started + 2 * LEASE:
        clock.advance(A_WHILE)
        await here.tend()
        assert await there.recover() == 0, "the turn is still running here"
    assert len(turns) == 1, "nor is it started again here"
    finish.set()
    await here.in_flight[event_id]
    with unit_of_work(engine) as unit:
        assert received_events.count_unprocessed(connection=unit.connection) == 0
    assert taken == []


async def test_a_replica_that_stopped_tending_its_turn_loses_it_when_the_lease_runs_out(
        engine: Engine, conversation: Conversation, clock: SettableClock) -> None:
    here = Intake(conversation)
    await _slow_turn(here, asyncio.Event())
    taken: list[dict[str, object]] = []
    there = _other_replica(conversation, taken)
    clock.advance(A_WHILE)
    await here.tend()
    clock.advance(LEASE)
    assert await there.recover() == 1
    await asyncio.gather(*there.in_flight.values())
    assert taken == [{"event": {"text": "a long question"}}]
