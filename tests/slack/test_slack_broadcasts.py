"""Broadcasts end to end in Slack: `/ig broadcast` opens a modal, the lesson is delivered through the outbox
and acknowledged with its button, over signed requests to igbot and a fake Slack Web API."""

from __future__ import annotations

from slack_harness import HARRIET, SAM, SlackWorkspace, buttons

from bot.core.assistant import Assistant
from bot.slack import SlackMessenger
from broadcast_world import link_slack, staff_id
from storage import broadcasts
from storage.engine import session_scope
from workflows import delivery
from workflows.broadcasts import JOB


def _text(value: str) -> dict[str, str]:
    return {"type": "plain_text_input", "value": value}


async def test_the_ig_officer_broadcasts_from_a_modal_and_sam_acknowledges_it_once(assistant: Assistant,
                                                                                  slack: SlackWorkspace) -> None:
    engine = assistant.engine
    link_slack(engine, "sam.okafor@example.org", SAM)
    await slack.command(HARRIET, "broadcast")
    [opened] = await slack.api.wait_for("views.open")
    assert [block["block_id"] for block in opened.params["view"]["blocks"]] == [
        "title", "body", "audience", "ack_by", "send_at", "incident"]
    await slack.submit(HARRIET, opened, {
        "title": _text("Check the recipient <!channel>"),
        "body": _text("## What happened\nTwo emails went astray.\n\n* Check the **address**\n* Ask <@U0BOSS>"),
        "audience": _text("team:Harbour Recovery"), "ack_by": _text("2026-12-04"), "send_at": _text("now"),
        "incident": _text("")})
    await slack.api.wait_until(lambda: any("Send" in buttons(call) for call in slack.api.calls))
    [confirm] = [call for call in slack.api.calls if "Send" in buttons(call)]
    assert "exactly what 8 people will see" in confirm.text
    preview = [call for call in slack.api.calls if "I've read this" in buttons(call)][0]
    assert "Ask &lt;@U0BOSS&gt;" in preview.text, "what the officer typed can't mention anyone"
    assert "&lt;!channel&gt;" in preview.params["text"], "nor ping the channel in the notification"
    assert "*What happened*" in preview.text and "• Check the *address*" in preview.text
    await slack.click(HARRIET, confirm, "Send")
    await slack.api.wait_until(lambda: any("going out now" in call.text for call in slack.api.calls))

    assert JOB in await assistant.conversation.schedule.run_due(assistant.clock.now())
    messenger = SlackMessenger.from_settings(assistant.settings)
    await delivery.deliver_due(engine=engine, messengers=[messenger], now=assistant.clock.now())
    [lesson] = [call for call in slack.api.of("chat.postMessage") if call.params["channel"] == "DSAMOKAFOR"]
    assert "Check the recipient" in lesson.text and list(buttons(lesson)) == ["I've read this"]

    await slack.click(SAM, lesson, "I've read this")
    await slack.api.wait_until(lambda: any("I've recorded that you've read" in call.text for call in slack.api.calls))
    [updated] = slack.api.of("chat.update")
    assert buttons(updated) == {} and "I've read this" in updated.text, "the button shows it was pressed"
    await slack.click(SAM, lesson, "I've read this")
    await slack.api.wait_until(lambda: any("already told me" in call.text for call in slack.api.calls))
    with session_scope(engine) as session:
        [sent] = broadcasts.get_all(session=session)
        recipient = broadcasts.get_recipient(session=session, broadcast_id=sent.id,
                                             staff_id=staff_id(engine, "sam.okafor@example.org"))
        assert recipient is not None and recipient.acknowledged_on == "slack"
        [team] = broadcasts.acknowledgement_by_team(session=session, broadcast_id=sent.id)
        assert (team.recipients, team.acknowledged) == (8, 1)


async def test_someone_not_in_an_ig_role_is_refused_and_no_modal_opens(slack: SlackWorkspace) -> None:
    await slack.command(SAM, "broadcast")
    await slack.api.wait_until(lambda: any("Only the IG team can do that" in call.text for call in slack.api.calls))
    assert slack.api.of("views.open") == []


async def test_status_is_answered_in_slack(assistant: Assistant, slack: SlackWorkspace) -> None:
    from broadcast_world import sent_broadcast

    broadcast_id = sent_broadcast(assistant.engine, assistant.profile, assistant.clock.now(),
                                  audience={"kind": "teams", "values": ["Harbour Recovery"]})
    await slack.command(HARRIET, f"broadcast status {broadcast_id}")
    await slack.api.wait_until(lambda: any("0 of 8 people have read it" in call.text for call in slack.api.calls))
