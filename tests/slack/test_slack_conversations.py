"""Talking to igbot in Slack, end to end: a signed request in over HTTP, Block Kit out to the fake Web API."""

from __future__ import annotations

import datetime as dt
import json

from slack_harness import HARRIET, NED, SAM, VISITOR, FakeSlackApi, SlackWorkspace, buttons

from bot.core.assistant import Assistant
from storage import directory, incidents
from storage.engine import session_scope
from storage.incidents import Incident

QUESTION = "how do I report a data breach"


async def test_a_direct_message_question_is_answered_with_its_source_and_buttons(slack: SlackWorkspace) -> None:
    status, _ = await slack.dm(SAM, QUESTION)
    assert status == 200
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert answer.params["channel"] == "D" + SAM.lstrip("U")
    assert "thread_ts" not in answer.params, "a direct message is answered in the conversation, not a thread"
    kinds = [block["type"] for block in answer.params["blocks"]]
    assert kinds[0] == "header" and "section" in kinds and "actions" in kinds
    assert "Source: " in answer.text
    assert {"Helpful", "Not helpful"} <= set(buttons(answer))


async def test_a_mention_in_a_channel_is_answered_in_its_thread(slack: SlackWorkspace) -> None:
    await slack.mention(SAM, QUESTION, channel="CHARBOUR", ts="1650000000.000200")
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert answer.params["channel"] == "CHARBOUR"
    assert answer.params["thread_ts"] == "1650000000.000200"
    assert "Source: " in answer.text


async def test_a_mention_inside_a_thread_stays_in_that_thread(slack: SlackWorkspace) -> None:
    await slack.mention(SAM, "help", channel="CHARBOUR", ts="1650000000.000300", thread_ts="1650000000.000100")
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert answer.params["thread_ts"] == "1650000000.000100"


async def test_ig_with_a_question_answers_only_the_asker(slack: SlackWorkspace) -> None:
    status, _ = await slack.command(SAM, QUESTION, response_url="question")
    assert status == 200
    [answer] = await slack.api.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["response_url"] == "question"
    assert "Source: " in answer.text
    assert not slack.api.of("chat.postMessage"), "nothing is posted where others could see it"


async def test_ig_help_lists_what_igbot_does(slack: SlackWorkspace) -> None:
    await slack.command(SAM, "help")
    [answer] = await slack.api.wait_for("response_url")
    assert "Hello Sam Okafor" in answer.text
    assert "My training" in buttons(answer)


async def test_ig_training_answers_the_persons_training_status(slack: SlackWorkspace) -> None:
    await slack.command(SAM, "training")
    [answer] = await slack.api.wait_for("response_url")
    assert "Your IG training" in answer.text
    assert "Keeping Information Safe" in answer.text


async def test_ig_report_opens_the_incident_report_form(slack: SlackWorkspace) -> None:
    await slack.command(SAM, "report", response_url="report")
    [opened] = await slack.api.wait_for("views.open")
    view = opened.params["view"]
    metadata = json.loads(view["private_metadata"])
    assert view["type"] == "modal" and metadata["form"] == "incident-report:form"
    assert metadata["response_url"].endswith("/respond/report"), "the outcome is answered privately, like the command"


async def test_ig_share_starts_the_sharing_check(slack: SlackWorkspace) -> None:
    await slack.command(SAM, "share")
    [answer] = await slack.api.wait_for("response_url")
    assert "What do you want to share" in answer.text
    assert len(buttons(answer)) >= 2, "the first question of the sharing check, with its answers as buttons"


async def test_a_button_answer_continues_in_the_same_private_reply(slack: SlackWorkspace) -> None:
    await slack.command(SAM, "share", response_url="first")
    [question] = await slack.api.wait_for("response_url")
    first_label = next(iter(buttons(question)))
    await slack.click(SAM, question, first_label)
    calls = await slack.api.wait_for("response_url", count=3)
    replaced, follow_up = calls[1], calls[2]
    assert replaced.params["replace_original"] is True and "You chose" in replaced.text
    assert not buttons(replaced), "the old buttons are gone, so they cannot be pressed twice"
    assert follow_up.params["response_type"] == "ephemeral"


