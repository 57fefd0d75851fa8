"""The register as the IG team and staff meet it: triage, grade, notified or not reportable, closed with
lessons learnt; only IG roles may change it; every change in the audit log; references unique per year."""

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.core.profile import Profile
from storage import audit, incidents, outbox
from storage.engine import session_scope
from storage.models import AuditEvent
from workflows.incidents import notices, register
from workflows.incidents.grading import Grade

SAM = "sam.okafor@example.org"
HARRIET = "harriet.osei@example.org"  # IG officer
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def _incident(engine: Engine, reference: str) -> incidents.Incident:
    with session_scope(engine) as session:
        incident = incidents.get_by_reference(session=session, reference=reference)
        assert incident is not None
        return incident


def _regrade(engine: Engine, profile: Profile, staff, reference: str, grade: Grade) -> str:  # type: ignore[no-untyped-def]
    """The IG officer regrades directly in the register: what igbot refused with, or "" when it was stored."""
    with session_scope(engine) as session:
        incident = incidents.get_by_reference(session=session, reference=reference)
        assert incident is not None
        try:
            register.regrade(session=session, actor=staff(HARRIET), incident=incident, grade=grade,
                             reason="Recipient deleted it", profile=profile, now=NOW)
        except register.CommandError as refusal:
            return str(refusal)
    return ""


