"""The broadcast tables and services behave alike on SQLite and PostgreSQL (the `engine` fixture runs each on both)."""

import datetime as dt

from sqlalchemy import Engine

from moments import MONDAY_MORNING
from storage import broadcasts, directory
from storage.broadcasts import BroadcastStatus, Recipient, TeamAcknowledgement
from storage.engine import session_scope

LATER = MONDAY_MORNING + dt.timedelta(hours=2)


def _staff_id(session, email: str) -> int:  # type: ignore[no-untyped-def]  # a test helper
    member = directory.get_by_email(session=session, email=email)
    assert member is not None and member.id is not None
    return member.id


def _broadcast(engine: Engine, *, ack_required: bool = True) -> int:
    with session_scope(engine) as session:
        sender = _staff_id(session, "harriet.osei@example.org")
        broadcast = broadcasts.create(session=session, title="Check the recipient", body="Read *twice*.",
                                      audience={"kind": "teams", "values": ["Harbour Recovery"]}, send_at=MONDAY_MORNING,
                                      created_by=sender, now=MONDAY_MORNING, ack_required=ack_required,
                                      ack_by=dt.date(2026, 12, 4), incident_reference="INC-2026-0007")
        assert broadcast.id is not None
        return broadcast.id


def _send_to_team(engine: Engine, broadcast_id: int, team: str) -> list[int]:
    with session_scope(engine) as session:
        people = directory.get_all(session=session, team=team)
        assert broadcasts.start_sending(session=session, broadcast_id=broadcast_id)
        broadcasts.add_recipients(session=session, broadcast_id=broadcast_id, now=MONDAY_MORNING,
                                  recipients=[Recipient(p.id, p.team, "slack") for p in people if p.id is not None])
        broadcasts.mark_sent(session=session, broadcast_id=broadcast_id, now=MONDAY_MORNING)
        return [p.id for p in people if p.id is not None]


def test_a_broadcast_is_stored_scheduled_and_read_back_with_its_status(engine: Engine) -> None:
    broadcast_id = _broadcast(engine)
    with session_scope(engine) as session:
        stored = broadcasts.get(session=session, broadcast_id=broadcast_id)
        assert stored is not None
        assert stored.status is BroadcastStatus.SCHEDULED
        assert stored.audience == {"kind": "teams", "values": ["Harbour Recovery"]}
        assert stored.send_at == MONDAY_MORNING and stored.ack_by == dt.date(2026, 12, 4)
        assert broadcasts.recent(session=session) == []
        assert [b.id for b in broadcasts.due(session=session, now=MONDAY_MORNING)] == [broadcast_id]


def test_only_one_caller_starts_sending_and_a_sent_broadcast_cannot_be_edited_or_cancelled(engine: Engine) -> None:
    broadcast_id = _broadcast(engine)
    with session_scope(engine) as session:
        assert broadcasts.start_sending(session=session, broadcast_id=broadcast_id)
        assert not broadcasts.start_sending(session=session, broadcast_id=broadcast_id)
        broadcasts.mark_sent(session=session, broadcast_id=broadcast_id, now=LATER)
    with session_scope(engine) as session:
        assert not broadcasts.cancel(session=session, broadcast_id=broadcast_id)
        assert broadcasts.edit(session=session, broadcast_id=broadcast_id, title="Too late") is None
        stored = broadcasts.get(session=session, broadcast_id=broadcast_id)
        assert stored is not None and stored.status is BroadcastStatus.SENT and stored.sent_at == LATER
        assert [b.id for b in broadcasts.recent(session=session)] == [broadcast_id]


def test_a_scheduled_broadcast_can_be_edited_then_cancelled(engine: Engine) -> None:
    broadcast_id = _broadcast(engine)
    with session_scope(engine) as session:
        edited = broadcasts.edit(session=session, broadcast_id=broadcast_id, title="Check the recipient, again",
                                 send_at=LATER)
        assert edited is not None and edited.title == "Check the recipient, again"
    with session_scope(engine) as session:
        assert broadcasts.cancel(session=session, broadcast_id=broadcast_id)
        assert broadcasts.due(session=session, now=LATER) == []
        cancelled = broadcasts.get(session=session, broadcast_id=broadcast_id)
        assert cancelled is not None and cancelled.status is BroadcastStatus.CANCELLED


