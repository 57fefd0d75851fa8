"""The received-events table: stored once per delivery key, held under a lease, taken up when abandoned, and
emptied of what the person wrote once processed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from bot.core.chat import Channel, IncomingMessage
from bot.core.conversation import Conversation
from moments import MONDAY_MORNING
from storage import received_events
from storage.engine import unit_of_work
from storage.received_events import ReceivedEvent

LEASE = dt.timedelta(minutes=2)
QUESTION = {"event": {"text": "how long do we keep adult health records?"}}


def _receive(engine: Engine, key: str, *, owner: str = "web-1:100", now: dt.datetime = MONDAY_MORNING) -> int | None:
    with unit_of_work(engine) as unit:
        return received_events.receive(connection=unit.connection, channel="slack", delivery_key=key,
                                       payload=QUESTION, owner=owner, now=now, lease=LEASE)


def _claim(engine: Engine, owner: str, now: dt.datetime, abandoned_by: tuple[str, ...] = ()) -> list[int]:
    with unit_of_work(engine) as unit:
        return [event.id for event in received_events.claim_due(connection=unit.connection, owner=owner, now=now,
                                                                lease=LEASE, limit=10, channels=["slack"],
                                                                abandoned_by=abandoned_by)]


def test_a_delivery_is_stored_once_however_often_it_comes(engine: Engine) -> None:
    first = _receive(engine, "Ev0001")
    assert first is not None
    assert _receive(engine, "Ev0001") is None
    assert _receive(engine, "Ev0001", owner="web-2:200") is None


def test_a_held_event_is_left_alone_until_its_lease_runs_out(engine: Engine) -> None:
    event_id = _receive(engine, "Ev0002")
    assert _claim(engine, "web-2:200", MONDAY_MORNING + dt.timedelta(minutes=1)) == []
    assert _claim(engine, "web-2:200", MONDAY_MORNING + LEASE) == [event_id]
    assert _claim(engine, "web-3:300", MONDAY_MORNING + LEASE) == [], "the second replica's claim holds it now"


def test_a_restarted_replica_takes_up_what_its_earlier_life_held_at_once(engine: Engine) -> None:
    event_id = _receive(engine, "Ev0003", owner="web-1:100")
    with unit_of_work(engine) as unit:
        assert received_events.holders(connection=unit.connection) == {"web-1:100"}
    assert _claim(engine, "web-1:101", MONDAY_MORNING, abandoned_by=("web-1:100",)) == [event_id]


def test_a_released_event_is_free_and_a_finished_one_forgets_its_text(engine: Engine) -> None:
    event_id = _receive(engine, "Ev0004")
    assert event_id is not None
    with unit_of_work(engine) as unit:
        received_events.release(connection=unit.connection, event_ids=[event_id], owner="web-1:100")
    assert _claim(engine, "web-2:200", MONDAY_MORNING) == [event_id]
    with unit_of_work(engine) as unit:
        received_events.finish(connection=unit.connection, event_id=event_id, now=MONDAY_MORNING)
    with unit_of_work(engine) as unit:
        row = unit.session.exec(select(ReceivedEvent).where(ReceivedEvent.id == event_id)).scalars().one()
        assert row.processed_at is not None and row.payload is None and row.replies is None
        assert received_events.count_unprocessed(connection=unit.connection) == 0
    assert _claim(engine, "web-2:200", MONDAY_MORNING + 2 * LEASE) == []
    with unit_of_work(engine) as unit:
        assert received_events.forget_processed(connection=unit.connection,
                                                before=MONDAY_MORNING + dt.timedelta(days=2)) == 1


async def test_a_turn_done_before_a_crash_is_answered_with_its_replies_not_done_again(
        engine: Engine, conversation: Conversation) -> None:
    """The turn committed (with its replies kept), the process died before posting them: when the event is
    processed again, the same replies come back, and the turn is not done a second time."""
    event_id = _receive(engine, "EvCrash01")
    assert event_id is not None
    message = IncomingMessage(channel=Channel.SLACK, staff_id=None, text="help", delivery_id="EvCrash01")
    first = await conversation.handle(message)
    assert first
    again = await conversation.handle(message)
    assert [reply.text for reply in again] == [reply.text for reply in first]
    with unit_of_work(engine) as unit:
        received_events.finish(connection=unit.connection, event_id=event_id, now=MONDAY_MORNING)
    assert await conversation.handle(message) == [], "once processed, a repeat is not answered"
