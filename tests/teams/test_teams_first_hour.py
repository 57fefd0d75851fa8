"""The first hour in Teams, end to end: a draft set aside is offered back, a stray number is not a
question, and the IG officer's inbox and answer work over the Bot Connector."""

from __future__ import annotations

import re

from teams_fakes import FakeConnector, Igbot, TeamsUser


async def test_a_draft_set_aside_in_teams_is_offered_back_and_a_stray_number_is_not_a_question(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    await igbot.post(sam.says(connector.url, "can I share this?"))
    await igbot.post(sam.says(connector.url, "cancel"))
    await igbot.post(sam.says(connector.url, "7"))
    await igbot.post(sam.says(connector.url, "hello"))
    *_, aside, stray, greeting = await connector.wait_for(4)
    assert "aside with your answers so far" in aside.text
    assert "nothing to choose from just now" in stray.text and "Can I share this?" in stray.text
    assert "in progress" in greeting.text and "Can I share this?" in greeting.text
    assert {"Carry on", "Discard"} <= set(greeting.buttons)
    await igbot.post(sam.presses(connector.url, greeting.buttons["Carry on"]))
    first_question = (await connector.wait_for(1))[0]
    *_, question = await connector.wait_for(5)
    assert question.text == first_question.text, "back at the question Sam left"


async def test_the_ig_officer_answers_from_the_inbox_in_teams(igbot: Igbot, connector: FakeConnector,
                                                              sam: TeamsUser) -> None:
    harriet = TeamsUser(name="Harriet Osei", email="harriet.osei@example.org",
                        aad_object_id="7d2f1e0a-4c8b-4f3a-9d7e-2a1b0c9d8e02")
    connector.roster[harriet.user_id] = harriet.roster_entry
    await igbot.post(sam.says(connector.url, "how do I claim my mileage expenses?"))
    [declined] = await connector.wait_for(1)
    await igbot.post(sam.presses(connector.url, declined.buttons["It is about IG: ask the IG team"]))
    _, saved = await connector.wait_for(2)
    reference = re.search(r"Q-\d+", saved.text)
    assert reference is not None
    await igbot.post(harriet.says(connector.url, "inbox"))
    *_, inbox = await connector.wait_for(3)
    assert reference.group() in inbox.text and "Sam" not in inbox.text
    await igbot.post(harriet.presses(connector.url, inbox.buttons[f"Answer {reference.group()}"]))
    *_, asked = await connector.wait_for(4)
    assert "What is your answer" in asked.text
    await igbot.post(harriet.says(connector.url, "Mileage goes through the finance system."))
    *_, sent = await connector.wait_for(5)
    assert f"Sent to the person who asked {reference.group()}" in sent.text