def test_an_acknowledgement_counts_once_however_often_and_wherever_it_is_given(engine: Engine) -> None:
    broadcast_id = _broadcast(engine)
    team = _send_to_team(engine, broadcast_id, "Harbour Recovery")
    with session_scope(engine) as session:
        assert broadcasts.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=team[0], on="slack",
                                      now=LATER)
        assert not broadcasts.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=team[0], on="slack",
                                          now=LATER + dt.timedelta(minutes=1))
        assert not broadcasts.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=team[0], on="teams",
                                          now=LATER + dt.timedelta(minutes=2))
    with session_scope(engine) as session:
        recipient = broadcasts.get_recipient(session=session, broadcast_id=broadcast_id, staff_id=team[0])
        assert recipient is not None
        assert (recipient.acknowledged_at, recipient.acknowledged_on) == (LATER, "slack")
        assert broadcasts.acknowledgement_by_team(session=session, broadcast_id=broadcast_id) == [
            TeamAcknowledgement(team="Harbour Recovery", recipients=len(team), acknowledged=1)]


def test_figures_and_the_outstanding_list_leave_out_leavers_who_had_not_acknowledged(engine: Engine) -> None:
    broadcast_id = _broadcast(engine)
    team = _send_to_team(engine, broadcast_id, "Harbour Recovery")
    acknowledged, leaver, leaver_who_read = team[0], team[1], team[2]
    with session_scope(engine) as session:
        for staff_id in (acknowledged, leaver_who_read):
            broadcasts.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=staff_id, on="teams", now=LATER)
        for staff_id in (leaver, leaver_who_read):
            member = directory.get(session=session, staff_id=staff_id)
            assert member is not None
            member.active = False
            session.add(member)
    with session_scope(engine) as session:
        [figures] = broadcasts.acknowledgement_by_team(session=session, broadcast_id=broadcast_id)
        assert (figures.recipients, figures.acknowledged) == (len(team) - 1, 2)
        assert figures.rate == 2 / (len(team) - 1)
        outstanding = [int(member.id or 0) for _, member in broadcasts.outstanding(session=session, broadcast_id=broadcast_id)]
        assert sorted(outstanding) == sorted(set(team) - {acknowledged, leaver, leaver_who_read})
        names = [member.name for _, member in broadcasts.outstanding(session=session, broadcast_id=broadcast_id)]
        assert names == sorted(names)
        among = {team[3], acknowledged}
        assert [m.id for _, m in broadcasts.outstanding(session=session, broadcast_id=broadcast_id, among=among)] == [
            team[3]]
        assert broadcasts.acknowledgement_by_team(session=session, broadcast_id=broadcast_id, among=among) == [
            TeamAcknowledgement(team="Harbour Recovery", recipients=2, acknowledged=1)]


def test_nobody_is_outstanding_when_no_acknowledgement_was_asked_for(engine: Engine) -> None:
    broadcast_id = _broadcast(engine, ack_required=False)
    _send_to_team(engine, broadcast_id, "Harbour Recovery")
    with session_scope(engine) as session:
        assert broadcasts.outstanding(session=session, broadcast_id=broadcast_id) == []


def test_a_person_is_recorded_once_and_what_waits_for_them_clears_when_they_acknowledge(engine: Engine) -> None:
    broadcast_id = _broadcast(engine)
    team = _send_to_team(engine, broadcast_id, "Harbour Recovery")
    with session_scope(engine) as session:
        again = broadcasts.add_recipients(session=session, broadcast_id=broadcast_id, now=LATER,
                                          recipients=[Recipient(team[0], "Harbour Recovery", "teams")])
        assert again == 0
        assert broadcasts.count_recipients(session=session, broadcast_id=broadcast_id) == len(team)
        assert [b.id for b in broadcasts.waiting_for(session=session, staff_id=team[0])] == [broadcast_id]
        broadcasts.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=team[0], on="terminal", now=LATER)
        assert broadcasts.waiting_for(session=session, staff_id=team[0]) == []


def test_those_a_reminder_could_go_to_and_the_count_of_reminders(engine: Engine) -> None:
    broadcast_id = _broadcast(engine)
    team = _send_to_team(engine, broadcast_id, "Harbour Recovery")
    with session_scope(engine) as session:
        broadcasts.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=team[0], on="slack", now=LATER)
        waiting = broadcasts.unacknowledged(session=session, broadcast_id=broadcast_id)
        assert {r.staff_id for r in waiting} == set(team[1:])
        broadcasts.record_reminded(session=session, recipient_ids=[int(r.id or 0) for r in waiting], now=LATER)
    with session_scope(engine) as session:
        recipient = broadcasts.get_recipient(session=session, broadcast_id=broadcast_id, staff_id=team[1])
        assert recipient is not None and (recipient.reminders_sent, recipient.last_reminded_at) == (1, LATER)
