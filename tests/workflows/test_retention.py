"""Retention: what is kept past the profile's periods goes each night, counted in the audit log; nothing open goes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session, col

from bot.app.cli import main
from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from bot.core.errors import ConfigurationError
from bot.core.profile import Profile, load_profile
from bot.core.settings import EXAMPLE_PROFILE
from storage import audit, conversations, curation, decisions, directory, incidents, messages
from storage.curation import CurationItem, Resolution, Signal
from storage.decisions import SharingDecision
from storage.engine import session_scope
from storage.incidents import Incident, IncidentNote
from storage.models import AuditEvent, ConversationState, MessageLog, StaffMember
from storage.retention import Kind
from workflows.incidents import register, report
from workflows.retention.apply import AUDIT_ACTION, apply, preview

YEAR = dt.timedelta(days=365)


def _person(session: Session, email: str) -> StaffMember:
    member = directory.get_by_email(session=session, email=email)
    assert member is not None and member.id is not None
    return member


def _incident(engine: Engine, profile: Profile, *, reported: dt.datetime, closed: dt.datetime | None = None,
              notified: bool = False) -> str:
    """An incident reported by Sam at `reported`, with a note; taken through to closure at `closed` if given."""
    text = {"text": "Referral sent to the wrong practice", "removed": []}
    answers: dict[str, Any] = {
        "kind": "misdirected_email", "happened_at": reported.isoformat(), "discovered_at": reported.isoformat(),
        "data_kind": "personal", "vulnerable": "none", "people_affected": 1, "contained": "partly",
        "containment": text, "told": text, "description": text}
    with session_scope(engine) as session:
        sam, harriet = _person(session, "sam.okafor@example.org"), _person(session, "harriet.osei@example.org")
        incident = report.store(session=session, reporter=sam, answers=answers, channel="slack", profile=profile,
                                now=reported)
        register.add_information(session=session, actor=sam, incident=incident, text="They deleted it", now=reported)
        if closed is not None:
            register.confirm_grade(session=session, actor=harriet, incident=incident, profile=profile, now=closed)
            if notified:
                register.mark_notified(session=session, actor=harriet, incident=incident, now=closed)
            else:
                register.mark_not_reportable(session=session, actor=harriet, incident=incident,
                                             reason="Contained within the hour", now=closed)
            register.close(session=session, actor=harriet, incident=incident, lessons="Check the address", now=closed)
        return incident.reference


def _keep_some_of_everything(engine: Engine, now: dt.datetime) -> None:
    with session_scope(engine) as session:
        sam, harriet = _person(session, "sam.okafor@example.org"), _person(session, "harriet.osei@example.org")
        connection = session.connection()
        conversations.save(connection=connection, staff_id=sam.id or 0, workflow="report_incident", data={"step": 1},
                           now=now - dt.timedelta(days=100))
        conversations.save(connection=connection, staff_id=harriet.id or 0, workflow="report_incident", data={"step": 2},
                           now=now - dt.timedelta(days=10))
        for age, delivery in ((dt.timedelta(days=200), "old"), (dt.timedelta(days=150), "recent")):
            messages.record(connection=connection, channel="slack", kind="text", staff_id=sam.id, now=now - age,
                            delivery_id=delivery)
        for question, signal, age in (("an old declined question", Signal.DECLINED, 2 * YEAR),
                                      ("an old question still with the IG team", Signal.REFERRED, 2 * YEAR),
                                      ("a recent declined question", Signal.DECLINED, dt.timedelta(days=300))):
            curation.create(session=session, signal=signal, now=now - age, question=question, staff_id=sam.id)
        for tree, age in (("can-i-share", 9 * YEAR), ("how-long-to-keep", 7 * YEAR)):
            decisions.create(session=session, staff_id=sam.id or 0, tree_id=tree, tree_version=1, answers=["yes"],
                             outcome_id="share", verdict="share", now=now - age)


def _what_is_left(engine: Engine) -> dict[str, Any]:
    with session_scope(engine) as session:
        return {
            "states": sorted(state.data["step"] for state in session.exec(select(ConversationState)).scalars()),
            "messages": sorted(row.delivery_id for row in session.exec(select(MessageLog)).scalars()),
            "questions": sorted(item.question for item in session.exec(select(CurationItem)).scalars()),
            "decisions": sorted(item.tree_id for item in session.exec(select(SharingDecision)).scalars()),
            "incidents": sorted(item.reference for item in session.exec(select(Incident)).scalars()),
            "notes": session.execute(select(func.count(col(IncidentNote.id)))).scalar_one(),
        }


async def test_the_nightly_job_deletes_only_what_is_past_its_period_and_never_an_open_incident(
    engine: Engine, profile: Profile, conversation: Conversation, clock: SettableClock
) -> None:
    now = clock.now()
    _keep_some_of_everything(engine, now)
    closed_long_ago = _incident(engine, profile, reported=now - 12 * YEAR, closed=now - 11 * YEAR)
    reported_to_ico = _incident(engine, profile, reported=now - 12 * YEAR, closed=now - 11 * YEAR, notified=True)
    never_closed = _incident(engine, profile, reported=now - 12 * YEAR)
    closed_recently = _incident(engine, profile, reported=now - 12 * YEAR, closed=now - 9 * YEAR)
    with session_scope(engine) as session:
        before = audit.checkpoint(session=session).count

    night = dt.datetime(2026, 11, 24, 2, 31, tzinfo=dt.UTC)  # the first 02:30 slot after Monday morning
    assert "retention" in await conversation.schedule.run_due(night)

    left = _what_is_left(engine)
    assert left == {
        "states": [2],
        "messages": ["recent"],
        "questions": ["a recent declined question", "an old question still with the IG team"],
        "decisions": ["how-long-to-keep"],
        "incidents": sorted([reported_to_ico, never_closed, closed_recently]),
        "notes": 3,
    }
    assert closed_long_ago not in left["incidents"]
    with session_scope(engine) as session:
        [event] = session.exec(select(AuditEvent).where(col(AuditEvent.action) == AUDIT_ACTION)).scalars().all()
        assert event.details == {"conversation_state": 1, "message_log": 1, "knowledge_gaps": 1, "incidents": 1,
                                 "decisions": 1}, "counts only: nothing that names a record or a person"
        assert event.actor_id is None and event.subject == ""
        assert audit.verify(session=session) is None, "the audit log is kept whole"
        assert audit.checkpoint(session=session).count == before + 1
    assert "retention" not in await conversation.schedule.run_due(night + dt.timedelta(hours=1)), "once a night"


def test_deleting_goes_a_batch_at_a_time_until_nothing_is_left(engine: Engine, profile: Profile,
                                                             clock: SettableClock) -> None:
    now = clock.now()
    with session_scope(engine) as session:
        session.execute(insert(MessageLog), [
            {"at": now - YEAR, "channel": "slack", "direction": "in", "kind": "text", "delivery_id": f"E{number}",
             "detail": {}} for number in range(7)])
    assert preview(engine, profile, now)[Kind.MESSAGE_LOG] == 7
    assert apply(engine, profile, now, batch=2)[Kind.MESSAGE_LOG] == 7
    assert preview(engine, profile, now) == dict.fromkeys(Kind, 0)


def test_a_dry_run_says_what_would_go_and_deletes_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("IGBOT_HOME", str(tmp_path / "home"))
    long_ago = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)  # past every period whatever the day the test runs
    with session_scope(engine) as session:
        messages.record(connection=session.connection(), channel="slack", kind="text", staff_id=None, now=long_ago,
                        delivery_id="E1")
    assert main(["retention", "run", "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "- 1 message log entries would be deleted: older than 6 months" in said
    assert "- 0 closed incidents would be deleted" in said and "open incidents are never deleted" in said
    assert "Nothing was deleted (--dry-run); 1 record(s) are past their retention." in said
    with session_scope(engine) as session:
        assert session.execute(select(func.count(col(MessageLog.id)))).scalar_one() == 1
        assert not session.exec(select(AuditEvent).where(col(AuditEvent.action) == AUDIT_ACTION)).all()

    assert main(["retention", "run"]) == 0
    assert "1 record(s) deleted; the counts are in the audit log." in capsys.readouterr().out
    with session_scope(engine) as session:
        assert session.execute(select(func.count(col(MessageLog.id)))).scalar_one() == 0


def test_the_example_profile_states_every_period() -> None:
    retention = load_profile(EXAMPLE_PROFILE).retention
    assert {name: str(getattr(retention, name)) for name in (
        "conversation_state", "message_log", "knowledge_gaps", "incidents", "reported_incidents", "decisions")} == {
        "conversation_state": "90 days", "message_log": "6 months", "knowledge_gaps": "1 year",
        "incidents": "10 years", "reported_incidents": "20 years", "decisions": "8 years"}


def _profile_with(tmp_path: Path, retention: str) -> Path:
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8")
    start = text.index("\nretention:")
    path = tmp_path / "profile.yaml"
    path.write_text(text[:start] + "\nretention:\n" + retention, encoding="utf-8")
    return path


@pytest.mark.parametrize(("retention", "problem"), [
    ("  incidents: ten years\n", "retention.incidents: 'ten years' is not a period such as '90 days', '6 months'"),
    ("  incidents: 10\n", "retention.incidents: 10 is not a period such as"),
    ("  message_log: 0 days\n", "retention.message_log: must be at least 1 day"),
    ("  decisions: 800 years\n", "retention.decisions: 800 years is longer than any record is kept (at most 100"),
    ("  message_log: 1 day\n", "message_log must be at least 7 days (it is how a message delivered twice is "
                               "recognised), not 1 day"),
    ("  incidents: 3 months\n", "incidents must be at least 1 year"),
    ("  incidents: 20 years\n  reported_incidents: 10 years\n",
     "reported_incidents (10 years) must be at least as long as incidents (20 years)"),
    ("  keep_forever: true\n", "retention.keep_forever: is not a known field"),
])
def test_profile_check_names_a_period_that_makes_no_sense(tmp_path: Path, retention: str, problem: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_profile(_profile_with(tmp_path, retention))
    assert problem in str(refused.value)


def test_an_older_profile_still_loads_and_is_told_what_to_change(tmp_path: Path) -> None:
    profile = load_profile(_profile_with(tmp_path, "  transcripts_days: 30\n  declined_questions_days: 200\n"))
    assert str(profile.retention.knowledge_gaps) == "200 days"
    assert str(profile.retention.incidents) == "10 years", "what the old profile did not say takes its default"
    assert any("transcripts_days is no longer used" in line for line in profile.deprecations())
    assert any("declined_questions_days is now retention.knowledge_gaps" in line for line in profile.deprecations())
