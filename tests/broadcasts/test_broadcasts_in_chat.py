"""Broadcasts through the conversation core, as the terminal has them: writing, sending, reading, reporting."""

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import select

from bot.core.clock import SettableClock
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from broadcast_world import IG_OFFICER, sent_broadcast, staff_id
from moments import MONDAY_MORNING
from storage import broadcasts, outbox
from storage.broadcasts import BroadcastStatus
from storage.engine import session_scope
from storage.models import AuditEvent
from workflows.broadcasts import send

NOT_ALLOWED = "Only the IG team can do that."


def _run_schedule(engine: Engine, profile: Profile, now: dt.datetime) -> None:
    with session_scope(engine) as session:
        send.send_due(session=session, profile=profile, calendar=WorkingCalendar(profile), now=now)


def test_the_ig_officer_writes_previews_and_sends_a_broadcast_step_by_step(chat_as, engine: Engine,
                                                                           profile: Profile) -> None:
    harriet = chat_as(IG_OFFICER)
    assert "What is its title?" in harriet.text("broadcast")
    assert "What should it say?" in harriet.text("Check the recipient before you press send")
    assert "Who should receive it?" in harriet.text("Two emails went astray. **Always check the address.**")
    assert "By when" in harriet.text("team:Harbour Recovery")
    assert "When should it go?" in harriet.text("2026-12-04")
    preview = harriet.say("now")
    message, confirm = preview
    assert message.title == "Check the recipient before you press send"
    assert "*Always check the address.*" in message.text and "by Friday 4 December 2026" in message.text
    assert [choice.label for choice in message.choices] == ["I've read this"]
    assert "exactly what 8 people will see" in confirm.text
    assert "8 people can't be reached on Slack or Teams" in confirm.text
    assert "going out now to 8 people" in harriet.text(action="broadcast-compose:send")
    _run_schedule(engine, profile, MONDAY_MORNING)
    with session_scope(engine) as session:
        [sent] = broadcasts.get_all(session=session)
        assert sent.status is BroadcastStatus.SENT
        assert broadcasts.count_recipients(session=session, broadcast_id=sent.id) == 8
        actions = [event.action for event in session.exec(select(AuditEvent)).all()]
        assert actions == ["broadcast created", "broadcast sent"]


def test_someone_not_in_an_ig_role_is_refused_in_one_sentence(chat_as) -> None:
    sam = chat_as("sam.okafor@example.org")
    for typed in ("broadcast", "broadcast list", "broadcast cancel 1", "broadcast edit 1 title: Mine now"):
        answer = sam.text(typed)
        assert answer.startswith(NOT_ALLOWED) and answer.count(". ") <= 1


def test_personal_data_in_the_title_or_body_is_blocked_saying_what_and_where(chat_as, engine: Engine) -> None:
    harriet = chat_as(IG_OFFICER)
    harriet.text("broadcast")
    answer = harriet.text("Lessons from 943 476 5919")
    assert "an NHS number in the title" in answer and "I can't send this" in answer
    harriet.text("Lessons learnt in November")
    answer = harriet.text("Jo Bloggs, date of birth 12/03/1987, wrote to jo.bloggs@gmail.com")
    assert "a date of birth in the body and an email address that isn't one of ours in the body" in answer
    assert "Who should receive it?" in harriet.text("Ask data.protection@wearewithyou.org.uk or harriet.osei@example.org.")
    with session_scope(engine) as session:
        assert broadcasts.get_all(session=session) == []


def test_a_person_acknowledges_from_the_terminal_and_twice_counts_once(chat_as, engine: Engine, profile: Profile,
                                                                       clock: SettableClock) -> None:
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING, audience={"kind": "teams",
                                                                            "values": ["Harbour Recovery"]})
    sam = chat_as("sam.okafor@example.org")
    home = sam.say("home")[0]
    assert "Check the recipient before you press send" in home.text
    assert any(choice.action == f"broadcast:read:{broadcast_id}" for choice in home.choices)
    thanks = sam.say(action=f"broadcast:read:{broadcast_id}")
    assert [reply.redraws_pressed for reply in thanks] == [False], "what's waiting is not redrawn as the lesson"
    assert "I've recorded that you've read" in thanks[0].text
    clock.advance(dt.timedelta(hours=1))
    redrawn, again = sam.say(action=f"broadcast:ack:{broadcast_id}")
    assert "you had already told me" in again.text
    assert redrawn.redraws_pressed and not redrawn.choices, "the lesson itself is redrawn without its button"
    assert "You told me you've read this" in " ".join(redrawn.notes)
    assert "Check the recipient" not in sam.text("home")
    with session_scope(engine) as session:
        recipient = broadcasts.get_recipient(session=session, broadcast_id=broadcast_id,
                                             staff_id=staff_id(engine, "sam.okafor@example.org"))
        assert recipient is not None
        assert (recipient.acknowledged_at, recipient.acknowledged_on) == (MONDAY_MORNING, "terminal")
        acknowledged = [e for e in session.exec(select(AuditEvent)).all() if e.action == "broadcast acknowledged"]
        assert len(acknowledged) == 1


