"""The pages as the IG officer uses them: the register and its changes, knowledge gaps, and what keeps them safe
(CSRF tokens, security headers, escaping of everything people typed)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from admin_harness import HARRIET, Dashboard
from sqlmodel import select

from moments import MONDAY_MORNING
from storage import curation, directory, incidents
from storage.curation import CurationItem, Signal
from storage.engine import session_scope
from storage.models import AuditEvent


def _status(dashboard: Dashboard, reference: str) -> str:
    with session_scope(dashboard.engine) as session:
        incident = incidents.get_by_reference(session=session, reference=reference)
        assert incident is not None
        return incident.status


async def test_every_page_sends_the_security_headers(dashboard: Dashboard) -> None:
    harriet = await dashboard.signed_in(HARRIET)
    for path in ("/admin/", "/admin/incidents", "/admin/gaps", "/admin/nowhere", "/admin/static/admin.css",
                 f"/admin/sign-in/{dashboard.link_for(HARRIET)}", "/admin/signed-out"):
        async with harriet.http.get(dashboard.server.make_url(path), allow_redirects=False) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "script-src" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    for redirect in (await harriet.post("/admin/sign-out", {}), await harriet.post("/admin/sign-out", {})):
        assert redirect.status in (303, 403) and redirect.headers["Referrer-Policy"] == "no-referrer"
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get("/admin/nowhere")
    assert status == 404 and "There is nothing here" in page
    assert "<script" not in page and "style=" not in page


async def test_a_form_without_its_csrf_token_changes_nothing(dashboard: Dashboard, store_report) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    harriet = await dashboard.signed_in(HARRIET)
    await harriet.get(f"/admin/incidents/{reference}")
    for fields in ({"task": "triage"}, {"task": "triage", "csrf": "guessed"}):
        response = await harriet.post(f"/admin/incidents/{reference}", fields, csrf=False)
        assert response.status == 403 and "This form has expired" in harriet.last_page
    response = await harriet.post("/admin/sign-out", {}, csrf=False)
    assert response.status == 403
    assert _status(dashboard, reference) == "reported"
    assert (await harriet.get("/admin/"))[0] == 200  # still signed in


async def test_the_ig_officer_triages_and_decides_an_incident_on_the_web(dashboard: Dashboard, store_report) -> None:  # type: ignore[no-untyped-def]
    reference = store_report()
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get(f"/admin/incidents/{reference}")
    assert status == 200 and "Referral sent to the wrong practice" in page and "Sam Okafor" in page
    assert "71 hours left" in page or "2 days 23 hours left" in page
    response = await harriet.post(f"/admin/incidents/{reference}", {"task": "regrade", "likelihood": "2",
                                                                     "severity": "2", "reason": ""})
    assert response.status == 400 and "Say why the grade is changing" in harriet.last_page
    assert _status(dashboard, reference) == "reported"
    await harriet.get(f"/admin/incidents/{reference}")
    response = await harriet.post(f"/admin/incidents/{reference}", {"task": "regrade", "likelihood": "2",
                                                                     "severity": "2", "reason": "Deleted unread"})
    assert response.status == 303
    status, page = await harriet.get(response.headers["Location"])
    assert "The grade was changed" in page and "triaged" in page and "Deleted unread" in page
    response = await harriet.post(f"/admin/incidents/{reference}", {"task": "close", "lessons": "Check addresses"})
    assert response.status == 400 and "can be closed once" in harriet.last_page  # the chat register's own rule
    await harriet.get(f"/admin/incidents/{reference}")
    response = await harriet.post(f"/admin/incidents/{reference}", {"task": "not_reportable",
                                                                     "reason": "Recipient is an NHS practice"})
    assert response.status == 303 and _status(dashboard, reference) == "not_reportable"
    status, page = await harriet.get(response.headers["Location"])
    assert "Audit trail" in page and "regraded" in page and "not reportable" in page


async def test_the_register_filters_by_status_kind_grade_and_date(dashboard: Dashboard, store_report) -> None:  # type: ignore[no-untyped-def]
    first = store_report()
    second = store_report(kind="loss_or_theft", now=MONDAY_MORNING + dt.timedelta(days=1))
    harriet = await dashboard.signed_in(HARRIET)
    await harriet.get(f"/admin/incidents/{first}")
    await harriet.post(f"/admin/incidents/{first}", {"task": "triage"})
    status, page = await harriet.get("/admin/incidents?status=triaged")
    assert status == 200 and first in page and second not in page
    status, page = await harriet.get("/admin/incidents?kind=loss_or_theft")
    assert second in page and first not in page
    status, page = await harriet.get("/admin/incidents?from=2026-11-24&to=2026-11-24")
    assert second in page and first not in page
    status, page = await harriet.get("/admin/incidents?grade=not_reportable&status=open")
    assert status == 200
    for bad in ("status=lost", "grade=11", "kind=%3Cb%3E", "from=yesterday"):
        status, page = await harriet.get(f"/admin/incidents?{bad}")
        assert status == 400 and "That did not work" in page and "<b>" not in page


async def test_what_people_typed_is_escaped_everywhere_it_is_shown(dashboard: Dashboard, store_report) -> None:  # type: ignore[no-untyped-def]
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    reference = store_report(description=f"Sent to the wrong place {attack}")
    with session_scope(dashboard.engine) as session:
        curation.create(session=session, signal=Signal.DECLINED, question=f"can I {attack}", now=MONDAY_MORNING)
        member = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert member is not None
        member.team = f"Harbour {attack}"
        session.add(member)
    harriet = await dashboard.signed_in(HARRIET)
    for path in (f"/admin/incidents/{reference}", "/admin/gaps", "/admin/", "/admin/team?team=" + quote(
            f"Harbour {attack}")):
        status, page = await harriet.get(path)
        assert status == 200, path
        assert "<script>" not in page and "<img" not in page, path
        assert "&lt;script&gt;" in page or "&lt;scr" in page, path


async def test_alike_questions_are_one_gap_closed_together(dashboard: Dashboard) -> None:
    with session_scope(dashboard.engine) as session:
        for question in ("can I park in the staff car park?", "Can I park in the staff car park",
                         "where can I park in the staff car park?"):
            curation.create(session=session, signal=Signal.DECLINED, question=question, now=MONDAY_MORNING)
        curation.create(session=session, signal=Signal.NOT_HELPFUL, question="how do I shred paper records?",
                        now=MONDAY_MORNING)
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get("/admin/gaps")
    assert status == 200 and page.count('class="card gap"') == 2 and "Asked 3 times" in page
    await harriet.get("/admin/gaps")
    response = await harriet.post("/admin/gaps", {"action": "dismiss", "ids": "1,99999999999999999999"})
    assert response.status == 400 and "reload the page" in harriet.last_page
    await harriet.get("/admin/gaps")
    response = await harriet.post("/admin/gaps", {"action": "covered", "entry": "no-such-entry", "ids": "1,2,3"})
    assert response.status == 400 and "Pick the knowledge base entry" in harriet.last_page
    await harriet.get("/admin/gaps")
    entry = next(iter(_entry_ids(harriet.last_page)))
    response = await harriet.post("/admin/gaps", {"action": "covered", "entry": entry, "ids": "1,2,3"})
    assert response.status == 303
    status, page = await harriet.get(response.headers["Location"])
    assert "closed as covered" in page and "car park" not in page and "shred paper" in page
    await harriet.post("/admin/gaps", {"action": "dismiss", "ids": "4"})
    with session_scope(dashboard.engine) as session:
        items = session.exec(select(CurationItem).order_by(CurationItem.id)).all()
        assert [(item.resolution, item.covered_by) for item in items] == [
            ("covered", entry), ("covered", entry), ("covered", entry), ("dismissed", None)]
        actions = [event.action for event in session.exec(select(AuditEvent).where(
            AuditEvent.action.startswith("question.")))]  # type: ignore[attr-defined]  # a column
    assert actions == ["question.covered"] * 3 + ["question.dismissed"]


async def test_a_close_call_is_a_gap_naming_both_entries_and_closes_like_the_others(dashboard: Dashboard) -> None:
    with session_scope(dashboard.engine) as session:
        curation.create(session=session, signal=Signal.CLOSE_CALL, question="do I need a DPIA or a privacy notice?",
                        entry_id="dpia", runner_up="privacy-notices", now=MONDAY_MORNING)
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get("/admin/gaps")
    assert status == 200 and "answered with two entries" in page
    [pair] = re.findall(r'<p class="pair">Both shown: “([^”]+)” and “([^”]+)”', page)
    titles = dict(re.findall(r'<option value="([a-z0-9-]+)">([^<]+)</option>', page))
    assert set(pair) == {titles["dpia"], titles["privacy-notices"]}
    response = await harriet.post("/admin/gaps", {"action": "covered", "entry": "dpia", "ids": "1"})
    assert response.status == 303
    status, page = await harriet.get(response.headers["Location"])
    assert "closed as covered" in page and "privacy notice?" not in page


def _entry_ids(page: str) -> list[str]:
    return re.findall(r'<option value="([a-z0-9-]+)">', page)


async def test_the_overview_shows_open_incidents_against_the_clock_in_words(dashboard: Dashboard, store_report) -> None:  # type: ignore[no-untyped-def]
    urgent = store_report(now=MONDAY_MORNING - dt.timedelta(hours=62))
    soon = store_report(now=MONDAY_MORNING - dt.timedelta(hours=50))
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get("/admin/")
    assert status == 200
    row_urgent = page[page.index(f">{urgent}</a>"):]
    assert "(under 12 hours)" in row_urgent.split("</tr>")[0] and 'class="clock urgent"' in row_urgent.split("</tr>")[0]
    row_soon = page[page.index(f">{soon}</a>"):]
    assert "(under 24 hours)" in row_soon.split("</tr>")[0]
    assert "<svg" in page and "Training completion by team" in page and "<caption>" in page
