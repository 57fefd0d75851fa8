"""Nudges: one message a person a day with everything due, only in working time, again every N working days,
at most M times and then the manager; "Done" and "Remind me tomorrow"; nothing to leavers or people on leave."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from bot.core import outbox as replies_outbox
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from moments import MONDAY_MORNING
from nudge_world import add_record, set_employment, staff_id, train_everyone
from storage import directory, nudges, outbox
from storage.engine import session_scope
from storage.outbox import OutboxMessage
from workflows.nudges import JOB
from workflows.nudges.send import NudgeRun, send_nudges

SAM = "sam.okafor@example.org"
JUDE = "jude.carrow@example.org"
RACHEL = "rachel.dunmore@example.org"
UTC = dt.UTC


def at(day: int, month: int = 11, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=UTC)


def run(engine: Engine, profile: Profile, now: dt.datetime) -> NudgeRun:
    with session_scope(engine) as session:
        return send_nudges(session=session, profile=profile, calendar=WorkingCalendar(profile), now=now)


def messages(engine: Engine, email: str | None = None) -> list[OutboxMessage]:
    with session_scope(engine) as session:
        found = [message for message in outbox.get_all(session=session) if message.dedup_key.startswith("nudge")]
        if email is None:
            return found
        wanted = staff_id(engine, email)
        return [message for message in found if message.staff_id == wanted]


def text_of(message: OutboxMessage) -> str:
    [reply] = replies_outbox.replies_of(message)
    return reply.text


def sam_overdue_with_late_records(engine: Engine, profile: Profile, *, more: bool = True) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={SAM: dt.date(2025, 11, 1), JUDE: None})
    add_record(engine, SAM, "R-1001", at(19, hour=9))
    add_record(engine, SAM, "R-1002", at(21, hour=9))
    add_record(engine, SAM, "R-1004", at(16), written_up_at=at(17))
    if more:
        add_record(engine, SAM, "R-1003", at(22, hour=12))  # inside its 48 hours until Tuesday noon


def test_one_message_a_person_a_day_with_training_and_late_records_by_id(engine: Engine, profile: Profile) -> None:
    sam_overdue_with_late_records(engine, profile)
    assert run(engine, profile, MONDAY_MORNING).nudged == 2  # Sam, and Jude who never trained
    [message] = messages(engine, SAM)
    text = text_of(message)
    assert "Keeping Information Safe* training ran out on 1 November 2026" in text
    assert "R-1001, contact on 19 November 2026 at 09:00" in text and "R-1002" in text
    assert "R-1003" not in text and "R-1004" not in text
    [nudge] = replies_outbox.replies_of(message)
    assert [choice.label for choice in nudge.choices] == [
        "Done: training", "Done: R-1001", "Done: R-1002", "Remind me tomorrow"]
    assert message.next_attempt_at == MONDAY_MORNING, "in working time it goes at once"
    [jude] = messages(engine, JUDE)
    assert "You haven't completed *Keeping Information Safe* yet" in text_of(jude)

    assert run(engine, profile, MONDAY_MORNING + dt.timedelta(hours=3)).nudged == 0, "a re-run sends nothing more"
    assert len(messages(engine)) == 2
    assert run(engine, profile, at(24, hour=13)).nudged == 1, "R-1003 is late from Tuesday noon"
    assert "R-1003" in text_of(messages(engine, SAM)[-1]) and "R-1001" not in text_of(messages(engine, SAM)[-1])
    assert run(engine, profile, at(24, hour=15)).nudged == 0


def test_nothing_at_weekends_on_bank_holidays_or_outside_working_hours(engine: Engine, profile: Profile) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={JUDE: None})
    for quiet in (at(28), at(29), at(23, hour=7), at(23, hour=18), at(28, month=12), at(25, month=12)):
        assert run(engine, profile, quiet).nudged == 0, quiet
    assert messages(engine) == []
    assert run(engine, profile, at(29, month=12)).nudged == 1  # the Tuesday after Christmas


def test_again_every_n_working_days_at_most_m_times_then_the_manager_is_told(engine: Engine,
                                                                             profile: Profile) -> None:
    sam_overdue_with_late_records(engine, profile, more=False)
    calendar = WorkingCalendar(profile)
    day = dt.date(2026, 11, 23)
    while day <= dt.date(2026, 12, 11):
        if calendar.is_working_day(day):
            run(engine, profile, dt.datetime.combine(day, dt.time(10), tzinfo=UTC))
        day += dt.timedelta(days=1)
    nudged_on = sorted(dt.date.fromisoformat(m.dedup_key.rsplit(":", 1)[1]) for m in messages(engine, SAM)
                       if m.dedup_key.startswith("nudge:"))
    assert nudged_on == [dt.date(2026, 11, 23), dt.date(2026, 11, 26), dt.date(2026, 12, 1)]
    [told] = [m for m in messages(engine, RACHEL) if m.dedup_key.startswith("nudge-manager:")]
    assert told.dedup_key.endswith("2026-12-04"), "three working days after the last reminder"
    text = text_of(told)
    assert "Sam Okafor: Keeping Information Safe training overdue since 1 November 2026" in text
    assert "2 records not written up (R-1001, R-1002)" in text


def test_done_stops_an_item_until_an_import_says_otherwise(engine: Engine, profile: Profile, chat_as) -> None:  # type: ignore[no-untyped-def]
    sam_overdue_with_late_records(engine, profile)
    run(engine, profile, MONDAY_MORNING)
    sam = chat_as(SAM)
    assert "won't remind you about it again" in sam.text(action="nudge:done:training")
    assert "write-up of R-1001" in sam.text(action="nudge:done:record:R-1001")
    assert "nothing outstanding" in sam.text(action="nudge:done:record:R-9999")
    run(engine, profile, at(26))
    [_, second] = messages(engine, SAM)
    assert "R-1002" in text_of(second) and "training" not in text_of(second) and "R-1001" not in text_of(second)

    with session_scope(engine) as session:  # what a training import does: the data decides again
        nudges.clear_statements(session=session, training=True)
    run(engine, profile, at(1, month=12))
    assert "training ran out" in text_of(messages(engine, SAM)[-1])


def test_remind_me_tomorrow_brings_the_next_reminder_forward(engine: Engine, profile: Profile, chat_as) -> None:  # type: ignore[no-untyped-def]
    sam_overdue_with_late_records(engine, profile)
    run(engine, profile, MONDAY_MORNING)
    assert "Tuesday 24 November" in chat_as(SAM).text(action="nudge:tomorrow")
    run(engine, profile, at(24, hour=9))
    assert len(messages(engine, SAM)) == 1, "not before the time of the day's nudges"
    run(engine, profile, at(24))
    assert len(messages(engine, SAM)) == 2


def test_nothing_to_leavers_people_on_leave_or_people_deactivated(engine: Engine, profile: Profile) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={SAM: None, JUDE: None, RACHEL: None})
    set_employment(engine, SAM, on_leave_until=dt.date(2026, 11, 27))
    set_employment(engine, JUDE, left_on=dt.date(2026, 11, 20))
    with session_scope(engine) as session:
        rachel = directory.get_by_email(session=session, email=RACHEL)
        assert rachel is not None
        rachel.active = False
    assert run(engine, profile, MONDAY_MORNING).nudged == 0
    assert run(engine, profile, at(30)).nudged == 1  # Sam is back


def test_the_daily_job_is_on_the_schedule_and_runs_once_a_day(engine: Engine, profile: Profile,
                                                              conversation: Conversation) -> None:
    import asyncio

    train_everyone(engine, profile, on=dt.date(2026, 6, 1), but={JUDE: None})
    schedule = conversation.schedule
    ran = asyncio.run(schedule.run_due(MONDAY_MORNING))
    assert JOB in ran
    assert len(messages(engine, JUDE)) == 1


def test_igbots_logs_hold_counts_and_ids_never_names_emails_or_message_text(engine: Engine, profile: Profile,
                                                                         caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    from workflows.digests.send import send_digests

    sam_overdue_with_late_records(engine, profile)
    with caplog.at_level(logging.DEBUG):
        run(engine, profile, MONDAY_MORNING)
        with session_scope(engine) as session:
            send_digests(session=session, profile=profile, calendar=WorkingCalendar(profile), now=MONDAY_MORNING)
    ours = "\n".join(record.getMessage() for record in caplog.records
                      if record.name.split(".")[0] in ("bot", "storage", "knowledge", "workflows"))
    assert "nudges queued=2" in ours and "digests queued=" in ours
    for private in ("Sam", "Okafor", "example.org", "Keeping Information Safe", "R-1001", "reminder from"):
        assert private not in ours
