"""The first hour in Slack, end to end: a question passed to the IG team is answered from their inbox and
reaches the asker's direct messages; a stray number is not taken as a question; a draft set aside is offered back."""

from __future__ import annotations

import re

from slack_harness import HARRIET, SAM, Call, SlackWorkspace, buttons

from bot.core.assistant import Assistant
from bot.slack import SlackMessenger
from workflows import delivery


async def test_a_question_passed_on_in_slack_is_answered_from_the_inbox(slack: SlackWorkspace,
                                                                        assistant: Assistant) -> None:
    await slack.dm(SAM, "how do I claim my mileage expenses?")
    [declined] = await slack.api.wait_for("chat.postMessage")
    await slack.click(SAM, declined, "It is about IG: ask the IG team")  # passed on all the same
    [_, saved] = await slack.api.wait_for("chat.postMessage", count=2)
    reference = re.search(r"Q-\d+", saved.text)
    assert reference is not None and "inbox" in saved.text

    await slack.dm(HARRIET, "inbox")
    [*_, inbox] = await slack.api.wait_for("chat.postMessage", count=3)
    assert reference.group() in inbox.text and "Recovery Worker, Harbour Recovery" in inbox.text
    assert "Sam" not in inbox.text
    await slack.dm(HARRIET, f"answer {reference.group()} Mileage is claimed through the finance system, not IG.")
    [*_, sent] = await slack.api.wait_for("chat.postMessage", count=4)
    assert f"Sent to the person who asked {reference.group()}" in sent.text

    messenger = SlackMessenger.from_settings(assistant.settings)
    run = await delivery.deliver_due(engine=assistant.engine, messengers=[messenger], now=assistant.clock.now())
    assert run.sent >= 1
    answers = [call for call in slack.api.of("chat.postMessage") if "An answer from the IG team" in call.text]
    assert [call.params["channel"] for call in answers] == ["D" + SAM.lstrip("U")]
    assert "finance system" in answers[0].text and "mileage" in answers[0].text


async def test_a_stray_number_in_slack_is_not_answered_as_a_question(slack: SlackWorkspace) -> None:
    await slack.dm(SAM, "2")
    [reply] = await slack.api.wait_for("chat.postMessage")
    assert "There's nothing to choose from just now" in reply.text and "principle" not in reply.text.lower()


async def test_a_draft_set_aside_in_slack_is_offered_back(slack: SlackWorkspace) -> None:
    await slack.dm(SAM, "report an incident")
    await _posted(slack, "Question 1 of")
    await slack.dm(SAM, "cancel")
    assert "aside with your answers so far" in (await _posted(slack, "aside")).text
    await slack.dm(SAM, "hello")
    greeting = await _posted(slack, "in progress")
    assert "You have *Report an incident* in progress" in greeting.text
    assert {"Carry on", "Discard"} <= set(buttons(greeting))


async def _posted(slack: SlackWorkspace, words: str) -> Call:
    """The first message posted that contains `words`, once it has arrived."""
    def found() -> list[Call]:
        return [call for call in slack.api.of("chat.postMessage") if words in call.text]

    await slack.api.wait_until(lambda: bool(found()))
    return found()[0]
