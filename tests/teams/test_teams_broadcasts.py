"""Broadcasts end to end in Teams: written on a card, delivered by the outbox to Sam's chat, acknowledged on its
card, and counted once however many times and wherever it is acknowledged."""

from __future__ import annotations

from sqlalchemy import Engine
from teams_fakes import FakeConnector, Igbot, TeamsUser

from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from broadcast_world import staff_id
from storage import broadcasts
from storage.engine import session_scope
from workflows import delivery
from workflows.broadcasts import JOB

HARRIET = TeamsUser(name="Harriet Osei", email="harriet.osei@example.org",
                    aad_object_id="5a1e0c9d-3b7f-4e2a-8c6d-1f0e9b8a7c09")


async def test_a_broadcast_written_on_a_card_is_acknowledged_once_in_teams_and_elsewhere(
        igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine, conversation: Conversation,
        clock: SettableClock, chat_as) -> None:  # type: ignore[no-untyped-def]  # chat_as is a factory
    connector.roster[HARRIET.user_id] = HARRIET.roster_entry
    await igbot.post(sam.says(connector.url, "hello"))
    await connector.wait_for(1)
    await igbot.post(HARRIET.says(connector.url, "broadcast"))
    *_, form = await connector.wait_for(2)
    assert list(form.inputs) == ["title", "body", "audience", "ack_by", "send_at", "incident"]
    submitted = {**form.buttons["Preview"], "title": "Lock your screen", "ack_by": "2026-12-04", "send_at": "now",
                 "body": "Press **Windows+L** when you leave. [Guide](https://intranet.example.org/lock)",
                 "audience": "emails:sam.okafor@example.org,harriet.osei@example.org"}
    await igbot.post(HARRIET.presses(connector.url, submitted))
    *_, preview, confirm = await connector.wait_for(4)
    assert "Press **Windows\\+L** when you leave. Guide \\([https://intranet.example.org/lock](" in preview.text
    assert "exactly what 2 people will see" in confirm.text
    await igbot.post(HARRIET.presses(connector.url, confirm.buttons["Send"]))
    *_, sending = await connector.wait_for(5)
    assert "going out now to 2 people" in sending.text

    assert JOB in await conversation.schedule.run_due(clock.now())
    await delivery.deliver_due(engine=engine, messengers=[igbot.messenger], now=clock.now())
    [lesson] = [sent for sent in connector.sent if sent.conversation_id == sam.conversation_id
                and "Lock your screen" in sent.text]
    assert list(lesson.buttons) == ["I've read this"]
    before = len(connector.sent)
    await igbot.post(sam.presses(connector.url, lesson.buttons["I've read this"], replyToId=lesson.id))
    *_, thanks = await connector.wait_for(before + 1)
    assert "I've recorded that you've read \u201cLock your screen\u201d" in thanks.text
    [read] = connector.updated
    assert read.id == lesson.id and read.conversation_id == sam.conversation_id, "the lesson's own card, redrawn"
    assert read.buttons == {} and "You told me you've read this" in read.text and "Windows" in read.text
    await igbot.post(sam.presses(connector.url, lesson.buttons["I've read this"]))
    *_, again = await connector.wait_for(before + 2)
    assert "you had already told me" in again.text
    assert "already told me" in chat_as(sam.email).text(action=lesson.buttons["I've read this"]["action"])

    with session_scope(engine) as session:
        [sent] = broadcasts.get_all(session=session)
        recipient = broadcasts.get_recipient(session=session, broadcast_id=sent.id,
                                             staff_id=staff_id(engine, sam.email))
        assert recipient is not None and recipient.acknowledged_on == "teams"
        assert [(t.recipients, t.acknowledged) for t in broadcasts.acknowledgement_by_team(
            session=session, broadcast_id=sent.id)] == [(1, 0), (1, 1)]


async def test_someone_not_in_an_ig_role_is_refused_in_teams(igbot: Igbot, connector: FakeConnector,
                                                             sam: TeamsUser) -> None:
    await igbot.post(sam.says(connector.url, "broadcast"))
    [refused] = await connector.wait_for(1)
    assert refused.text.startswith("Only the IG team can do that.") and refused.inputs == {}
