"""Someone not in the staff directory acts only on their own items: compared by Slack identity, since their
directory id is empty, like everyone else's outside it."""

from __future__ import annotations

from slack_harness import VISITOR, SlackWorkspace, buttons
from sqlmodel import select

from bot.core.assistant import Assistant
from storage.curation import CurationItem
from storage.engine import session_scope

OTHER_VISITOR = "UVISITOR2"


async def test_another_outsider_cannot_pass_on_a_visitors_question(slack: SlackWorkspace, assistant: Assistant) -> None:
    slack.api.emails[OTHER_VISITOR] = "another.locum@agency.example"
    await slack.dm(VISITOR, "can I wear smart glasses that record video on a home visit?")
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert buttons(answer)["Ask the IG team"].startswith("kb:refer-declined:")

    await slack.click(OTHER_VISITOR, answer, "Ask the IG team")  # the same button, pressed by someone else
    [_, refused] = await slack.api.wait_for("chat.postMessage", count=2)
    with session_scope(assistant.engine) as session:
        assert not session.exec(select(CurationItem).where(CurationItem.signal == "referred")).all()

    await slack.click(VISITOR, answer, "Ask the IG team")
    [*_, referred] = await slack.api.wait_for("chat.postMessage", count=3)
    assert referred.text != refused.text
    with session_scope(assistant.engine) as session:
        [item] = session.exec(select(CurationItem).where(CurationItem.signal == "referred")).all()
        assert item.staff_id is None and item.asker == f"slack:{VISITOR}"
