"""Who sees what: the IG roles everything; a manager only their own reporting line, whatever the URL says."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from admin_harness import BEATRIX, HARRIET, KWAME, RACHEL, SAM, Dashboard
from sqlmodel import select

from bot.core.profile import load_profile
from bot.core.settings import EXAMPLE_PROFILE
from moments import MONDAY_MORNING
from storage import admin_access, directory, training
from storage.engine import session_scope
from storage.models import AuditEvent

COURSE = load_profile(EXAMPLE_PROFILE).training.name


def _trained(dashboard: Dashboard, *emails: str) -> None:
    with session_scope(dashboard.engine) as session:
        for email in emails:
            member = directory.get_by_email(session=session, email=email)
            assert member is not None and member.id is not None
            training.record_completion(session=session, staff_id=member.id, course=COURSE,
                                       completed_on=dt.date(2026, 6, 1), today=dt.date(2026, 11, 23),
                                       now=MONDAY_MORNING)


async def test_a_manager_sees_their_own_teams_figures_and_people(dashboard: Dashboard) -> None:
    _trained(dashboard, SAM)
    rachel = await dashboard.signed_in(RACHEL)
    status, page = await rachel.get("/admin/")
    assert status == 200 and "Your reporting line" in page
    assert "Harbour Recovery" in page and "Northgate Young People" not in page and "Central Office" not in page
    assert "Open incidents" not in page and "Knowledge gaps this month" not in page
    status, page = await rachel.get("/admin/team?team=" + quote("Harbour Recovery"))
    assert status == 200 and "Sam Okafor" in page and "Tomasz Wierzba" in page
    assert "Kwame Asante" not in page


async def test_a_manager_cannot_see_another_team_by_changing_the_url(dashboard: Dashboard) -> None:
    rachel = await dashboard.signed_in(RACHEL)
    for path in ("/admin/team?team=" + quote("Northgate Young People"), "/admin/team?team=" + quote("Central Office"),
                 "/admin/incidents", "/admin/incidents/IG-2026-0001", "/admin/gaps"):
        status, page = await rachel.get(path)
        assert status == 403, path
        assert "You cannot see this page" in page and "Lily Pemberton" not in page


async def test_a_manager_cannot_change_anything_they_may_not_see(dashboard: Dashboard, store_report) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    kwame = await dashboard.signed_in(KWAME)
    response = await kwame.post(f"/admin/incidents/{reference}", {"task": "triage"})
    assert response.status == 403
    response = await kwame.post("/admin/gaps", {"action": "dismiss", "ids": "1"})
    assert response.status == 403


async def test_the_ig_roles_see_every_team(dashboard: Dashboard) -> None:
    for email in (HARRIET, BEATRIX):
        browser = await dashboard.signed_in(email)
        status, page = await browser.get("/admin/")
        assert status == 200 and "The whole organisation" in page
        for team in ("Harbour Recovery", "Northgate Young People", "Riverside Housing Support", "Central Office"):
            assert team in page
        status, page = await browser.get("/admin/team?team=" + quote("Northgate Young People"))
        assert status == 200 and "Lily Pemberton" in page


async def test_staff_who_lose_their_role_are_signed_out(dashboard: Dashboard) -> None:
    rachel = await dashboard.signed_in(RACHEL)
    with session_scope(dashboard.engine) as session:
        member = directory.get_by_email(session=session, email=RACHEL)
        assert member is not None
        member.roles = ["staff"]
        session.add(member)
    assert (await rachel.get("/admin/"))[0] == 303


async def test_staff_get_a_polite_refusal_even_with_a_session(dashboard: Dashboard) -> None:
    """A session can only be opened by a link, which staff cannot use; one made by hand still shows nothing."""
    with session_scope(dashboard.engine) as session:
        sam = directory.get_by_email(session=session, email=SAM)
        assert sam is not None and sam.id is not None
        admin_access.start_session(session=session, staff_id=sam.id, token="sams-cookie", csrf_token="x",
                                   now=dashboard.clock.now())
    browser = dashboard.browser()
    browser.http.cookie_jar.update_cookies({"igbot_dashboard": "sams-cookie"}, dashboard.server.make_url("/admin/"))
    status, _ = await browser.get("/admin/")
    assert status == 303
    status, page = await browser.get("/admin/signed-out?why=ended")
    assert "dashboard" in page


async def test_every_view_of_personal_data_is_in_the_audit_log(dashboard: Dashboard, store_report) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    harriet = await dashboard.signed_in(HARRIET)
    for path in (f"/admin/incidents/{reference}", "/admin/incidents", "/admin/gaps",
                 "/admin/team?team=" + quote("Harbour Recovery")):
        assert (await harriet.get(path))[0] == 200
    with session_scope(dashboard.engine) as session:
        viewed = [event.subject for event in session.exec(
            select(AuditEvent).where(AuditEvent.action == "dashboard.viewed").order_by(AuditEvent.id))]
    assert viewed == ["overview", reference, "incidents", "knowledge gaps", "team"]


async def test_staff_figures_are_counted_again_after_five_minutes(dashboard: Dashboard) -> None:
    """Counting 100,000 people takes a while, so the overview keeps its training figures for five minutes
    and says when they were counted."""
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get("/admin/")
    assert "0 of 30 staff (0%)" in page and "as counted at 10:00" in page
    _trained(dashboard, SAM)
    assert "0 of 30 staff (0%)" in (await harriet.get("/admin/"))[1]
    dashboard.clock.advance(dt.timedelta(minutes=5))
    status, page = await harriet.get("/admin/")
    assert "1 of 30 staff (3%)" in page and "as counted at 10:05" in page
