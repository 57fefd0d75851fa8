"""Activities no real Teams sends: deep JSON, broken text, wrong types, no tenant. A 4xx or an answer, never a 500."""

from __future__ import annotations

import json

import pytest
from teams_fakes import FakeConnector, Igbot, TeamsUser, bot_framework_token


async def test_json_nested_thousands_deep_is_a_400(igbot: Igbot, connector: FakeConnector, sam: TeamsUser) -> None:
    token = bot_framework_token(connector.url)
    for depth in (70, 900, 5000, 100_000):
        activity = json.dumps(sam.says(connector.url, "hello"))
        deep = activity[:-1] + ', "value": ' + "[" * depth + "]" * depth + "}"
        status, _ = await igbot.post({}, token=token, raw=deep.encode())
        assert status == 400, depth
    assert (await igbot.post(sam.says(connector.url, "hello")))[0] == 200


async def test_a_lone_surrogate_is_repaired_and_the_person_answered(igbot: Igbot, connector: FakeConnector,
                                                                  sam: TeamsUser) -> None:
    body = json.dumps(sam.says(connector.url, "help MARK")).replace("MARK", "\\ud83d and \\udfff")
    status, _ = await igbot.post({}, token=bot_framework_token(connector.url), raw=body.encode())
    assert status == 200
    [answer] = await connector.wait_for(1)
    assert answer.text, "the person is answered"


async def test_bytes_that_are_not_utf8_are_repaired_and_the_person_answered(igbot: Igbot, connector: FakeConnector,
                                                                          sam: TeamsUser) -> None:
    body = json.dumps(sam.says(connector.url, "help MARK")).encode().replace(b"MARK", b"\xff\xc3")
    status, _ = await igbot.post({}, token=bot_framework_token(connector.url), raw=body)
    assert status == 200
    [answer] = await connector.wait_for(1)
    assert answer.text, "the person is answered"


@pytest.mark.parametrize("fields", [
    {"text": 42}, {"text": ["help"]}, {"from": "Sam"}, {"from": {"id": 7}}, {"recipient": []},
    {"id": {"x": 1}}, {"timestamp": "yesterday"}, {"channelData": "tenant"}, {"entities": [3]},
    {"value": "not an object"}, {"conversation": {"id": "a:1", "isGroup": "maybe"}},
], ids=lambda fields: json.dumps(fields)[:40])
async def test_an_activity_whose_fields_have_the_wrong_type_is_a_4xx(igbot: Igbot, connector: FakeConnector,
                                                                    sam: TeamsUser, fields: dict[str, object]) -> None:
    status, _ = await igbot.post(sam.activity(connector.url, **{"text": "help", **fields}))
    assert 400 <= status < 500 or status == 200, status  # a value that is not a card submission is ignored
    assert (await igbot.post(sam.says(connector.url, "hello")))[0] == 200


async def test_an_activity_without_a_tenant_is_refused_when_a_tenant_is_configured(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    activity = sam.says(connector.url, "hello", conversation={"id": sam.conversation_id, "conversationType": "personal"})
    activity.pop("channelData")
    status, _ = await igbot.post(activity)
    assert status == 403
    assert connector.sent == []
