"""Reminders: after N working days, at most M times, and never to someone who has acknowledged or left."""

import datetime as dt

from sqlalchemy import Engine

from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from broadcast_world import link_slack, sent_broadcast, staff_id
from moments import MONDAY_MORNING
from storage import directory, outbox
from storage.engine import session_scope
from workflows.broadcasts import remind_now, send

SAM, TOMASZ, AISHA = "sam.okafor@example.org", "tomasz.wierzba@example.org", "aisha.qureshi@example.org"


def _remind(engine: Engine, profile: Profile, at: dt.datetime) -> int:
    with session_scope(engine) as session:
        return send.send_reminders(session=session, profile=profile, calendar=WorkingCalendar(profile), now=at)


def _reminded(engine: Engine) -> dict[int, int]:
    """How many reminders each person has been queued, from the outbox itself."""
    counts: dict[int, int] = {}
    with session_scope(engine) as session:
        for message in outbox.get_all(session=session):
            if message.dedup_key.startswith("broadcast-reminder") and message.staff_id is not None:
                counts[message.staff_id] = counts.get(message.staff_id, 0) + 1
    return counts


def test_reminders_wait_n_working_days_stop_at_m_and_stop_once_acknowledged_or_left(engine: Engine,
                                                                                    profile: Profile) -> None:
    for email, slack_id in ((SAM, "USAM"), (TOMASZ, "UTOM"), (AISHA, "UAISHA")):
        link_slack(engine, email, slack_id)
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING,
                                  audience={"kind": "emails", "values": [SAM, TOMASZ, AISHA]})
    sam, tomasz, aisha = (staff_id(engine, email) for email in (SAM, TOMASZ, AISHA))
    assert profile.broadcasts.remind_after_working_days == 3 and profile.broadcasts.remind_at_most == 2

    assert _remind(engine, profile, MONDAY_MORNING + dt.timedelta(days=2)) == 0  # Wednesday: 2 working days
    with session_scope(engine) as session:
        send.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=sam, on="slack",
                         now=MONDAY_MORNING + dt.timedelta(days=2))
    assert _remind(engine, profile, MONDAY_MORNING + dt.timedelta(days=3)) == 2  # Thursday: Tomasz and Aisha
    assert _remind(engine, profile, MONDAY_MORNING + dt.timedelta(days=3, hours=1)) == 0  # not twice in a day
    with session_scope(engine) as session:
        leaver = directory.get(session=session, staff_id=aisha)
        assert leaver is not None
        leaver.active = False
        session.add(leaver)
    # Thursday + 3 working days is the next Tuesday (the weekend does not count)
    assert _remind(engine, profile, MONDAY_MORNING + dt.timedelta(days=7)) == 0
    assert _remind(engine, profile, MONDAY_MORNING + dt.timedelta(days=8)) == 1
    assert _remind(engine, profile, MONDAY_MORNING + dt.timedelta(days=20)) == 0  # at most twice
    assert _reminded(engine) == {tomasz: 2, aisha: 1}


def test_remind_now_reaches_everyone_outstanding_who_can_be_reached(engine: Engine, profile: Profile) -> None:
    link_slack(engine, SAM, "USAM")
    link_slack(engine, TOMASZ, "UTOM")
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING,
                                  audience={"kind": "teams", "values": ["Harbour Recovery"]})
    with session_scope(engine) as session:
        send.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=staff_id(engine, SAM), on="teams",
                         now=MONDAY_MORNING)
        assert remind_now(session=session, profile=profile, broadcast_id=broadcast_id, now=MONDAY_MORNING) == 1
    assert _reminded(engine) == {staff_id(engine, TOMASZ): 1}, "Sam acknowledged; the others can't be reached"
