"""With SLACK_TEAM_ID set, igbot serves that workspace only: correctly signed requests from any other are refused."""

from __future__ import annotations

import json
import time

import pytest
from slack_harness import SAM, TEAM_ID, SlackWorkspace


@pytest.fixture
def slack_settings_extra() -> dict[str, str]:
    return {"SLACK_TEAM_ID": TEAM_ID}


async def test_an_event_from_another_workspace_is_refused(slack: SlackWorkspace) -> None:
    status, _ = await slack.event({"type": "message", "channel_type": "im", "channel": "DX", "user": "UOUTSIDER",
                                   "text": "hello", "ts": "1.2"}, team_id="TOTHERORG")
    assert status == 403
    assert {call.method for call in slack.api.calls} <= {"auth.test"}, "nothing looked up, nothing answered"


async def test_a_command_from_another_workspace_is_refused(slack: SlackWorkspace) -> None:
    outsider = SlackWorkspace(server_url=slack.server_url, api=slack.api, session=slack.session, team_id="TOTHERORG")
    status, _ = await outsider.command("UOUTSIDER", "help")
    assert status == 403


async def test_our_own_workspace_is_served(slack: SlackWorkspace) -> None:
    assert (await slack.dm(SAM, "help"))[0] == 200
    await slack.api.wait_for("chat.postMessage")


async def test_a_url_verification_is_still_answered(slack: SlackWorkspace) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-9", "token": "t"})
    status, answer = await slack.send(body, content_type="application/json", timestamp=int(time.time()))
    assert status == 200 and "c-9" in answer