async def test_someone_not_in_the_directory_gets_general_answers_and_is_told_whom_to_ask(
    slack: SlackWorkspace,
) -> None:
    await slack.dm(VISITOR, QUESTION)
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert "Source: " in answer.text, "a general answer still comes"
    assert "can't find you" in answer.text and "data.protection@" in answer.text


async def test_a_person_is_matched_by_email_once_and_remembered(slack: SlackWorkspace, assistant: Assistant) -> None:
    await slack.dm(NED, "help")
    [first] = await slack.api.wait_for("chat.postMessage")
    await slack.dm(NED, "help")
    await slack.api.wait_for("chat.postMessage", count=2)
    assert "Hello Ned Ashworth" in first.text
    assert len(slack.api.of("users.info")) == 1, "Slack is asked for the email once"
    with session_scope(assistant.engine) as session:
        ned = directory.get_by_email(session=session, email="ned.ashworth@example.org")
        assert ned is not None and ned.slack_user_id == NED


async def test_a_leavers_old_entry_holding_the_slack_id_does_not_silence_the_person(
    slack: SlackWorkspace, assistant: Assistant
) -> None:
    with session_scope(assistant.engine) as session:
        old = directory.create(session=session, email="ned.ashworth.old@example.org", name="Ned Ashworth (left)")
        directory.link_platform_id(session=session, member=old, slack_user_id=NED)
        old.active = False
    await slack.dm(NED, "help")
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert "Hello Ned Ashworth" in answer.text
    with session_scope(assistant.engine) as session:
        ned = directory.get_by_email(session=session, email="ned.ashworth@example.org")
        assert ned is not None and ned.slack_user_id is None, "the id stays with the old entry"


async def test_app_home_shows_training_what_is_waiting_and_buttons(slack: SlackWorkspace) -> None:
    await slack.open_home(HARRIET)
    [published] = await slack.api.wait_for("views.publish")
    assert published.params["user_id"] == HARRIET
    assert published.params["view"]["type"] == "home"
    assert "Hello Harriet Osei" in published.text
    assert "Your IG training" in published.text and "Waiting for you" in published.text
    assert {"Report an incident", "Can I share this?"} <= set(buttons(published))


async def test_a_button_on_app_home_answers_in_direct_messages(slack: SlackWorkspace) -> None:
    await slack.open_home(HARRIET)
    [home] = await slack.api.wait_for("views.publish")
    await slack.click_home(HARRIET, home, "My training")
    [answer] = await slack.api.wait_for("chat.postMessage")
    assert answer.params["channel"] == "D" + HARRIET.lstrip("U")
    assert "Your IG training" in answer.text


async def test_bot_messages_and_edits_are_ignored(slack: SlackWorkspace, slack_api: FakeSlackApi) -> None:
    await slack.event({"type": "message", "channel_type": "im", "channel": "DX", "bot_id": "B1", "text": "hi"})
    await slack.event({"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "DX"})
    await slack.dm(SAM, "help")
    await slack_api.wait_for("chat.postMessage")
    assert len(slack_api.of("chat.postMessage")) == 1


async def test_app_home_shows_the_ig_officer_incidents_waiting_for_triage(
    slack: SlackWorkspace, assistant: Assistant
) -> None:
    with session_scope(assistant.engine) as session:
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert sam is not None and sam.id is not None
        now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
        reported = incidents.create(session=session, year=2026, incident=Incident(
            reporter_id=sam.id, reported_via="slack", kind="misdirected-email", happened_at=now, discovered_at=now,
            data_kind="personal", vulnerable="no", contained="yes", suggested_likelihood=3, suggested_severity=2,
            suggested_outcome="ico", reported_at=now, updated_at=now))
    await slack.open_home(HARRIET)
    [home] = await slack.api.wait_for("views.publish")
    assert f"1 reported incident(s) waiting for triage: {reported.reference}" in home.text
    await slack.open_home(SAM)
    [_, staff_home] = await slack.api.wait_for("views.publish", count=2)
    assert "waiting for triage" not in staff_home.text, "only the IG roles see the triage queue"