def _audit_actions(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return [event.action for event in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_ig_officer_takes_an_incident_from_reported_to_closed(store_report, chat_as, engine) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    harriet = chat_as(HARRIET)
    [record] = harriet.say(f"triage {reference}")
    assert "Referral sent to the wrong practice" in record.text and "Reported by Sam Okafor" in record.text
    assert [choice.label for choice in record.choices] == ["Confirm suggested grade", "Change grade"]
    [triaged] = harriet.say(action=record.choices[0].action)
    assert "is triaged: likelihood 3 (Likely) x severity 2 (Minor)" in triaged.text
    assert "Notified the ICO" in [choice.label for choice in triaged.choices]
    assert "What reference did the ICO give" in harriet.text(action=f"incident:notified:{reference}")
    assert "marked as notified" in harriet.text("ICO case 00123")
    assert "can be closed once" not in harriet.text(f"close {reference}")
    assert "is closed" in harriet.text("Double-check addresses against the directory before sending")
    incident = _incident(engine, reference)
    assert incident.status == "closed" and incident.ico_reference == "ICO case 00123"
    assert incident.lessons_learnt == "Double-check addresses against the directory before sending"
    assert _audit_actions(engine) == ["incident.reported", "incident.graded", "incident.triaged",
                                      "incident.notified", "incident.closed"]
    with session_scope(engine) as session:
        assert audit.verify(session=session) is None
        details = str([event.details for event in session.exec(select(AuditEvent))])
    assert "Double-check" not in details and "ICO case" not in details and "Referral" not in details


def test_a_member_of_staff_is_refused_when_they_try_to_triage(store_report, chat_as, engine, profile, staff) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    refusal = "Only the IG team can do that. If you think you should be able to, ask the IG officer to give you the role."
    jude = chat_as("jude.carrow@example.org")
    assert jude.text(f"triage {reference}") == refusal
    assert jude.text(action=f"incident:confirm:{reference}") == refusal
    assert chat_as(SAM).text(f"not reportable {reference} it was only one person") == refusal
    with session_scope(engine) as session, pytest.raises(register.NotAllowed):
        register.confirm_grade(session=session, actor=staff(SAM), incident=_incident(engine, reference),
                               profile=profile, now=NOW)
    assert _incident(engine, reference).status == "reported"
    assert _audit_actions(engine) == ["incident.reported", "incident.graded"]


def test_the_dpo_changes_the_grade_with_a_reason_that_is_kept_redacted(store_report, chat_as, engine) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    beatrix = chat_as("beatrix.nolan@example.org")  # DPO
    [likelihood] = beatrix.say(action=f"incident:regrade:{reference}")
    assert [choice.label for choice in likelihood.choices][3] == "4 Highly likely"
    assert "what severity" in beatrix.text(action=likelihood.choices[3].action)
    assert "Why this grade" in beatrix.text("4")
    answer = beatrix.text("The client, NHS 943 476 5919, is at risk of serious harm")
    assert "likelihood 4 (Highly likely) x severity 4 (Serious)" in answer
    assert "report to the ICO and DHSC" in answer
    incident = _incident(engine, reference)
    assert (incident.status, incident.likelihood, incident.severity, incident.outcome) == ("triaged", 4, 4,
                                                                                         "ico_and_dhsc")
    assert incident.grade_reason == "The client, NHS [NHS number], is at risk of serious harm"
    with session_scope(engine) as session:
        regraded = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.regraded")).one()
    assert regraded.details == {"reference": reference, "likelihood": 4, "severity": 4, "outcome": "ico_and_dhsc",
                                "previous_likelihood": 3, "previous_severity": 2}


def test_children_are_never_graded_below_the_minimum(store_report, engine, profile, staff) -> None:  # type: ignore[no-untyped-def]
    reference = store_report(vulnerable="children", contained="yes", people_affected=1)
    with session_scope(engine) as session, pytest.raises(register.CommandError, match="at least 2 on both"):
        incident = incidents.get_by_reference(session=session, reference=reference)
        register.regrade(session=session, actor=staff(HARRIET), incident=incident, grade=Grade(2, 1),
                         reason="Recipient deleted it", profile=profile, now=NOW)


def test_the_grade_cannot_be_changed_once_the_ico_decision_is_made(store_report, chat_as, engine, profile, staff) -> None:  # type: ignore[no-untyped-def]
    not_reportable, notified = store_report(), store_report()
    harriet = chat_as(HARRIET)
    harriet.say(f"confirm {not_reportable}")
    harriet.say(f"confirm {notified}")
    assert "recorded as not reportable" in harriet.text(f"not reportable {not_reportable} Recipient deleted it")
    assert "marked as notified" in harriet.text(f"notified {notified} ICO case 00123")
    for reference, status in ((not_reportable, "not reportable"), (notified, "notified to the ICO")):
        refusal = (f"{reference} is already {status}, so its grade can no longer be changed: the decision was made "
                   f"on that grade. If something has come to light since, add it with *add to {reference}* so the "
                   "register shows it.")
        assert harriet.text(f"regrade {reference}") == refusal
        assert harriet.text(action=f"incident:regrade:{reference}") == refusal
        [record] = harriet.say(f"show {reference}")
        assert [choice.label for choice in record.choices] == ["Close"]
        with session_scope(engine) as session, pytest.raises(register.CommandError) as refused:
            incident = incidents.get_by_reference(session=session, reference=reference)
            register.regrade(session=session, actor=staff(HARRIET), incident=incident, grade=Grade(4, 4),
                             reason="The recipient shared it", profile=profile, now=NOW)
        assert str(refused.value) == refusal
    stored = [_incident(engine, reference) for reference in (not_reportable, notified)]
    assert [(i.status, i.likelihood, i.severity, i.outcome) for i in stored] == [
        ("not_reportable", 3, 2, "ico"), ("notified", 3, 2, "ico")]
    assert "incident.regraded" not in _audit_actions(engine)


@pytest.mark.parametrize(("vulnerable", "involved"), [("vulnerable_adults", True), ("unsure", False)])
def test_vulnerable_people_raise_the_grade_set_its_floor_and_are_named_alike(  # type: ignore[no-untyped-def]
        store_report, engine, profile, staff, vulnerable: str, involved: bool) -> None:
    reference = store_report(vulnerable=vulnerable, contained="yes", people_affected=1)
    incident = _incident(engine, reference)
    assert (incident.suggested_likelihood, incident.suggested_severity) == ((2, 3) if involved else (2, 2))
    named = "involves vulnerable adults" in notices.new_report(incident, profile, NOW).text
    assert named is involved
    refusal = _regrade(engine, profile, staff, reference, Grade(2, 1))
    assert ("at least 2 on both scales" in refusal) is involved
    assert _incident(engine, reference).likelihood == (None if involved else 2)


def test_not_reportable_needs_a_reason_and_closing_needs_lessons(store_report, chat_as, engine) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    harriet = chat_as(HARRIET)
    assert "hasn't been triaged yet" in harriet.text(f"not reportable {reference} only one person")
    assert "can be closed once" in harriet.text(f"close {reference} lessons")
    harriet.say(f"confirm {reference}")
    assert "Why is" in harriet.text(f"not reportable {reference}")
    assert "recorded as not reportable" in harriet.text("Recipient is a care provider and confirmed deletion")
    assert "already not reportable" in harriet.text(f"not reportable {reference} again")
    assert "is closed" in harriet.text(f"close {reference}: remind the team about checking addresses")
    assert "is closed, so it can't be changed" in harriet.text(f"notified {reference}")
    incident = _incident(engine, reference)
    assert incident.not_reportable_reason == "Recipient is a care provider and confirmed deletion"
    assert incident.lessons_learnt == "remind the team about checking addresses"


def test_the_reporter_adds_information_later_and_others_cannot(store_report, chat_as, engine) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    sam = chat_as(SAM)
    assert "Added to" in sam.text(f"add to {reference} The recipient called back: 07700 900123")
    assert "What would you like to add" in sam.text(action=f"incident:add:{reference}")
    assert "Added to" in sam.text("They have deleted it")
    assert "Only the person who reported" in chat_as("jude.carrow@example.org").text(f"add to {reference} hello")
    assert "Only the person who reported" in chat_as("jude.carrow@example.org").text(f"show {reference}")
    shown = sam.text(f"show {reference}")
    assert "The recipient called back: [phone number]" in shown and "They have deleted it" in shown
    with session_scope(engine) as session:
        notices = [m for m in outbox.get_all(session=session) if m.dedup_key.startswith("incident-note:")]
    assert len(notices) == 2 and all(m.to_ig_team for m in notices)
    assert "called back" not in str(notices[0].payload)
    assert _audit_actions(engine)[-2:] == ["incident.information_added", "incident.information_added"]


def test_an_unknown_or_malformed_reference_is_explained(chat_as) -> None:  # type: ignore[no-untyped-def]
    harriet = chat_as(HARRIET)
    assert harriet.text("triage IG-2026-0099") == "There's no incident IG-2026-0099. References look like IG-2026-0042."
    assert harriet.text("incidents") == "There are no incidents waiting to be closed."


def test_the_ig_team_lists_open_incidents_with_time_left(store_report, chat_as, clock) -> None:  # type: ignore[no-untyped-def]
    first = store_report()
    second = store_report(kind="near_miss")
    clock.advance(dt.timedelta(hours=2))
    listed = chat_as(HARRIET).text("open incidents")
    assert f"*{first}* Misdirected email or other human error: waiting for triage" in listed
    assert f"*{second}* Near miss" in listed and "not reportable" in listed
    assert "2 days 21 hours left" in listed
    assert "Only" in chat_as(SAM).text("incidents")


def test_a_notified_incident_stays_listed_until_it_is_closed(store_report, chat_as) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    harriet = chat_as(HARRIET)
    harriet.say(f"confirm {reference}")
    assert "notified" in harriet.text(f"notified {reference} ICO-123").lower()
    listed = harriet.text("incidents")
    assert f"*{reference}*" in listed and "notified" in listed.lower()
    harriet.say(f"close {reference} Check the address before sending")
    assert harriet.text("incidents") == "There are no incidents waiting to be closed."


def test_references_are_unique_under_concurrent_reports_and_restart_each_year(store_report) -> None:  # type: ignore[no-untyped-def]
    references: list[str] = []
    errors: list[BaseException] = []

    def store() -> None:
        try:
            references.append(store_report())
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=store) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(references) == [f"IG-2026-{number:04d}" for number in range(1, 9)]
    new_year = dt.datetime(2027, 1, 1, 0, 30, tzinfo=dt.UTC)
    assert store_report(now=new_year) == "IG-2027-0001"


def test_starting_a_report_while_asked_for_a_reason_starts_the_report(store_report, chat_as, engine) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    harriet = chat_as(HARRIET)
    harriet.say(f"confirm {reference}")
    assert "Why is" in harriet.text(f"not reportable {reference}")
    assert "Question 1 of 10" in harriet.text("report an incident")
    assert _incident(engine, reference).status == "triaged", "the words were not taken as the reason"
    assert "finish or discard it first" in harriet.text(f"regrade {reference}")
