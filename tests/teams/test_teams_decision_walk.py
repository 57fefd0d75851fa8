"""A whole "Can I share this?" walk in Teams, pressing card buttons, ending in a recorded decision."""

from __future__ import annotations

from sqlalchemy import Engine
from teams_fakes import FakeConnector, Igbot, TeamsUser

from storage import decisions, directory
from storage.engine import session_scope


async def test_a_sharing_check_walked_on_cards_ends_in_a_recorded_decision(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    await igbot.post(sam.says(connector.url, "can I share this?"))
    sent = await connector.wait_for(1)
    for _ in range(12):
        latest = sent[-1]
        if "recorded this decision" in latest.text:
            break
        first_option = next(data for title, data in latest.buttons.items() if title != "Back")
        await igbot.post(sam.presses(connector.url, first_option))
        sent = await connector.wait_for(len(sent) + 1)
    outcome = sent[-1]
    assert "recorded this decision as DEC-" in outcome.text
    assert any(text.startswith("Source: ") for text in outcome.texts)
    assert {"Back", "Start over", "Send me a copy"} <= set(outcome.buttons)
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=sam.email)
        assert member is not None
        [decision] = decisions.get_all(session=session, staff_id=member.id)
    assert decision.tree_id == "can-i-share" and decision.reference in outcome.text
    assert len(decision.answers) >= 2, "the walk took more than one step"
