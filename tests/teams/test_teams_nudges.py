"""A nudge end to end in Teams: planned by the daily job, delivered by the outbox to Sam's chat, answered on its card."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from teams_fakes import FakeConnector, Igbot, TeamsUser

from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from nudge_world import add_record, train_everyone
from storage import nudges
from storage.engine import session_scope
from workflows import delivery
from workflows.nudges import JOB


async def test_a_nudge_reaches_sam_in_teams_and_remind_me_tomorrow_is_recorded(
        igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine, profile: Profile,
        conversation: Conversation, clock: SettableClock) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={sam.email: None})
    add_record(engine, sam.email, "R-7002", dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC))
    await igbot.post(sam.says(connector.url, "hello"))
    await connector.wait_for(1)

    assert JOB in await conversation.schedule.run_due(clock.now())
    assert (await delivery.deliver_due(engine=engine, messengers=[igbot.messenger], now=clock.now())).sent == 1
    _, nudge = await connector.wait_for(2)
    assert nudge.conversation_id == sam.conversation_id
    assert "haven't completed **Keeping Information Safe**" in nudge.text and "R-7002" in nudge.text
    assert list(nudge.buttons) == ["Done: training", "Done: R-7002", "Remind me tomorrow"]

    await igbot.post(sam.presses(connector.url, nudge.buttons["Remind me tomorrow"]))
    *_, answer = await connector.wait_for(3)
    assert "I'll remind you on Tuesday 24 November" in answer.text
    with session_scope(engine) as session:
        assert {state.snoozed_until for state in nudges.get_all(session=session)} == {
            dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)}
