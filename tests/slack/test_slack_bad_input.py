"""Signed requests that no real Slack sends: each is a 4xx (or, for broken text, an answer), never a 500."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_harness import SAM, SlackWorkspace, signature


async def test_non_ascii_digits_in_the_timestamp_header_are_refused_with_401(slack: SlackWorkspace) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "app_mention"}, "event_id": "EvDigits"})
    for stamp in ("١٧٠٠٠٠٠٠٠٠", "²³⁴", "1" * 5000, "-1700000000", " 1700000000"):
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp,
                   "X-Slack-Signature": signature(body, stamp)}
        async with slack.session.post(slack.server_url + "/slack/events", data=body.encode(),
                                      headers=headers) as answer:
            assert answer.status == 401, stamp


@pytest.mark.parametrize("payload", [
    {"type": "event_callback", "event": "a string", "event_id": "Ev1"},
    {"type": "event_callback", "event": {"type": "message", "text": 42, "user": SAM, "channel_type": "im"}},
    {"type": "event_callback", "event": {"type": "message", "user": ["U1"], "text": "hi"}},
    {"type": "event_callback", "event_id": 7, "event": {"type": "app_mention", "user": SAM, "text": "hi"}},
    {"type": ["event_callback"]},
    {"type": "event_callback", "team_id": {"id": "T1"}, "event": {"type": "message"}},
    {"type": "event_callback", "authorizations": "all", "event": {"type": "message"}},
], ids=lambda payload: json.dumps(payload)[:40])
async def test_an_event_whose_fields_have_the_wrong_type_is_a_400(slack: SlackWorkspace, payload: dict[str, Any]) -> None:
    status, _ = await slack.send(json.dumps(payload), content_type="application/json")
    assert status == 400
    assert (await slack.dm(SAM, "help"))[0] == 200, "the server carries on"
    await slack.api.wait_for("chat.postMessage")


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "user": "USAMOKAFOR", "actions": []},
    {"type": "block_actions", "user": {"id": 12}, "actions": []},
    {"type": "block_actions", "user": {"id": SAM}, "actions": {"value": "help:"}},
    {"type": "block_actions", "user": {"id": SAM}, "actions": ["help:"]},
    {"type": "block_actions", "user": {"id": SAM}, "actions": [{"value": {"x": 1}}]},
    {"type": "block_actions", "user": {"id": SAM}, "actions": [{"value": "help:", "text": "Help"}]},
    {"type": "block_actions", "user": {"id": SAM}, "container": "message", "actions": [{"value": "help:"}]},
    {"type": "block_actions", "user": {"id": SAM}, "message": {"blocks": "none"}, "actions": [{"value": "help:"}]},
    {"type": "view_submission", "user": {"id": SAM}, "view": "modal"},
    {"type": "view_submission", "user": {"id": SAM}, "view": {"state": {"values": []}}},
    {"type": "view_submission", "user": {"id": SAM}, "view": {"private_metadata": {"form": "x"}}},
    {"type": "block_actions", "team": "T0IGBOT01", "user": {"id": SAM}, "actions": []},
], ids=lambda payload: json.dumps(payload)[:60])
async def test_an_interaction_whose_fields_have_the_wrong_type_is_a_400(slack: SlackWorkspace,
                                                                        payload: dict[str, Any]) -> None:
    body = urlencode({"payload": json.dumps({"api_app_id": "AIGBOT", **payload})})
    status, _ = await slack.send(body, content_type="application/x-www-form-urlencoded")
    assert status == 400


async def test_json_nested_thousands_deep_is_a_400(slack: SlackWorkspace) -> None:
    for depth in (70, 900, 5000, 100_000):
        deep = '{"type":"event_callback","event":' + '{"a":' * depth + "1" + "}" * depth + "}"
        status, _ = await slack.send(deep, content_type="application/json")
        assert status in (400, 413), depth
        interaction = urlencode({"payload": '{"type":"block_actions","x":' + "[" * depth + "]" * depth + "}"})
        status, _ = await slack.send(interaction, content_type="application/x-www-form-urlencoded")
        assert status in (400, 413), depth
    assert (await slack.dm(SAM, "help"))[0] == 200


async def test_a_lone_surrogate_in_a_message_is_repaired_and_answered(slack: SlackWorkspace) -> None:
    event = {"type": "message", "channel_type": "im", "channel": "DSAMOKAFOR", "user": SAM, "ts": "1600000000.000001",
             "text": "help"}
    body = json.dumps({"type": "event_callback", "team_id": slack.team_id, "api_app_id": "AIGBOT", "event": event,
                       "event_id": "EvSurrogate", "event_time": int(time.time())})
    body = body.replace('"help"', '"\\ud800 help \\udfff"')
    assert "\\ud800" in body
    status, _ = await slack.send(body, content_type="application/json")
    assert status == 200
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert answer.text


async def test_bytes_that_are_not_utf8_are_read_as_replacement_characters_and_answered(slack: SlackWorkspace) -> None:
    event = {"type": "message", "channel_type": "im", "channel": "DSAMOKAFOR", "user": SAM, "ts": "1600000000.000002",
             "text": "help MARK"}
    body = json.dumps({"type": "event_callback", "team_id": slack.team_id, "api_app_id": "AIGBOT", "event": event,
                       "event_id": "EvBadBytes", "event_time": int(time.time())}).encode()
    body = body.replace(b"MARK", b"\xff\xfe\xc3")
    stamp = str(int(time.time()))
    digest = __import__("hmac").new(b"test-signing-secret-0123456789abcdef", b"v0:" + stamp.encode() + b":" + body,
                                    "sha256").hexdigest()
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}
    async with slack.session.post(slack.server_url + "/slack/events", data=body, headers=headers) as answer:
        assert answer.status == 200
    [reply] = await slack.api.wait_for("chat.postMessage")
    assert reply.text


async def test_a_command_that_mentions_payload_is_still_a_command(slack: SlackWorkspace) -> None:
    assert (await slack.command(SAM, "what is a payload"))[0] == 200
    await slack.api.wait_for("response_url")
