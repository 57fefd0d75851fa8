"""The outbox and its delivery worker, with a fake platform that records what it is asked to send;
the 24/48/64-hour reminders and the one-off draft reminder; jobs that fail without stopping the rest."""

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from bot.core.assistant import Assistant
from bot.core.chat import Choice, ChoiceStyle, Citation, FieldKind, Form, FormField, Reply
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.core.settings import load_settings
from bot.core import outbox as replies_outbox
from bot.core.schedule import run_job
from bot.app.background import start_background_jobs
from storage import directory, incidents, outbox
from storage.engine import session_scope
from storage.models import StaffMember
from workflows import delivery
from workflows.incidents import register, reminders, report

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
SAM = "sam.okafor@example.org"
IG_PEOPLE = {"Harriet Osei", "Beatrix Nolan", "Owen Tregarthen", "Graham Whitlock"}


@dataclass
class FakePlatform:
    """A messaging platform as the worker sees it: who it can reach, whether the IG channel is set, outages."""

    channel: str = "slack"
    reachable: set[str] = field(default_factory=set)  # emails of people with an account here
    ig_channel: bool = True
    outages: int = 0  # the next calls that fail as a network error would
    sent: list[tuple[str, list[Reply]]] = field(default_factory=list)
    delivered: asyncio.Event = field(default_factory=asyncio.Event)

    def _maybe_fail(self) -> None:
        if self.outages:
            self.outages -= 1
            raise ConnectionError("platform unavailable")

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        self._maybe_fail()
        if staff.email not in self.reachable:
            return False
        self.sent.append((staff.name, replies))
        self.delivered.set()
        return True

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        self._maybe_fail()
        if not self.ig_channel:
            return False
        self.sent.append(("#ig-team", replies))
        self.delivered.set()
        return True


def _answers(**changes: Any) -> dict[str, Any]:
    text = {"text": "Sent to the wrong practice", "removed": []}
    return {"kind": "misdirected_email", "happened_at": "2026-11-23T08:00:00+00:00",
            "discovered_at": "2026-11-23T09:00:00+00:00", "data_kind": "personal", "vulnerable": "none",
            "people_affected": 1, "contained": "partly", "containment": text, "told": text, "description": text,
            **changes}


def _report(engine: Engine, profile: Profile, now: dt.datetime = NOW, **changes: Any) -> str:
    with session_scope(engine) as session:
        reporter = directory.get_by_email(session=session, email=SAM)
        assert reporter is not None
        incident = report.store(session=session, reporter=reporter, answers=_answers(**changes), channel="slack",
                                profile=profile, now=now)
        return incident.reference


def _message(engine: Engine, key: str) -> outbox.OutboxMessage:
    with session_scope(engine) as session:
        message = outbox.get_by_key(session=session, dedup_key=key)
        assert message is not None
        return message


async def test_a_new_report_notice_reaches_the_ig_channel_once(engine: Engine, profile: Profile) -> None:
    reference = _report(engine, profile)
    slack = FakePlatform()
    run = await delivery.deliver_due(engine=engine, messengers=[slack], now=NOW)
    assert run == delivery.DeliveryRun(sent=1)
    [(where, [notice])] = slack.sent
    assert where == "#ig-team" and notice.title == f"New incident: {reference}"
    assert await delivery.deliver_due(engine=engine, messengers=[slack], now=NOW + dt.timedelta(hours=1)) == \
        delivery.DeliveryRun()
    assert len(slack.sent) == 1
    message = _message(engine, f"incident-reported:{reference}")
    assert (message.status, message.delivered_to, message.attempts) == ("sent", ["ig-team:slack"], 1)


async def test_without_an_ig_channel_every_ig_role_holder_gets_a_direct_message(engine: Engine, profile: Profile) -> None:
    _report(engine, profile)
    with session_scope(engine) as session:
        everyone = {person.email for person in directory.get_all(session=session)}
    teams = FakePlatform(channel="teams", reachable=everyone, ig_channel=False)
    await delivery.deliver_due(engine=engine, messengers=[FakePlatform(ig_channel=False), teams], now=NOW)
    assert {name for name, _ in teams.sent} == IG_PEOPLE


