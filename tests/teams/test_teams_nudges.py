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
from workflows.digests import JOB as DIGESTS
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


async def test_rachels_weekly_digest_reaches_her_in_teams(
        igbot: Igbot, connector: FakeConnector, engine: Engine, profile: Profile, conversation: Conversation,
        clock: SettableClock) -> None:
    rachel = TeamsUser(name="Rachel Dunmore", email="rachel.dunmore@example.org",
                       aad_object_id="5a1e0c9d-3b7f-4e2a-8c6d-1f0e9b8a7c02")
    connector.roster[rachel.user_id] = rachel.roster_entry
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={"sam.okafor@example.org": None})
    await igbot.post(rachel.says(connector.url, "hello"))
    await connector.wait_for(1)

    assert DIGESTS in await conversation.schedule.run_due(clock.now())
    await delivery.deliver_due(engine=engine, messengers=[igbot.messenger], now=clock.now())
    _, digest = await connector.wait_for(2)
    assert digest.conversation_id == rachel.conversation_id
    assert "Your team's IG week, 23 November 2026" in digest.text
    assert "Sam Okafor: never completed" in digest.text
