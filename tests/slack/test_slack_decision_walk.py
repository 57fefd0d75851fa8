"""A whole "Can I share this?" walk in Slack, with buttons, ending in a recorded decision."""

from __future__ import annotations

from slack_harness import SAM, SlackWorkspace, buttons

from bot.core.assistant import Assistant
from storage import decisions, directory
from storage.engine import session_scope


async def test_a_sharing_check_walked_with_buttons_ends_in_a_recorded_decision(
    slack: SlackWorkspace, assistant: Assistant
) -> None:
    await slack.dm(SAM, "can I share this?")
    posted = await slack.api.wait_for("chat.postMessage")
    for _ in range(12):
        latest = posted[-1]
        if "recorded this decision" in latest.text:
            break
        first_option = next(label for label in buttons(latest) if label != "Back")
        await slack.click(SAM, latest, first_option)
        posted = await slack.api.wait_for("chat.postMessage", count=len(posted) + 1)
    outcome = posted[-1]
    assert "recorded this decision as DEC-" in outcome.text
    assert "Source: " in outcome.text
    assert {"Back", "Start over", "Send me a copy"} <= set(buttons(outcome))
    with session_scope(assistant.engine) as session:
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert sam is not None
        [decision] = decisions.get_all(session=session, staff_id=sam.id)
    assert decision.tree_id == "can-i-share" and decision.reference in outcome.text
    assert len(decision.answers) >= 2, "the walk took more than one step"
