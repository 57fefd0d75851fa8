"""Broadcasts on the dashboard: acknowledgement by team, who is outstanding, and a reminder sent now;
a manager sees their own reporting line only, and cannot send reminders."""

from __future__ import annotations

import datetime as dt

from admin_harness import HARRIET, KWAME, RACHEL, Dashboard
from broadcast_world import link_slack, sent_broadcast, staff_id
from sqlmodel import select

from bot.core.profile import Profile
from moments import MONDAY_MORNING
from storage import broadcasts
from storage.engine import session_scope
from storage.models import AuditEvent
from storage.outbox import OutboxMessage

EVERYONE = {"kind": "everyone", "values": []}


def _acknowledge(dashboard: Dashboard, broadcast_id: int, *emails: str) -> None:
    with session_scope(dashboard.engine) as session:
        for email in emails:
            assert broadcasts.acknowledge(session=session, broadcast_id=broadcast_id,
                                          staff_id=staff_id(dashboard.engine, email), on="slack",
                                          now=MONDAY_MORNING + dt.timedelta(hours=1))


def _reminders(dashboard: Dashboard) -> int:
    with session_scope(dashboard.engine) as session:
        return len([message for message in session.exec(select(OutboxMessage))
                    if "reminder-now" in message.dedup_key])


async def test_the_ig_officer_sees_acknowledgement_by_team_and_reminds_those_outstanding(
        dashboard: Dashboard, profile: Profile) -> None:
    for email, slack_id in (("tomasz.wierzba@example.org", "UTOM"), ("aisha.qureshi@example.org", "UAISHA"),
                            ("sam.okafor@example.org", "USAM")):
        link_slack(dashboard.engine, email, slack_id)
    broadcast_id = sent_broadcast(dashboard.engine, profile, MONDAY_MORNING, audience=EVERYONE)
    _acknowledge(dashboard, broadcast_id, "sam.okafor@example.org", "lily.pemberton@example.org")
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get("/admin/")
    assert "Check the recipient before you press send" in page and "2 of 30" in page
    assert "The last broadcast" in page and "1 broadcasts" not in page
    status, page = await harriet.get(f"/admin/broadcasts/{broadcast_id}")
    assert status == 200 and "2 of 30 people" in page
    harbour = page[page.index(">Harbour Recovery</a></th>"):].split("</tr>")[0]
    assert '<td class="number">1</td><td class="number">8</td>' in harbour
    assert "Tomasz Wierzba" in page and "Sam Okafor" not in page  # outstanding only
    response = await harriet.post(f"/admin/broadcasts/{broadcast_id}/remind", {})
    assert response.status == 303
    sent = int(response.headers["Location"].rsplit("=", 1)[1])
    assert sent == _reminders(dashboard) == 2  # Tomasz and Aisha: the others are on neither Slack nor Teams
    status, page = await harriet.get(response.headers["Location"])
    assert "A reminder is on its way to 2 people" in page
    with session_scope(dashboard.engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "broadcast reminded")).one()


async def test_a_manager_sees_only_their_line_and_cannot_remind(dashboard: Dashboard, profile: Profile) -> None:
    everyone = sent_broadcast(dashboard.engine, profile, MONDAY_MORNING, audience=EVERYONE)
    northgate = sent_broadcast(dashboard.engine, profile, MONDAY_MORNING, title="Northgate only",
                               audience={"kind": "teams", "values": ["Northgate Young People"]})
    rachel = await dashboard.signed_in(RACHEL)
    status, page = await rachel.get(f"/admin/broadcasts/{everyone}")
    assert status == 200 and "0 of 7 people who report to you" in page
    assert "Harbour Recovery" in page and "Northgate Young People" not in page and "Lily Pemberton" not in page
    assert "Send a reminder now" not in page
    response = await rachel.post(f"/admin/broadcasts/{everyone}/remind", {})
    assert response.status == 403 and _reminders(dashboard) == 0
    status, page = await rachel.get("/admin/broadcasts")
    assert "Northgate only" not in page
    assert (await rachel.get(f"/admin/broadcasts/{northgate}"))[0] == 403
    kwame = await dashboard.signed_in(KWAME)
    status, page = await kwame.get(f"/admin/broadcasts/{northgate}")
    assert status == 200 and "Lily Pemberton" in page


async def test_a_broadcast_title_is_shown_as_text(dashboard: Dashboard, profile: Profile) -> None:
    broadcast_id = sent_broadcast(dashboard.engine, profile, MONDAY_MORNING, audience=EVERYONE,
                                  title="<b onmouseover=alert(1)>Lessons</b>")
    harriet = await dashboard.signed_in(HARRIET)
    for path in ("/admin/", "/admin/broadcasts", f"/admin/broadcasts/{broadcast_id}"):
        status, page = await harriet.get(path)
        assert status == 200 and "<b onmouseover" not in page and "&lt;b onmouseover" in page
    assert (await harriet.get("/admin/broadcasts/999"))[0] == 404
    assert (await harriet.get("/admin/broadcasts/nope"))[0] == 404
    assert (await harriet.get("/admin/broadcasts/99999999999999999999"))[0] == 404


async def test_when_many_are_outstanding_they_are_listed_team_by_team(dashboard: Dashboard, profile: Profile,
                                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import bot.admin.broadcasts

    monkeypatch.setattr(bot.admin.broadcasts, "MOST_NAMES", 10)  # as if 30 people were thousands
    broadcast_id = sent_broadcast(dashboard.engine, profile, MONDAY_MORNING, audience=EVERYONE)
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get(f"/admin/broadcasts/{broadcast_id}")
    assert status == 200 and "30 people have not acknowledged it: pick a team" in page
    assert "Tomasz Wierzba" not in page and "Send a reminder now" in page
    status, page = await harriet.get(f"/admin/broadcasts/{broadcast_id}?team=Harbour%20Recovery")
    assert status == 200 and "Not yet acknowledged in Harbour Recovery" in page
    assert "Tomasz Wierzba" in page and "Lily Pemberton" not in page
    assert (await harriet.get(f"/admin/broadcasts/{broadcast_id}?team=Nowhere"))[0] == 404
    rachel = await dashboard.signed_in(RACHEL)
    assert (await rachel.get(f"/admin/broadcasts/{broadcast_id}?team=Northgate%20Young%20People"))[0] == 403
    status, page = await rachel.get(f"/admin/broadcasts/{broadcast_id}?team=Harbour%20Recovery")
    assert status == 200 and "Tomasz Wierzba" in page
