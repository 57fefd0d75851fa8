"""A nudge shown in the terminal: delivered by the outbox to the person chatting, its buttons as numbered choices."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import Engine

from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.terminal.console import ConsoleChat
from bot.terminal.messenger import ConsoleMessenger
from nudge_world import add_record, staff_id, train_everyone
from storage import nudges
from storage.engine import session_scope
from workflows import delivery
from workflows.digests import JOB as DIGESTS
from workflows.nudges import JOB

SAM = "sam.okafor@example.org"


async def test_sam_sees_his_nudge_and_presses_done_by_typing_its_number(
        engine: Engine, profile: Profile, conversation: Conversation, clock: SettableClock) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={SAM: dt.date(2025, 11, 2)})
    add_record(engine, SAM, "R-7003", dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC))
    output = io.StringIO()
    chat = ConsoleChat(conversation=conversation, staff_id=staff_id(engine, SAM), output=output)

    assert JOB in await conversation.schedule.run_due(clock.now())
    run = await delivery.deliver_due(engine=engine, messengers=[ConsoleMessenger(chat)], now=clock.now())
    assert run.sent == 1
    shown = output.getvalue()
    assert shown.startswith("A reminder from igbot\nYour Keeping Information Safe training ran out on 2 November 2026.")
    assert "- R-7003, contact on 20 November 2026 at 09:30" in shown
    assert "[1] Done: training   [2] Done: R-7003   [3] Remind me tomorrow" in shown

    chat.say("2")
    assert "the write-up of R-7003" in output.getvalue()
    with session_scope(engine) as session:
        [done] = [state for state in nudges.get_all(session=session) if state.said_done_at is not None]
        assert done.item == "record:R-7003"


async def test_rachel_sees_her_weekly_digest_in_the_terminal(
        engine: Engine, profile: Profile, conversation: Conversation, clock: SettableClock) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={SAM: dt.date(2025, 11, 2)})
    add_record(engine, SAM, "R-7003", dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC))
    output = io.StringIO()
    chat = ConsoleChat(conversation=conversation, staff_id=staff_id(engine, "rachel.dunmore@example.org"),
                       output=output)
    assert DIGESTS in await conversation.schedule.run_due(clock.now())
    await delivery.deliver_due(engine=engine, messengers=[ConsoleMessenger(chat)], now=clock.now())
    assert output.getvalue().splitlines()[:5] == [
        "Your team's IG week, 23 November 2026",
        "Training: 6 of 7 trained in the last year (86%, target 95%): below target.",
        "Training overdue:",
        "- Sam Okafor: overdue since 2 November 2026",
        "Records not written up within 48 hours:",
    ]
