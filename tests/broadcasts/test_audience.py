"""Who a broadcast reaches, for each kind of audience: leavers left out, the unreachable kept and counted."""

import datetime as dt

import pytest
from sqlalchemy import Engine

from bot.core.errors import CommandError
from moments import MONDAY_MORNING
from storage import directory, employment
from storage.employment import Employment
from storage.engine import session_scope
from workflows.broadcasts import audience
from broadcast_world import link_slack, staff_id

TODAY = MONDAY_MORNING.date()


def _emails(engine: Engine, written: str) -> tuple[set[str], audience.Resolved]:
    with session_scope(engine) as session:
        resolved = audience.resolve(session=session, audience=audience.parse(written), today=TODAY)
        emails = set()
        for person in resolved.recipients:
            member = directory.get(session=session, staff_id=person.staff_id)
            assert member is not None
            emails.add(member.email)
        return emails, resolved


def test_everyone_is_the_whole_active_directory(engine: Engine) -> None:
    emails, resolved = _emails(engine, "everyone")
    assert len(emails) == 30 and resolved.unmatched == []


def test_a_team_by_name_in_any_case(engine: Engine) -> None:
    emails, _ = _emails(engine, "team:harbour recovery, Northgate Young People")
    assert len(emails) == 8 + 7
    assert "sam.okafor@example.org" in emails and "kwame.asante@example.org" in emails


def test_a_role_reaches_everyone_who_holds_it(engine: Engine) -> None:
    emails, _ = _emails(engine, "role:manager")
    assert emails == {"rachel.dunmore@example.org", "kwame.asante@example.org", "priya.venkatesan@example.org",
                      "graham.whitlock@example.org", "beatrix.nolan@example.org"}


def test_a_reporting_line_goes_all_the_way_down(engine: Engine) -> None:
    emails, _ = _emails(engine, "line:beatrix.nolan@example.org")
    assert emails == {"beatrix.nolan@example.org", "harriet.osei@example.org"}
    everyone_under_graham, _ = _emails(engine, "line:graham.whitlock@example.org")
    assert "sam.okafor@example.org" in everyone_under_graham  # Graham -> Rachel -> Sam
    assert "harriet.osei@example.org" in everyone_under_graham  # Graham -> Beatrix -> Harriet
    assert len(everyone_under_graham) == 30


def test_a_list_of_emails_and_what_matched_nobody(engine: Engine) -> None:
    emails, resolved = _emails(engine, "emails:Sam.Okafor@example.org, nobody@example.org")
    assert emails == {"sam.okafor@example.org"}
    assert resolved.unmatched == ["nobody@example.org"]


def test_leavers_are_left_out_whether_deactivated_or_past_their_leaving_date(engine: Engine) -> None:
    with session_scope(engine) as session:
        deactivated = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert deactivated is not None
        deactivated.active = False
        session.add(deactivated)
        session.add(Employment(staff_id=staff_id(engine, "mei.lindqvist@example.org"), employee_id="E-1",
                               left_on=TODAY - dt.timedelta(days=1)))
        session.add(Employment(staff_id=staff_id(engine, "dev.ramaswamy@example.org"), employee_id="E-2",
                               on_leave_until=TODAY + dt.timedelta(days=5)))
    emails, resolved = _emails(engine, "team:Harbour Recovery")
    assert "sam.okafor@example.org" not in emails and "mei.lindqvist@example.org" not in emails
    assert "dev.ramaswamy@example.org" in emails  # on leave, not a leaver: they read it when back
    assert resolved.left_out == 2
    with session_scope(engine) as session:
        assert employment.away_on(session=session, today=TODAY)


def test_people_reachable_on_neither_platform_are_kept_and_counted(engine: Engine) -> None:
    link_slack(engine, "sam.okafor@example.org", "USAM")
    _, resolved = _emails(engine, "team:Harbour Recovery")
    channels = {person.staff_id: person.channel for person in resolved.recipients}
    assert channels[staff_id(engine, "sam.okafor@example.org")] == "slack"
    assert resolved.unreachable == 7 and len(resolved.recipients) == 8


@pytest.mark.parametrize("written", ["someone", "team:", "role:wizard", "teams"])
def test_an_audience_that_cannot_be_read_is_one_sentence(written: str) -> None:
    with pytest.raises(CommandError) as refused:
        audience.parse(written)
    assert str(refused.value).count(".") >= 1 and "\n" not in str(refused.value)
