"""Reaching people in Teams when they did not just write: nudges and reminders from stored conversation references."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from teams_fakes import OUTBOUND_TOKEN, FakeConnector, Igbot, StartIgbot, TeamsUser

from bot.core import outbox as replies_outbox
from bot.core.chat import Choice, Reply
from bot.teams.auth import TokenUnavailable
from storage import directory, outbox, teams_references
from storage.engine import session_scope
from storage.models import StaffMember
from workflows import delivery

REMINDER = Reply(title="Training reminder", text="Your *Keeping Information Safe* training is due on 31 March.",
                 choices=(Choice("Got it", "ack:training-2026"),))


def _staff(engine: Engine, email: str) -> StaffMember:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        assert member is not None
        return member


async def _restarted_after_hello(start_igbot: StartIgbot, env: dict[str, str], connector: FakeConnector,
                                 sam: TeamsUser) -> Igbot:
    """igbot after Sam has said hello (so his conversation is stored) and the server has restarted."""
    first = await start_igbot(env)
    await first.post(sam.says(connector.url, "hello"))
    await connector.wait_for(1)
    await first.server.close()
    return await start_igbot(env)


async def test_a_proactive_message_is_delivered_from_the_stored_reference_even_after_a_restart(
    start_igbot: StartIgbot, signed_in_env: dict[str, str], connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    restarted = await _restarted_after_hello(start_igbot, signed_in_env, connector, sam)
    delivered = await restarted.messenger.send(staff=_staff(engine, sam.email), replies=[REMINDER])

    assert delivered
    _, reminder = await connector.wait_for(2)
    assert reminder.conversation_id == sam.conversation_id
    assert reminder.reply_to is None, "a new message in Sam's chat, not a reply to something old"
    assert reminder.authorization == f"Bearer {OUTBOUND_TOKEN}"
    assert reminder.activity["recipient"]["id"] == sam.user_id
    assert "**Keeping Information Safe**" in reminder.text
    assert reminder.buttons == {"Got it": {"action": "ack:training-2026"}}


async def test_someone_who_never_talked_to_igbot_in_teams_cannot_be_reached_there(
    igbot: Igbot, connector: FakeConnector, engine: Engine
) -> None:
    delivered = await igbot.messenger.send(staff=_staff(engine, "lily.pemberton@example.org"), replies=[REMINDER])

    assert delivered is False
    assert connector.sent == []


async def test_installing_the_app_is_enough_to_be_reachable(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    await igbot.post(sam.activity(connector.url, type="installationUpdate", action="add"))
    assert connector.sent == [], "nothing is said for the installation event itself"

    assert await igbot.messenger.send(staff=_staff(engine, sam.email), replies=[REMINDER])
    [reminder] = await connector.wait_for(1)
    assert reminder.conversation_id == sam.conversation_id


async def test_uninstalling_the_app_forgets_the_conversation(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    await igbot.post(sam.activity(connector.url, type="installationUpdate", action="add"))
    await igbot.post(sam.activity(connector.url, type="installationUpdate", action="remove"))

    assert await igbot.messenger.send(staff=_staff(engine, sam.email), replies=[REMINDER]) is False
    assert connector.sent == []


async def test_a_person_who_removed_the_app_is_forgotten_rather_than_retried(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    await igbot.post(sam.says(connector.url, "hello"))
    await connector.wait_for(1)
    connector.refuse_conversations[sam.conversation_id] = 403

    staff = _staff(engine, sam.email)
    assert await igbot.messenger.send(staff=staff, replies=[REMINDER]) is False
    with session_scope(engine) as session:
        assert teams_references.get_personal(session=session, staff_id=staff.id or 0) is None


async def test_a_refused_token_is_retried_later_and_never_forgets_the_conversation(
    start_igbot: StartIgbot, signed_in_env: dict[str, str], connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    restarted = await _restarted_after_hello(start_igbot, signed_in_env, connector, sam)
    staff = _staff(engine, sam.email)

    connector.refuse_tokens = 403
    with pytest.raises(TokenUnavailable):
        await restarted.messenger.send(staff=staff, replies=[REMINDER])

    assert len(connector.sent) == 1, "nothing reached Sam"
    with session_scope(engine) as session:
        stored = teams_references.get_personal(session=session, staff_id=staff.id or 0)
        assert stored is not None and stored.conversation_id == sam.conversation_id
    connector.refuse_tokens = None
    assert await restarted.messenger.send(staff=staff, replies=[REMINDER])
    _, reminder = await connector.wait_for(2)
    assert reminder.conversation_id == sam.conversation_id


async def test_the_ig_team_channel_gets_top_level_posts_once_igbot_has_been_there(
    start_igbot: StartIgbot, signed_in_env: dict[str, str], connector: FakeConnector, sam: TeamsUser
) -> None:
    channel_id = "19:ig-team_private@thread.tacv2"
    igbot = await start_igbot({**signed_in_env, "TEAMS_IG_CHANNEL": channel_id})
    notice = Reply(title="New incident reported", text="IG-2026-0042 was reported. No personal data is shown here.")
    assert await igbot.messenger.send_to_ig_team(replies=[notice]) is False, "igbot has not been in the channel yet"

    thread = {"id": f"{channel_id};messageid=1700000000002", "conversationType": "channel", "isGroup": True,
              "tenantId": sam.roster_entry["tenantId"]}
    await igbot.post(sam.says(connector.url, "hello", conversation=thread))
    await connector.wait_for(1)

    assert await igbot.messenger.send_to_ig_team(replies=[notice])
    _, posted = await connector.wait_for(2)
    assert posted.conversation_id == channel_id and posted.reply_to is None


async def test_without_an_ig_channel_setting_the_ig_team_is_not_reached_through_teams(igbot: Igbot) -> None:
    assert await igbot.messenger.send_to_ig_team(replies=[REMINDER]) is False


async def test_a_rate_limited_message_waits_as_long_as_the_connector_asked_and_then_goes(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    await igbot.post(sam.says(connector.url, "hello"))
    await connector.wait_for(1)
    staff = _staff(engine, sam.email)
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    with session_scope(engine) as session:
        replies_outbox.queue(session=session, dedup_key="reminder", staff_id=staff.id, replies=[REMINDER], now=now)
    connector.rate_limited.append(40)

    first = await delivery.deliver_due(engine=engine, messengers=[igbot.messenger], now=now)

    assert first.retrying == 1 and len(connector.sent) == 1, "nothing more reached Sam yet"
    with session_scope(engine) as session:
        waiting = outbox.get_by_key(session=session, dedup_key="reminder")
        assert waiting is not None and waiting.next_attempt_at == now + dt.timedelta(seconds=40)
    later = await delivery.deliver_due(engine=engine, messengers=[igbot.messenger], now=now + dt.timedelta(seconds=40))
    assert later.sent == 1
    _, reminder = await connector.wait_for(2)
    assert "**Keeping Information Safe**" in reminder.text