def test_someone_it_was_not_sent_to_has_nothing_to_acknowledge(chat_as, engine: Engine, profile: Profile) -> None:
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING, audience={"kind": "teams",
                                                                            "values": ["Harbour Recovery"]})
    assert "wasn't sent to you" in chat_as("kwame.asante@example.org").text(action=f"broadcast:ack:{broadcast_id}")


def test_a_scheduled_broadcast_is_edited_then_cancelled_and_never_sent(chat_as, engine: Engine,
                                                                       profile: Profile) -> None:
    harriet = chat_as(IG_OFFICER)
    harriet.text("broadcast")
    for answer in ("Lock your screen", "Press Windows+L whenever you leave your desk.", "everyone", "none",
                   "2026-11-24 09:30"):
        harriet.text(answer)
    assert "scheduled for Tuesday 24 November 2026 at 09:30, to 30 people" in harriet.text("send")
    with session_scope(engine) as session:
        [scheduled] = broadcasts.get_all(session=session)
        broadcast_id = scheduled.id
    assert "is changed: title" in harriet.text(f"broadcast edit {broadcast_id} title: Lock your screen, always")
    assert "is changed: send at" in harriet.text(f"broadcast edit {broadcast_id} send at: 2026-11-25 10:00")
    assert "NHS number in the body" in harriet.text(f"broadcast edit {broadcast_id} body: about 943 476 5919")
    listed = harriet.text("broadcast list")
    assert "Lock your screen, always" in listed and "Wednesday 25 November 2026 at 10:00" in listed
    assert "is cancelled" in harriet.text(f"broadcast cancel {broadcast_id}")
    _run_schedule(engine, profile, MONDAY_MORNING + dt.timedelta(days=3))
    with session_scope(engine) as session:
        stored = broadcasts.get(session=session, broadcast_id=broadcast_id)
        assert stored is not None and stored.status is BroadcastStatus.CANCELLED
        assert stored.body == "Press Windows+L whenever you leave your desk."
        assert broadcasts.count_recipients(session=session, broadcast_id=broadcast_id) == 0
        assert outbox.get_all(session=session) == []
        actions = [event.action for event in session.exec(select(AuditEvent)).all()]
        assert actions == ["broadcast created", "broadcast edited", "broadcast edited", "broadcast cancelled"]
    assert "can't be changed now" in harriet.text(f"broadcast edit {broadcast_id} title: Too late")


def test_status_shows_the_ig_team_everyone_and_a_manager_only_their_own_line(chat_as, engine: Engine,
                                                                             profile: Profile) -> None:
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING, audience={"kind": "everyone", "values": []})
    sam = chat_as("sam.okafor@example.org")
    sam.say(action=f"broadcast:ack:{broadcast_id}")
    everyone = chat_as(IG_OFFICER).text(f"broadcast status {broadcast_id}")
    assert "1 of 30 people have read it (3%)" in everyone
    assert "- Harbour Recovery: 1 of 8 (12%)" in everyone and "Kwame Asante" in everyone
    rachel = chat_as("rachel.dunmore@example.org").text(f"broadcast status {broadcast_id}")
    assert "1 of 7 people have read it (14%)" in rachel and "report to you" in rachel
    assert "Tomasz Wierzba" in rachel and "Kwame Asante" not in rachel and "Sam Okafor" not in rachel
    assert sam.text(f"broadcast status {broadcast_id}").startswith("Only the IG team and managers can do that.")


def test_the_ig_team_reminds_everyone_outstanding_from_the_status(chat_as, engine: Engine, profile: Profile) -> None:
    from broadcast_world import link_slack

    link_slack(engine, "tomasz.wierzba@example.org", "UTOM")
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING, audience={"kind": "teams",
                                                                            "values": ["Harbour Recovery"]})
    harriet = chat_as(IG_OFFICER)
    [status] = harriet.say(f"broadcast status {broadcast_id}")
    [remind] = status.choices
    assert remind.label == "Remind them now"
    assert "I've reminded 1 person." in harriet.text(action=remind.action)
    assert "Only the IG team" in chat_as("rachel.dunmore@example.org").text(action=remind.action)


def test_a_broadcast_may_only_name_an_incident_in_the_register_that_is_closed(chat_as, engine: Engine) -> None:
    harriet = chat_as(IG_OFFICER)
    harriet.text("broadcast")
    for answer in ("Lock your screen", "Press Windows+L.", "everyone", "none", "2026-11-24 09:30"):
        harriet.text(answer)
    harriet.text("send")
    with session_scope(engine) as session:
        [scheduled] = broadcasts.get_all(session=session)
    answer = harriet.text(f"broadcast edit {scheduled.id} incident: IG-2026-9999")
    assert answer == "There is no incident 'IG-2026-9999' in the register."


def test_a_form_sent_without_an_audience_is_refused_and_nothing_is_stored(chat_as, engine: Engine) -> None:
    harriet = chat_as(IG_OFFICER)
    [form] = harriet.say("broadcast", supports_forms=True)
    assert form.form is not None and form.form.form_id == "broadcast-compose:form"
    answer = harriet.text(action="broadcast-compose:form", supports_forms=True, form={
        "title": "Lock your screen", "body": "Press Windows+L.", "audience": " ", "ack_by": "", "send_at": ""})
    assert answer.startswith("Say who should receive it")
    with session_scope(engine) as session:
        assert broadcasts.get_all(session=session) == []