async def test_a_failed_send_is_retried_later_and_never_repeated_where_it_arrived(engine: Engine, profile: Profile) -> None:
    reference = _report(engine, profile)
    slack, teams = FakePlatform(), FakePlatform(channel="teams", outages=1)
    run = await delivery.deliver_due(engine=engine, messengers=[slack, teams], now=NOW)
    assert run == delivery.DeliveryRun(retrying=1)
    message = _message(engine, f"incident-reported:{reference}")
    assert (message.status, message.delivered_to, message.last_error) == ("pending", ["ig-team:slack"], "ConnectionError")
    assert message.next_attempt_at == NOW + dt.timedelta(minutes=1)
    await delivery.deliver_due(engine=engine, messengers=[slack, teams], now=NOW + dt.timedelta(seconds=30))
    assert teams.sent == [], "not due yet"
    run = await delivery.deliver_due(engine=engine, messengers=[slack, teams], now=NOW + dt.timedelta(minutes=1))
    assert run == delivery.DeliveryRun(sent=1)
    assert len(slack.sent) == 1 and len(teams.sent) == 1
    assert _message(engine, f"incident-reported:{reference}").delivered_to == ["ig-team:slack", "ig-team:teams"]


async def test_a_message_nobody_can_receive_fails_after_the_last_attempt(engine: Engine, profile: Profile) -> None:
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email=SAM)
        replies_outbox.queue(session=session, now=NOW, dedup_key="nudge:test", staff_id=sam.id, replies=[Reply(text="Hello")])
    now, pauses = NOW, []
    for _ in range(delivery.MAX_ATTEMPTS):
        await delivery.deliver_due(engine=engine, messengers=[FakePlatform()], now=now)
        message = _message(engine, "nudge:test")
        pauses.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert pauses[:3] == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert max(pauses[:-1]) == dt.timedelta(hours=1)
    assert (message.status, message.attempts, message.last_error) == ("failed", 8, "no channel reaches this person")


@dataclass
class BuggyPlatform(FakePlatform):
    """A platform whose code has a bug when it renders one person's message."""

    buggy_for: str = ""

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        if staff.email == self.buggy_for:
            raise TypeError("a bug in rendering")
        return await super().send(staff=staff, replies=replies)


async def test_a_bug_while_sending_is_logged_with_its_traceback_and_the_batch_goes_on(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    harriet = "harriet.osei@example.org"
    with session_scope(engine) as session:
        for email in (SAM, harriet):
            person = directory.get_by_email(session=session, email=email)
            assert person is not None
            replies_outbox.queue(session=session, now=NOW, dedup_key=f"nudge:{email}", staff_id=person.id, replies=[Reply(text="Hi")])
    slack = BuggyPlatform(reachable={SAM, harriet}, buggy_for=SAM)
    assert await delivery.deliver_due(engine=engine, messengers=[slack], now=NOW) == \
        delivery.DeliveryRun(sent=1, retrying=1)
    assert [who for who, _ in slack.sent] == ["Harriet Osei"]
    broken = _message(engine, f"nudge:{SAM}")
    assert (broken.status, broken.last_error) == ("pending", "TypeError")
    assert f"message_id={broken.id}" in caplog.text and "Traceback" in caplog.text
    assert "a bug in rendering" in caplog.text


async def test_a_personal_message_whose_person_cannot_be_found_is_not_posted_to_the_ig_channel(engine: Engine) -> None:
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email=SAM)
        assert sam is not None
        replies_outbox.queue(session=session, now=NOW, dedup_key="nudge:lost", staff_id=sam.id,
                       replies=[Reply(text="Your training is due")])
        session.exec(text("UPDATE outbox_message SET staff_id = NULL WHERE dedup_key = 'nudge:lost'"))
    slack = FakePlatform(reachable={SAM})
    assert await delivery.deliver_due(engine=engine, messengers=[slack], now=NOW) == delivery.DeliveryRun(retrying=1)
    assert slack.sent == []
    message = _message(engine, "nudge:lost")
    assert (message.delivered_to, message.last_error) == ([], "this person is not in the directory")


