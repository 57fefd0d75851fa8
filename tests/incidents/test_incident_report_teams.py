"""A full incident report in Teams, end to end over real HTTP: the report form as an Adaptive Card,
submitted back, stored before Sam is answered; with no IG channel configured, the notice reaches the IG
officer directly, and she triages from the card."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine
from teams_fakes import FakeConnector, Igbot, TeamsUser, teams_environment

from bot.core.assistant import Assistant
from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.app.server import build_web_app
from bot.core.settings import load_settings
from storage import incidents
from storage.engine import session_scope
from workflows import delivery


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def igbot(engine: Engine, profile: Profile, conversation: Conversation, connector: FakeConnector,
                tmp_path: Path) -> AsyncIterator[Igbot]:
    settings = load_settings({"IGBOT_HOME": str(tmp_path / "home"), **teams_environment(connector)})
    assistant = Assistant(settings=settings, profile=profile, engine=engine, conversation=conversation)
    server = TestServer(build_web_app(assistant))
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield Igbot(server=server, http=http)
    await server.close()


def _in_roster(connector: FakeConnector, name: str, email: str, aad: str) -> TeamsUser:
    person = TeamsUser(name=name, email=email, aad_object_id=aad)
    connector.roster[person.user_id] = person.roster_entry
    return person


async def test_a_full_report_in_teams_through_the_card(igbot: Igbot, connector: FakeConnector, engine: Engine) -> None:
    sam = _in_roster(connector, "Sam Okafor", "sam.okafor@example.org", "5a1e0c9d-3b7f-4e2a-8c6d-1f0e9b8a7c01")
    harriet = _in_roster(connector, "Harriet Osei", "harriet.osei@example.org", "7d2f1e0a-4c8b-4f3a-9d7e-2a1b0c9d8e02")
    await igbot.post(harriet.says(connector.url, "hello"))  # Teams can now reach Harriet directly
    await connector.wait_for(1)

    await igbot.post(sam.says(connector.url, "report an incident"))
    [_, form] = await connector.wait_for(2)
    assert {"kind", "happened_at.date", "happened_at.time", "discovered_at.date", "people_affected",
            "description"} <= set(form.inputs)
    assert form.buttons["Send report"] == {"action": "incident-report:form"}

    await igbot.post(sam.presses(connector.url, {
        "action": "incident-report:form", "kind": "loss_or_theft",
        "happened_at.date": "2026-11-21", "happened_at.time": "18:30",
        "discovered_at.date": "2026-11-22", "discovered_at.time": "08:15",
        "data_kind": "personal", "vulnerable": "vulnerable_adults", "people_affected": "6", "contained": "unsure",
        "containment": "IT asked to lock and wipe the phone", "told": "My manager",
        "description": "Work phone left on the bus; contacts include clients. Call me on 07700 900123",
    }))
    [*_, received] = await connector.wait_for(3)
    reference = re.search(r"IG-2026-\d{4}", received.text)
    assert reference is not None and "Incident reported" in received.text
    assert "report it to IT now so it can be locked and wiped" in received.text
    assert "Wednesday 25 November 2026 at 08:15 GMT" in received.text
    with session_scope(engine) as session:
        incident = incidents.get_by_reference(session=session, reference=reference.group())
        assert incident is not None and incident.reported_via == "teams"
        assert incident.description.endswith("Call me on [phone number]")

    sent = await delivery.deliver_due(engine=engine, messengers=[igbot.messenger], now=incident.reported_at)
    assert sent == delivery.DeliveryRun(sent=1)
    [*_, notice] = await connector.wait_for(4)
    assert notice.conversation_id == harriet.conversation_id, "no IG channel: the IG officer is told directly"
    assert f"New incident: {reference.group()}" in notice.text and "Sam" not in notice.text
    assert "bus" not in notice.text

    await igbot.post(harriet.presses(connector.url, notice.buttons["Triage"]))
    [*_, record] = await connector.wait_for(5)
    assert "Work phone left on the bus" in record.text
    await igbot.post(harriet.presses(connector.url, record.buttons["Confirm suggested grade"]))
    [*_, triaged] = await connector.wait_for(6)
    assert f"{reference.group()} is triaged" in triaged.text


async def test_the_full_record_asked_for_in_a_channel_goes_to_direct_messages(
    igbot: Igbot, connector: FakeConnector, engine: Engine, store_report: Callable[..., str], clock: SettableClock
) -> None:
    harriet = _in_roster(connector, "Harriet Osei", "harriet.osei@example.org", "7d2f1e0a-4c8b-4f3a-9d7e-2a1b0c9d8e02")
    await igbot.post(harriet.says(connector.url, "hello"))  # a 1:1 conversation igbot can write to later
    await connector.wait_for(1)
    reference = store_report(description={"text": "Work phone left on the bus", "removed": []})
    channel = {"id": "19:ig-team@thread.tacv2;messageid=1700000000002", "conversationType": "channel",
               "tenantId": harriet.roster_entry["tenantId"], "isGroup": True}

    await igbot.post(harriet.presses(connector.url, {"action": f"incident:triage:{reference}"},
                                     conversation=channel))
    [_, in_the_channel] = await connector.wait_for(2)
    assert in_the_channel.conversation_id == channel["id"]
    assert "sent you the full record" in in_the_channel.text and "bus" not in in_the_channel.text

    await delivery.deliver_due(engine=engine, messengers=[igbot.messenger], now=clock.now())  # the notice, and the record
    delivered = (await connector.wait_for(4))[2:]
    [record] = [sent for sent in delivered if "Work phone left on the bus" in sent.text]
    assert record.conversation_id == harriet.conversation_id
