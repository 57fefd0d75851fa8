"""Slack event ids, remembered in the database so a retried event is processed once, whichever replica gets it."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from sqlmodel import select

from storage import slack_events
from storage.engine import session_scope
from storage.slack_events import ProcessedSlackEvent
from storage.types import utcnow


def claim(engine: Engine, event_id: str) -> bool:
    with session_scope(engine) as session:
        return slack_events.claim(session=session, event_id=event_id)


def test_an_event_id_is_claimed_once(engine: Engine) -> None:
    assert claim(engine, "Ev0001") is True
    assert claim(engine, "Ev0001") is False
    assert claim(engine, "Ev0002") is True


def test_deliveries_racing_on_several_replicas_are_claimed_once(engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: claim(engine, "EvRace01"), range(12)))
    assert outcomes.count(True) == 1


def test_old_event_ids_are_forgotten(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(ProcessedSlackEvent(event_id="EvOld", received_at=utcnow() - dt.timedelta(days=2)))
        session.add(ProcessedSlackEvent(event_id="EvNew"))
    with session_scope(engine) as session:
        assert slack_events.forget_before(session=session, cutoff=utcnow() - dt.timedelta(days=1)) == 1
    with session_scope(engine) as session:
        assert [event.event_id for event in session.exec(select(ProcessedSlackEvent))] == ["EvNew"]