def test_the_same_message_is_never_queued_twice(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert replies_outbox.queue(session=session, now=NOW, dedup_key="reminder:x", to_ig_team=True, replies=[Reply(text="a")])
        assert not replies_outbox.queue(session=session, now=NOW, dedup_key="reminder:x", to_ig_team=True, replies=[Reply(text="b")])
    with session_scope(engine) as session:
        [message] = outbox.get_all(session=session)
        assert replies_outbox.replies_of(message) == [Reply(text="a")]
    with session_scope(engine) as session, pytest.raises(ValueError):
        replies_outbox.queue(session=session, now=NOW, dedup_key="nobody", replies=[Reply(text="c")])


def test_a_queued_reply_comes_back_with_every_field(engine: Engine) -> None:
    options = (Choice(label="Yes", action="answer:yes", style=ChoiceStyle.PRIMARY),
               Choice(label="No", action="answer:no"))
    form = Form(form_id="when", title="When did it happen?", submit_label="Send", fields=(
        FormField(name="at", label="Date and time", kind=FieldKind.DATETIME, required=False, hint="e.g. 09:30"),
        FormField(name="told", label="Told anyone?", kind=FieldKind.SELECT, options=options),
    ))
    reply = Reply(text="When did it happen?", title="Question 2 of 10",
                  citations=(Citation(title="Keeping data secure", ref="DQ402 — 4.2", url="https://example.org/a"),),
                  choices=(Choice(label="Stop", action="stop", style=ChoiceStyle.DANGER),), form=form,
                  notes=("Please don't paste personal details.",), expects_text=True)
    with session_scope(engine) as session:
        replies_outbox.queue(session=session, now=NOW, dedup_key="question:2", to_ig_team=True, replies=[reply])
    assert replies_outbox.replies_of(_message(engine, "question:2")) == [reply]


async def test_a_message_whose_worker_died_is_tried_again_after_its_lease(engine: Engine, profile: Profile) -> None:
    _report(engine, profile)
    with session_scope(engine) as session:
        assert len(outbox.claim_due(session=session, now=NOW, limit=10, lease=delivery.LEASE)) == 1
    slack = FakePlatform()
    assert await delivery.deliver_due(engine=engine, messengers=[slack], now=NOW + dt.timedelta(minutes=1)) == \
        delivery.DeliveryRun()
    assert (await delivery.deliver_due(engine=engine, messengers=[slack], now=NOW + delivery.LEASE)).sent == 1


def test_replicas_on_postgresql_claim_different_messages(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs a single worker process; SKIP LOCKED is PostgreSQL's")
    with session_scope(engine) as session:
        for number in range(4):
            replies_outbox.queue(session=session, now=NOW, dedup_key=f"m{number}", to_ig_team=True, replies=[Reply(text="x")])
    with session_scope(engine) as first, session_scope(engine) as second:
        mine = outbox.claim_due(session=first, now=NOW, limit=2, lease=delivery.LEASE)
        theirs = outbox.claim_due(session=second, now=NOW, limit=10, lease=delivery.LEASE)
        assert {m.dedup_key for m in mine}.isdisjoint({m.dedup_key for m in theirs})
        assert len(mine) + len(theirs) == 4


# --- reminders ---------------------------------------------------------------------------


def _queue(engine: Engine, profile: Profile, now: dt.datetime) -> int:
    with session_scope(engine) as session:
        return reminders.queue_deadline_reminders(session=session, profile=profile, now=now)


def _queue_drafts(engine: Engine, profile: Profile, now: dt.datetime) -> int:
    with session_scope(engine) as session:
        return reminders.queue_draft_reminders(session=session, profile=profile, now=now)


def test_reminders_at_24_48_and_64_hours_until_the_incident_is_notified(engine: Engine, profile: Profile) -> None:
    reference = _report(engine, profile)
    aware = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    assert _queue(engine, profile, aware + dt.timedelta(hours=23, minutes=59)) == 0
    assert _queue(engine, profile, aware + dt.timedelta(hours=24)) == 1
    assert _queue(engine, profile, aware + dt.timedelta(hours=30)) == 0, "each reminder once"
    assert _queue(engine, profile, aware + dt.timedelta(hours=48, minutes=5)) == 1
    [reminder] = replies_outbox.replies_of(_message(engine, f"incident-reminder:{reference}:48"))
    assert reminder.title == f"Reminder: {reference} is 48 hours old"
    assert "Thursday 26 November 2026 at 09:00 GMT (23 hours left)" in reminder.text
    with session_scope(engine) as session:
        harriet = directory.get_by_email(session=session, email="harriet.osei@example.org")
        incident = incidents.get_by_reference(session=session, reference=reference)
        register.confirm_grade(session=session, actor=harriet, incident=incident, profile=profile, now=NOW)
        register.mark_notified(session=session, actor=harriet, incident=incident, now=NOW)
    assert _queue(engine, profile, aware + dt.timedelta(hours=64)) == 0


def test_a_late_report_is_not_reminded_of_hours_already_gone(engine: Engine, profile: Profile) -> None:
    reference = _report(engine, profile, now=NOW, discovered_at="2026-11-22T03:00:00+00:00",
                        happened_at="2026-11-22T02:00:00+00:00")
    assert _queue(engine, profile, NOW + dt.timedelta(minutes=1)) == 0
    assert _queue(engine, profile, dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)) == 1
    assert _message(engine, f"incident-reminder:{reference}:48").to_ig_team


async def test_an_unfinished_report_reminds_its_author_once(
    chat_as, engine: Engine, profile: Profile, conversation: Conversation  # type: ignore[no-untyped-def]
) -> None:
    sam = chat_as(SAM)
    sam.say("report an incident")
    sam.say("2")
    later = NOW + reminders.DRAFT_REMINDER_AFTER + dt.timedelta(minutes=1)
    assert _queue_drafts(engine, profile, NOW) == 0
    assert _queue_drafts(engine, profile, later) == 1
    assert _queue_drafts(engine, profile, later + dt.timedelta(hours=5)) == 0
    slack = FakePlatform(reachable={SAM})
    await delivery.deliver_due(engine=engine, messengers=[slack], now=later)
    [(who, [reminder])] = slack.sent
    assert who == "Sam Okafor" and "haven't sent it yet" in reminder.text
    carry_on = reminder.choices[0]
    assert "Question 2 of 10" in sam.text(action=carry_on.action)


# --- jobs --------------------------------------------------------------------------------


async def test_a_failing_job_is_logged_and_rolled_back_and_the_others_carry_on(engine: Engine, caplog) -> None:  # type: ignore[no-untyped-def]
    def half_done(now: dt.datetime) -> None:
        with session_scope(engine) as session:
            directory.create(session=session, email="half.written@example.org", name="Half Written")
            raise RuntimeError("the job broke")

    async def failing(now: dt.datetime) -> None:
        await asyncio.to_thread(half_done, now)

    async def fine(now: dt.datetime) -> None:
        return None

    assert await run_job("broken", failing, NOW) is False
    assert await run_job("fine", fine, NOW) is True
    assert "job=broken" in caplog.text and "Traceback" in caplog.text
    with session_scope(engine) as session:
        assert directory.get_by_email(session=session, email="half.written@example.org") is None


async def test_the_background_jobs_deliver_a_new_report(engine: Engine, profile: Profile, conversation: Conversation,
                                                       tmp_path: Path) -> None:
    reference = _report(engine, profile, now=NOW - dt.timedelta(minutes=1))
    assistant = Assistant(settings=load_settings({"IGBOT_HOME": str(tmp_path)}), profile=profile, engine=engine,
                          conversation=conversation)
    slack = FakePlatform()
    tasks = start_background_jobs(assistant, [slack])
    try:
        await asyncio.wait_for(slack.delivered.wait(), timeout=20)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert slack.sent[0][1][0].title == f"New incident: {reference}"
