"""What Slack may throw at igbot: forged or stale requests, retries, rate limits, junk and floods of bytes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from slack_harness import (
    SAM,
    FakeSlackApi,
    SlackWorkspace,
    eventually,
    igbot_server,
    make_assistant,
    slack_environment,
)

from bot.core.assistant import Assistant
from bot.core.chat import Reply
from bot.core.conversation import Step, Turn


async def test_a_bad_signature_is_refused_with_401(slack: SlackWorkspace) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "app_mention"}, "event_id": "EvForged"})
    status, _ = await slack.send(body, content_type="application/json", secret="someone-elses-secret")
    assert status == 401
    assert not slack.api.calls


async def test_a_stale_timestamp_is_refused_with_401(slack: SlackWorkspace) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "app_mention"}, "event_id": "EvReplayed"})
    status, _ = await slack.send(body, content_type="application/json", timestamp=int(time.time()) - 6 * 60)
    assert status == 401


async def test_a_missing_or_garbled_signature_is_refused_with_401(slack: SlackWorkspace) -> None:
    async with slack.session.post(slack.server_url + "/slack/events", data=b'{"type":"event_callback"}',
                                  headers={"X-Slack-Request-Timestamp": "yesterday",
                                           "X-Slack-Signature": "v0=\u00e9"}) as answer:
        assert answer.status == 401


async def test_the_url_verification_challenge_is_answered(slack: SlackWorkspace) -> None:
    status, body = await slack.send(json.dumps({"type": "url_verification", "challenge": "c-123"}),
                                    content_type="application/json")
    assert status == 200 and "c-123" in body


async def test_a_retried_event_is_answered_once(slack: SlackWorkspace, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    assert (await slack.dm(SAM, "help", event_id="EvOnce0001"))[0] == 200
    await slack.api.wait_for("chat.postMessage")
    assert (await slack.dm(SAM, "help", event_id="EvOnce0001", retry=1))[0] == 200
    await eventually(lambda: "skipped delivery=EvOnce0001 channel=slack already received" in caplog.text)
    await slack.dm(SAM, "help", event_id="EvOnce0002")
    await slack.api.wait_for("chat.postMessage", count=2)
    assert len(slack.api.of("chat.postMessage")) == 2, "the retry produced no second answer"


async def test_a_retry_reaching_another_replica_is_answered_once(
    slack: SlackWorkspace, database_url: str, tmp_path: Path, slack_api: FakeSlackApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO")
    second = make_assistant(database_url, tmp_path, slack_environment(slack_api))
    try:
        async with igbot_server(second) as second_url:
            await slack.dm(SAM, "help", event_id="EvReplica01")
            other_replica = SlackWorkspace(server_url=second_url, api=slack_api, session=slack.session)
            assert (await other_replica.dm(SAM, "help", event_id="EvReplica01", retry=1))[0] == 200
            await slack_api.wait_for("chat.postMessage")
            await eventually(lambda: "skipped delivery=EvReplica01" in caplog.text)
            await other_replica.dm(SAM, "help", event_id="EvReplica02")
            await slack_api.wait_for("chat.postMessage", count=2)
            assert len(slack_api.of("chat.postMessage")) == 2
    finally:
        second.engine.dispose()


async def test_a_rate_limit_is_waited_out_then_the_answer_is_sent(slack: SlackWorkspace) -> None:
    slack.api.rate_limit_next("chat.postMessage", retry_after=1)
    await slack.dm(SAM, "help")
    [answer] = await slack.api.wait_for("chat.postMessage")
    [refused] = slack.api.of("chat.postMessage (rate limited)")
    assert answer.at - refused.at >= 1.0, "igbot waited as long as Retry-After asked"
    assert "Hello Sam Okafor" in answer.text


async def test_a_rate_limited_private_answer_is_sent_after_retry_after(slack: SlackWorkspace) -> None:
    slack.api.rate_limit_next("response_url", retry_after=1)
    await slack.command(SAM, "help")
    [answer] = await slack.api.wait_for("response_url")
    [refused] = slack.api.of("response_url (rate limited)")
    assert answer.at - refused.at >= 1.0
    assert "Hello Sam Okafor" in answer.text


@pytest.mark.parametrize(("body", "content_type"), [
    ("{not json", "application/json"),
    ("[1, 2, 3]", "application/json"),
    ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
    ("", "application/json"),
])
async def test_a_malformed_payload_is_refused_and_the_server_keeps_serving(
    slack: SlackWorkspace, body: str, content_type: str
) -> None:
    status, _ = await slack.send(body, content_type=content_type)
    assert status == 400
    await _still_serving(slack)


async def test_an_oversized_payload_is_refused_and_the_server_keeps_serving(slack: SlackWorkspace) -> None:
    huge = json.dumps({"type": "event_callback", "event": {"type": "message", "text": "x" * (1024 * 1024 + 10)}})
    status, _ = await slack.send(huge, content_type="application/json")
    assert status == 413
    await _still_serving(slack)


async def _still_serving(slack: SlackWorkspace) -> None:
    async with slack.session.get(slack.server_url + "/healthz") as health:
        assert health.status == 200
    await slack.dm(SAM, "help")
    await slack.api.wait_for("chat.postMessage")


class SlowAnswer:
    """A workflow that cannot finish until the test lets it: the acknowledgement must not wait for it."""

    name = "slow"
    triggers = ("take your time",)
    help_line = "*Slow*: a test flow"

    def __init__(self) -> None:
        self.release = threading.Event()

    def start(self, turn: Turn) -> Step:
        assert self.release.wait(timeout=10), "the test never released the answer"
        return Step([Reply(text="Done, at last.")])

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self.start(turn)


async def test_slack_is_acknowledged_before_the_work_is_done(slack: SlackWorkspace, assistant: Assistant) -> None:
    if assistant.conversation.no_wait_engine is not None:
        pytest.skip("on SQLite the turn runs on the event loop, which this test's client shares; "
                    "a turn that waits for the test would wait for ever")
    slow = SlowAnswer()
    assistant.conversation.add_workflow(slow)
    status, _ = await slack.dm(SAM, "take your time")
    assert status == 200
    assert not slow.release.is_set() and not slack.api.of("chat.postMessage"), "acknowledged, still working"
    slow.release.set()
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert "Done, at last." in answer.text
