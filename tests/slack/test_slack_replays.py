"""A click, form or command Slack sent once, replayed inside the signature window: acted on once, by any replica."""

from __future__ import annotations

from pathlib import Path

from slack_harness import SAM, FakeSlackApi, SlackWorkspace, igbot_server, make_assistant, slack_environment
from sqlmodel import select

from bot.core.assistant import Assistant
from storage.curation import CurationItem
from storage.engine import session_scope
from storage.models import MessageLog


async def _referrals(assistant: Assistant) -> list[CurationItem]:
    with session_scope(assistant.engine) as session:
        return list(session.exec(select(CurationItem).where(CurationItem.signal == "referred")).all())


async def test_a_replayed_click_is_acted_on_once(slack: SlackWorkspace, assistant: Assistant) -> None:
    await slack.dm(SAM, "can I wear smart glasses that record video on a home visit?")
    [answer] = await slack.api.wait_for("chat.postMessage")
    for _ in range(3):
        assert (await slack.click(SAM, answer, "Ask the IG team", trigger_id="trigger.replayed"))[0] == 200
    await slack.dm(SAM, "help")  # a new message after the replays, to wait on
    [*_, last] = await slack.api.wait_for("chat.postMessage", count=3)
    assert "Hello Sam Okafor" in last.text
    assert len(await _referrals(assistant)) == 1
    assert len(slack.api.of("chat.postMessage")) == 3, "the answer, the one referral, and the help"
    with session_scope(assistant.engine) as session:
        clicks = session.exec(select(MessageLog).where(MessageLog.kind == "action")).all()
        assert len(clicks) == 1


async def test_a_click_replayed_to_another_replica_is_acted_on_once(
    slack: SlackWorkspace, assistant: Assistant, database_url: str, tmp_path: Path, slack_api: FakeSlackApi
) -> None:
    second = make_assistant(database_url, tmp_path, slack_environment(slack_api))
    try:
        async with igbot_server(second) as second_url:
            other_replica = SlackWorkspace(server_url=second_url, api=slack_api, session=slack.session)
            await slack.dm(SAM, "can I wear smart glasses that record video on a home visit?")
            [answer] = await slack_api.wait_for("chat.postMessage")
            await slack.click(SAM, answer, "Ask the IG team", trigger_id="trigger.twice")
            await slack_api.wait_for("chat.postMessage", count=2)
            assert (await other_replica.click(SAM, answer, "Ask the IG team", trigger_id="trigger.twice"))[0] == 200
            await other_replica.dm(SAM, "help", event_id="EvOtherReplica1")
            [*_, last] = await slack_api.wait_for("chat.postMessage", count=3)
            assert "Hello Sam Okafor" in last.text
            assert len(await _referrals(assistant)) == 1
            assert len(slack_api.of("chat.postMessage")) == 3
    finally:
        second.engine.dispose()


async def test_a_replayed_command_is_answered_once(slack: SlackWorkspace) -> None:
    from urllib.parse import urlencode

    form = {"token": "legacy", "team_id": slack.team_id, "channel_id": "CTEAMROOM", "user_id": SAM, "command": "/ig",
            "text": "help", "response_url": slack.api.response_url("r1"), "trigger_id": "trigger.command"}
    def answered() -> list[str]:
        return [call.params["response_url"] for call in slack.api.of("response_url")]

    assert (await slack.send(urlencode(form), content_type="application/x-www-form-urlencoded"))[0] == 200
    await slack.api.wait_until(lambda: "r1" in answered())
    for _ in range(2):  # Slack's retries of a command it thinks went unanswered
        assert (await slack.send(urlencode(form), content_type="application/x-www-form-urlencoded"))[0] == 200
    await slack.command(SAM, "help", response_url="r2")
    await slack.api.wait_until(lambda: "r2" in answered())
    assert answered() == ["r1", "r2"]
