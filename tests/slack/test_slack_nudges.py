"""A nudge end to end in Slack: planned by the daily job, delivered by the outbox, answered with its buttons."""

from __future__ import annotations

import datetime as dt

from slack_harness import SAM, SlackWorkspace, buttons

from bot.core.assistant import Assistant
from bot.slack import SlackMessenger
from nudge_world import add_record, train_everyone
from storage import directory, nudges
from storage.engine import session_scope
from workflows import delivery
from workflows.digests import JOB as DIGESTS
from workflows.nudges import JOB


async def test_a_nudge_reaches_sams_direct_messages_and_done_is_recorded(assistant: Assistant,
                                                                        slack: SlackWorkspace) -> None:
    engine, profile = assistant.engine, assistant.profile
    _only_sam_is_due(assistant)
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert sam is not None
        directory.link_platform_id(session=session, member=sam, slack_user_id=SAM)

    assert JOB in await assistant.conversation.schedule.run_due(assistant.clock.now())
    messenger = SlackMessenger.from_settings(assistant.settings)
    run = await delivery.deliver_due(engine=engine, messengers=[messenger], now=assistant.clock.now())
    assert run.sent >= 1
    posted = [call for call in slack.api.of("chat.postMessage") if call.params["channel"] == "D" + SAM.lstrip("U")]
    [nudge] = posted
    assert "A reminder from igbot" in nudge.text and "R-7001" in nudge.text
    assert list(buttons(nudge)) == ["Done: training", "Done: R-7001", "Remind me tomorrow"]

    await slack.click(SAM, nudge, "Done: training")
    await slack.api.wait_until(lambda: any("won't remind you" in call.text for call in slack.api.calls))
    with session_scope(engine) as session:
        [state] = [s for s in nudges.get_all(session=session) if s.item == nudges.TRAINING and s.staff_id == sam.id]
        assert state.said_done_at == assistant.clock.now()


def _only_sam_is_due(assistant: Assistant) -> None:
    """The seeded demo training is replaced: everyone current but Sam, who is overdue and has a late record."""
    from sqlmodel import delete

    from storage.training import TrainingRecord

    with session_scope(assistant.engine) as session:
        session.exec(delete(TrainingRecord))  # type: ignore[call-overload]  # a bulk delete
    train_everyone(assistant.engine, assistant.profile, on=dt.date(2026, 6, 1),
                   but={"sam.okafor@example.org": dt.date(2025, 10, 1)})
    add_record(assistant.engine, "sam.okafor@example.org", "R-7001", dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC))


async def test_rachels_weekly_digest_reaches_her_direct_messages(assistant: Assistant, slack: SlackWorkspace) -> None:
    _only_sam_is_due(assistant)
    with session_scope(assistant.engine) as session:
        rachel = directory.get_by_email(session=session, email="rachel.dunmore@example.org")
        assert rachel is not None
        directory.link_platform_id(session=session, member=rachel, slack_user_id="URACHEL01")

    assert DIGESTS in await assistant.conversation.schedule.run_due(assistant.clock.now())
    messenger = SlackMessenger.from_settings(assistant.settings)
    await delivery.deliver_due(engine=assistant.engine, messengers=[messenger], now=assistant.clock.now())
    [digest] = [call for call in slack.api.of("chat.postMessage") if call.params["channel"] == "DRACHEL01"]
    assert "Your team's IG week, 23 November 2026" in digest.text
    assert "Sam Okafor: overdue since 1 October 2026" in digest.text and "R-7001" in digest.text
