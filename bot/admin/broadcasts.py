"""Broadcasts: who has acknowledged the lessons learnt and policy updates, by team, who is outstanding, and a reminder.

Figures come from storage/broadcasts.py; a manager sees only their reporting line's. Sending a
reminder is the IG team's, through the broadcasts workflow's `remind_now`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlmodel import Session, select

from bot.admin.access import Viewer, line_ids, scope_key
from bot.admin.webapp import DASHBOARD, Dashboard, forbidden, render, viewer
from storage import audit, broadcasts
from storage.broadcasts import BroadcastRecipient, TeamAcknowledgement
from storage.types import row_id
from workflows.broadcasts import remind_now

RECENT = 10
MOST_NAMES = 200  # of those outstanding, listed by team then name


@dataclass(frozen=True)
class BroadcastSummary:
    broadcast_id: int
    title: str
    sent: str
    ack_required: bool
    recipients: int
    acknowledged: int

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.recipients) if self.recipients else 100


def by_team(session: Session, dashboard: Dashboard, who: Viewer, broadcast_id: int, among: set[int] | None,
            now: dt.datetime) -> tuple[list[TeamAcknowledgement], dt.datetime]:
    """Acknowledgement by team within what the viewer may see, as counted in the last few minutes."""
    return dashboard.figures.fetch(f"broadcast:{broadcast_id}:{scope_key(who)}", now, lambda: (
        broadcasts.acknowledgement_by_team(session=session, broadcast_id=broadcast_id, among=among)))


def summaries(session: Session, dashboard: Dashboard, who: Viewer, now: dt.datetime, *,
              limit: int) -> list[BroadcastSummary]:
    among = line_ids(session=session, viewer=who)
    found = []
    for broadcast in broadcasts.recent(session=session, limit=limit):
        assert broadcast.id is not None
        teams, _ = by_team(session, dashboard, who, broadcast.id, among, now)
        if among is not None and not teams:
            continue  # sent to nobody in this manager's line
        sent = broadcast.sent_at or broadcast.send_at
        found.append(BroadcastSummary(broadcast.id, broadcast.title, f"{dashboard.calendar.local(sent):%d %b %Y}",
                                      broadcast.ack_required, sum(team.recipients for team in teams),
                                      sum(team.acknowledged for team in teams)))
    return found


def list_data(session: Session, dashboard: Dashboard, who: Viewer, now: dt.datetime) -> dict[str, Any]:
    found = summaries(session, dashboard, who, now, limit=RECENT)
    audit.record(session=session, now=now, action="dashboard.viewed", actor_id=who.staff_id, subject="broadcasts",
                 details={"shown": len(found)})
    return {"broadcasts": found}


async def list_page(request: web.Request) -> web.Response:
    who, dashboard = viewer(request), request.app[DASHBOARD]
    data = await dashboard.run(lambda session, now: list_data(session, dashboard, who, now))
    return render(request, "broadcasts.html", {**data, "title": "Broadcasts", "page": "broadcasts"})


def detail_data(session: Session, dashboard: Dashboard, who: Viewer, broadcast_id: int, team: str | None,
                now: dt.datetime) -> dict[str, Any]:
    """Acknowledgement by team, and who is outstanding: everyone when they are few, else in the team picked."""
    broadcast = broadcasts.get(session=session, broadcast_id=broadcast_id)
    if broadcast is None:
        raise web.HTTPNotFound()
    among = line_ids(session=session, viewer=who)
    teams, counted_at = by_team(session, dashboard, who, broadcast_id, among, now)
    if among is not None and not teams:
        raise forbidden(dashboard.profile)  # nobody in their line was sent it
    waiting = sum(item.recipients - item.acknowledged for item in teams)
    if team is not None:
        if team not in {item.team for item in teams}:
            raise forbidden(dashboard.profile) if among is not None else web.HTTPNotFound()
        among = _in_team(session, broadcast_id, team, among)
    listed = team is not None or waiting <= MOST_NAMES
    outstanding = [{"name": member.name, "team": recipient.team or member.team,
                    "reminders": recipient.reminders_sent, "reachable": bool(recipient.channel)}
                   for recipient, member in broadcasts.outstanding(session=session, broadcast_id=broadcast_id,
                                                                   among=among, limit=MOST_NAMES + 1)] if listed else []
    audit.record(session=session, now=now, action="dashboard.viewed", actor_id=who.staff_id,
                 subject=f"broadcast {broadcast_id}", details={"outstanding": len(outstanding)})
    return {"broadcast": broadcast, "teams": teams, "outstanding": outstanding[:MOST_NAMES], "team": team,
            "listed": listed, "waiting": waiting, "more": len(outstanding) > MOST_NAMES,
            "counted_at": dashboard.calendar.local(counted_at), "recipients": sum(team.recipients for team in teams),
            "acknowledged": sum(team.acknowledged for team in teams)}


def _in_team(session: Session, broadcast_id: int, team: str, among: set[int] | None) -> set[int]:
    """The recipients of this broadcast who were in `team` when it was sent (within `among`, when given)."""
    statement = select(BroadcastRecipient.staff_id).where(BroadcastRecipient.broadcast_id == broadcast_id,
                                                          BroadcastRecipient.team == team)
    found = set(session.exec(statement).all())
    return found if among is None else found & among


async def detail_page(request: web.Request) -> web.Response:
    who, dashboard = viewer(request), request.app[DASHBOARD]
    broadcast_id = _id(request)
    team = request.query.get("team", "").strip()[:100] or None
    data = await dashboard.run(lambda session, now: detail_data(session, dashboard, who, broadcast_id, team, now))
    reminded = request.query.get("reminded", "")
    return render(request, "broadcast.html", {**data, "title": data["broadcast"].title, "page": "broadcasts",
                                              "reminded": int(reminded) if reminded.isdigit() else None})


def _id(request: web.Request) -> int:
    found = row_id(request.match_info["broadcast_id"])
    if found is None:
        raise web.HTTPNotFound()
    return found


def remind(session: Session, dashboard: Dashboard, staff_id: int, broadcast_id: int, now: dt.datetime) -> int:
    if broadcasts.get(session=session, broadcast_id=broadcast_id) is None:
        raise web.HTTPNotFound()
    sent = remind_now(session=session, profile=dashboard.profile, broadcast_id=broadcast_id, now=now)
    audit.record(session=session, now=now, action="broadcast reminded", actor_id=staff_id,
                 subject=f"broadcast {broadcast_id}", details={"reminded": sent})
    return sent


async def remind_page(request: web.Request) -> web.Response:
    who, dashboard = viewer(request), request.app[DASHBOARD]
    if not who.sees_everything:
        raise forbidden(dashboard.profile)
    broadcast_id = _id(request)
    sent = await dashboard.run(lambda session, now: remind(session, dashboard, who.staff_id, broadcast_id, now))
    raise web.HTTPSeeOther(f"/admin/broadcasts/{broadcast_id}?reminded={sent}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/broadcasts", list_page)
    app.router.add_get("/broadcasts/{broadcast_id}", detail_page)
    app.router.add_post("/broadcasts/{broadcast_id}/remind", remind_page)
