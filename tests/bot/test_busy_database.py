"""On SQLite a turn is done on the event loop and never waits there: a locked database sends it to a thread."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import Engine
from sqlmodel import func, select

from bot.core.chat import Channel, IncomingMessage
from bot.core.conversation import Conversation
from storage.engine import session_scope
from storage.models import MessageLog


async def test_a_question_asked_while_another_writer_holds_the_database_is_answered_once_it_is_free(
    engine: Engine, conversation: Conversation, chat_as, caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    if conversation.no_wait_engine is None:
        pytest.skip("on PostgreSQL every turn runs in a worker thread")
    caplog.set_level("INFO")
    question = IncomingMessage(channel=Channel.SLACK, staff_id=chat_as("sam.okafor@example.org").staff_id,
                               text="who is our data protection officer?", delivery_id="EvBusy0001")
    writer = engine.raw_connection()
    try:
        writer.cursor().execute("BEGIN IMMEDIATE")  # another process, say `igbot directory import`, is writing
        answering = asyncio.create_task(conversation.handle(question))
        started = time.monotonic()
        await asyncio.sleep(0)  # one pass of the loop: the task tries the turn, finds the lock, hands it to a thread
        assert time.monotonic() - started < 5, "the event loop did not wait for the lock (SQLite would wait 30 s)"
        assert "database busy: the turn moves to a thread" in caplog.text
        assert not answering.done(), "the turn waits for the lock in its thread, not on the event loop"
        writer.rollback()
    finally:
        writer.close()
    [reply] = await answering
    assert "Imogen Thwaite" in reply.text
    with session_scope(engine) as session:
        logged = select(func.count()).select_from(MessageLog).where(MessageLog.delivery_id == "EvBusy0001")
        assert session.exec(logged).one() == 1, "the attempt on the event loop wrote nothing"
