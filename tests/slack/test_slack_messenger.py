"""Reaching people in Slack for the outbox: a direct message, the IG team's channel, and Slack's rate limits."""

from __future__ import annotations

from pathlib import Path

from slack_harness import SAM, FakeSlackApi, slack_environment

from bot.core.chat import Choice, Reply
from bot.core.settings import load_settings
from bot.slack import SlackMessenger
from storage.models import StaffMember

NUDGE = Reply(title="Training reminder", text="Your *Keeping Information Safe* training is due.",
              choices=(Choice("My training", "start:training"),))


def messenger(api: FakeSlackApi, tmp_path: Path, **extra: str) -> SlackMessenger:
    return SlackMessenger.from_settings(load_settings({"IGBOT_HOME": str(tmp_path), **slack_environment(api, **extra)}))


async def test_a_direct_message_opens_the_conversation_then_posts(slack_api: FakeSlackApi, tmp_path: Path) -> None:
    sam = StaffMember(id=1, email="sam.okafor@example.org", name="Sam Okafor", slack_user_id=SAM)
    assert await messenger(slack_api, tmp_path).send(staff=sam, replies=[NUDGE]) is True
    [opened] = slack_api.of("conversations.open")
    [posted] = slack_api.of("chat.postMessage")
    assert opened.params["users"] == SAM
    assert posted.params["channel"] == "D" + SAM.lstrip("U")
    assert "Training reminder" in posted.text and posted.params["blocks"][-1]["type"] == "actions"


async def test_several_messages_to_one_person_open_the_conversation_once(slack_api: FakeSlackApi, tmp_path: Path) -> None:
    sam = StaffMember(id=1, email="sam.okafor@example.org", name="Sam Okafor", slack_user_id=SAM)
    assert await messenger(slack_api, tmp_path).send(staff=sam, replies=[NUDGE, NUDGE]) is True
    assert len(slack_api.of("conversations.open")) == 1
    assert [call.params["channel"] for call in slack_api.of("chat.postMessage")] == ["D" + SAM.lstrip("U")] * 2


async def test_someone_without_a_slack_id_cannot_be_reached_here(slack_api: FakeSlackApi, tmp_path: Path) -> None:
    visitor = StaffMember(id=2, email="jude.carrow@example.org", name="Jude Carrow")
    assert await messenger(slack_api, tmp_path).send(staff=visitor, replies=[NUDGE]) is False
    assert not slack_api.calls


async def test_the_ig_team_channel_is_used_when_configured(slack_api: FakeSlackApi, tmp_path: Path) -> None:
    assert await messenger(slack_api, tmp_path).send_to_ig_team(replies=[NUDGE]) is False
    assert await messenger(slack_api, tmp_path, SLACK_IG_CHANNEL="CIGTEAM").send_to_ig_team(replies=[NUDGE]) is True
    [posted] = slack_api.of("chat.postMessage")
    assert posted.params["channel"] == "CIGTEAM"
    assert not slack_api.of("conversations.open")


async def test_a_rate_limited_direct_message_is_sent_after_retry_after(slack_api: FakeSlackApi, tmp_path: Path) -> None:
    sam = StaffMember(id=1, email="sam.okafor@example.org", name="Sam Okafor", slack_user_id=SAM)
    slack_api.rate_limit_next("conversations.open", retry_after=1)
    slack_api.rate_limit_next("chat.postMessage", retry_after=1)
    assert await messenger(slack_api, tmp_path).send(staff=sam, replies=[NUDGE]) is True
    [refused_open] = slack_api.of("conversations.open (rate limited)")
    [opened] = slack_api.of("conversations.open")
    [refused_post] = slack_api.of("chat.postMessage (rate limited)")
    [posted] = slack_api.of("chat.postMessage")
    assert opened.at - refused_open.at >= 1.0 and posted.at - refused_post.at >= 1.0
