"""A full incident report in Slack, end to end over real HTTP: `/ig report` opens the form as a modal,
the submission is stored before the reporter is answered, the IG team's channel gets a notice without
personal data, and the IG officer triages from its button."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from slack_harness import HARRIET, SAM, SlackWorkspace, buttons

from bot.core.assistant import Assistant
from bot.slack import SlackMessenger
from storage import directory, incidents
from storage.engine import session_scope
from workflows import delivery
from workflows.incidents.questions import NAMES

IG_CHANNEL = "CIGTEAM01"


@pytest.fixture
def slack_settings_extra() -> dict[str, str]:
    return {"SLACK_IG_CHANNEL": IG_CHANNEL}


def _picked(value: str) -> dict[str, object]:
    return {"type": "static_select", "selected_option": {"value": value}}


def _typed(value: str) -> dict[str, object]:
    return {"type": "plain_text_input", "value": value}


async def test_a_full_report_in_slack_through_the_modal(slack: SlackWorkspace, assistant: Assistant) -> None:
    await slack.command(SAM, "report")
    [opened] = await slack.api.wait_for("views.open")
    view = opened.params["view"]
    assert view["title"]["text"] == "Report an incident" and view["submit"]["text"] == "Send report"
    assert [block["block_id"] for block in view["blocks"]] == list(NAMES)
    assert view["blocks"][1]["element"]["type"] == "datetimepicker"

    now = assistant.clock.now()
    status, _ = await slack.submit(SAM, opened, {
        "kind": _picked("misdirected_email"),
        "happened_at": {"type": "datetimepicker", "selected_date_time": int((now - dt.timedelta(hours=3)).timestamp())},
        "discovered_at": {"type": "datetimepicker", "selected_date_time": int((now - dt.timedelta(hours=2)).timestamp())},
        "data_kind": _picked("special"),
        "vulnerable": _picked("none"),
        "people_affected": {"type": "number_input", "value": "2"},
        "contained": _picked("partly"),
        "containment": _typed("Asked the practice to delete it"),
        "told": _typed("My manager"),
        "description": _typed("Care plan for client 943 476 5919 emailed to the wrong practice"),
    })
    assert status == 200

    [received] = await slack.api.wait_for("response_url")  # /ig answers are visible to the asker only
    reference = re.search(r"IG-\d{4}-\d{4}", received.text)
    assert reference is not None and "Incident reported" in received.text
    assert "Ask the recipient to delete it" in received.text and "943 476 5919" not in received.text
    with session_scope(assistant.engine) as session:
        incident = incidents.get_by_reference(session=session, reference=reference.group())
        assert incident is not None and incident.reported_via == "slack"
        assert incident.description == "Care plan for client [NHS number] emailed to the wrong practice"
        assert incident.suggested_outcome == "ico"

    messenger = SlackMessenger.from_settings(assistant.settings)
    assert (await delivery.deliver_due(engine=assistant.engine, messengers=[messenger], now=assistant.clock.now())).sent == 1
    [notice] = await slack.api.wait_for("chat.postMessage")
    assert notice.params["channel"] == IG_CHANNEL and f"New incident: {reference.group()}" in notice.text
    for private in ("Sam", "Okafor", "Care plan", "practice"):
        assert private not in notice.text
    assert buttons(notice) == {"Triage": f"incident:triage:{reference.group()}"}

    with session_scope(assistant.engine) as session:
        harriet = directory.get_by_email(session=session, email="harriet.osei@example.org")
        directory.link_platform_id(session=session, member=harriet, slack_user_id=HARRIET)
    await slack.click(HARRIET, notice, "Triage")
    [*_, in_the_channel] = await slack.api.wait_for("chat.postMessage", count=2)
    assert in_the_channel.params["channel"] == IG_CHANNEL
    assert "sent you the full record" in in_the_channel.text
    for private in ("Sam", "Okafor", "Care plan", "practice"):
        assert private not in in_the_channel.text, "the full record never goes to the shared channel"
    assert (await delivery.deliver_due(engine=assistant.engine, messengers=[messenger], now=assistant.clock.now())).sent == 1
    [*_, record] = await slack.api.wait_for("chat.postMessage", count=3)
    assert record.params["channel"] == "D" + HARRIET.lstrip("U"), "the record reaches Harriet's direct messages"
    assert "Care plan for client [NHS number]" in record.text
    await slack.click(HARRIET, record, "Confirm suggested grade")
    [*_, triaged] = await slack.api.wait_for("chat.postMessage", count=4)
    assert f"{reference.group()} is triaged" in triaged.text
